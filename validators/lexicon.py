"""The words that name each relation, as `validators.build_lexicon` derived them from WordNet 3.0
(data/relation_lexicon.json, checked in): nouns ("mother tongue", "paper money", "dweller") and verbs
("inhabit", "dwell"), with their inflected forms as regex alternatives for the extractor's cue patterns.
The hand-written cue patterns in `validators.extraction` cover the phrasal paraphrases WordNet has no
entry for ("people there pay in", "the seat of government", "goes by the letters")."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

LEXICON_PATH = Path(__file__).parent / "data" / "relation_lexicon.json"


@cache
def relation_words() -> dict[str, dict[str, list[str]]]:
    """{relation: {"nouns": [...], "verbs": [...]}}; {} if the file is missing (cues fall back to the
    hand-written patterns)."""
    if not LEXICON_PATH.is_file():
        return {}
    return json.loads(LEXICON_PATH.read_text(encoding="utf-8"))["relations"]


def noun_forms(noun: str) -> list[str]:
    """"dweller" -> ["dweller", "dwellers"]; "paper money" -> ["paper money", "paper moneys"]."""
    plural = noun[:-1] + "ies" if re.search(r"[^aeiou]y$", noun) else noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")
    return [noun, plural]


def verb_forms(verb: str) -> list[str]:
    """"live" -> ["live", "lives", "lived", "living"]; regular inflection only."""
    stem = verb[:-1] if verb.endswith("e") else verb
    return [verb, verb + "s", stem + "ed", stem + "ing"]


def cue_alternatives(relation: str) -> str:
    """A regex alternation of every form of the relation's WordNet words (longest first), or "" if none."""
    words = relation_words().get(relation, {})
    forms = {form for noun in words.get("nouns", []) for form in noun_forms(noun)}
    forms |= {form for verb in words.get("verbs", []) for form in verb_forms(verb)}
    return "|".join(re.escape(form).replace(r"\ ", r"\s+") for form in sorted(forms, key=len, reverse=True))


def people_nouns() -> list[str]:
    """Plural nouns that count people ("dwellers", "denizens"): the population nouns that name persons."""
    return [noun_forms(noun)[1] for noun in relation_words().get("population", {}).get("nouns", [])
            if noun not in ("population", "citizenry")]
