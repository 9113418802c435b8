"""The WordNet-derived relation lexicon (validators/lexicon.py, data/relation_lexicon.json)."""

import re

from validators.lexicon import cue_alternatives, noun_forms, people_nouns, relation_words, verb_forms


def test_checked_in_lexicon_has_wordnet_words_per_relation():
    words = relation_words()
    assert {"mother tongue", "lingua franca"} <= set(words["language"]["nouns"])
    assert {"paper money", "legal tender"} <= set(words["currency"]["nouns"])
    assert {"inhabit", "dwell"} <= set(words["population"]["verbs"])
    assert all(w == w.lower() for kinds in words.values() for ws in kinds.values() for w in ws)  # no proper nouns


def test_inflected_forms():
    assert noun_forms("dweller") == ["dweller", "dwellers"]
    assert noun_forms("currency") == ["currency", "currencies"]
    assert verb_forms("live") == ["live", "lives", "lived", "living"]
    assert verb_forms("inhabit") == ["inhabit", "inhabits", "inhabited", "inhabiting"]


def test_cue_alternatives_match_whole_phrases_only():
    pattern = re.compile(rf"\b(?:{cue_alternatives('language')})\b", re.IGNORECASE)
    assert pattern.search("Their mother  tongue is Portuguese")
    assert not pattern.search("She stuck her tonguey out")
    assert "dwellers" in people_nouns() and "populations" not in people_nouns()
