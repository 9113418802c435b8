"""Round 9 faults: negation scope past a consequence ("so", "therefore"), common nouns read as countries
("island" -> Iceland), hedges read as values ("I'm"), and an incomplete, undated language list."""

import pytest


def _verdicts(result) -> dict[str, str]:
    return {c.claimed_value.lower(): c.verdict for c in result.claims}


@pytest.mark.parametrize("answer, value", [
    ("Hungary never adopted the euro, so you'll want forints.", "forints"),
    ("Poland has not joined the eurozone, therefore travellers pay in zloty.", "zloty"),
    ("Czechia has not adopted the euro, which is why you pay in koruna.", "koruna"),
])
def test_negation_stops_at_a_consequence(checker, answer, value):
    result = checker.check(answer)
    assert result.verdict == "supported"
    assert _verdicts(result)[value] == "supported"


def test_negation_before_a_consequence_still_denies_its_own_value(checker):
    result = checker.check("Sweden never adopted the euro, which is why prices are in euros.")
    assert _verdicts(result) == {"euro": "supported", "euros": "contradicted"}


@pytest.mark.parametrize("noun", ["island", "nation", "country", "kingdom", "republic", "state"])
def test_common_nouns_never_name_a_country(checker, noun):
    assert checker.kb.resolve(noun) is None
    result = checker.check(f"The {noun} uses the euro.")
    assert all(c.subject is None or c.subject.lower() != noun for c in result.claims)
    assert result.verdict != "contradicted"


@pytest.mark.parametrize("answer, subject, verdict", [
    ("Malta is in Europe, and the island nation uses the euro.", "Malta", "supported"),
    ("Cyprus lies in the Mediterranean; the island nation uses the pound.", "Cyprus", "contradicted"),
])
def test_island_nation_refers_back(checker, answer, subject, verdict):
    result = checker.check(answer)
    currency = [c for c in result.claims if c.relation == "currency"]
    assert [(c.subject, c.verdict) for c in currency] == [(subject, verdict)]


@pytest.mark.parametrize("question, answer", [
    ("What's the capital of Tuvalu?", "I'm not certain, to be honest."),
    ("What is the capital of Bhutan?", "Unsure, sorry."),
    ("What is the capital of Chad?", "I don't know."),
    ("What is the capital of Fiji?", "Not sure."),
])
def test_a_declined_answer_claims_nothing(checker, question, answer):
    result = checker.check(answer, question=question)
    assert result.claims == []
    assert result.verdict == "unverified"


def test_a_hedged_but_real_answer_is_still_read(checker):
    assert checker.check("I'm fairly sure it's Quito.", question="What is the capital of Peru?").verdict == "contradicted"
    assert checker.check("It's Kathmandu.", question="What is the capital of Nepal?").verdict == "supported"


def test_rwanda_swahili_is_a_dated_fact(checker):
    facts = [f for f in checker.kb.facts(checker.kb.resolve("Rwanda"), "language") if f.value == "Swahili"]
    assert facts and facts[0].as_of and facts[0].as_of.startswith("2017")
    result = checker.check("Rwanda's official languages are Kinyarwanda, English, French and Swahili.")
    assert result.verdict == "supported"


def test_one_unlisted_language_in_a_matching_list_is_unverified(checker):
    # Canada's KB list is English and French; a third, unlisted language may be the list's gap.
    result = checker.check("Canada's official languages are English, French and Spanish.")
    verdicts = _verdicts(result)
    assert verdicts == {"english": "supported", "french": "supported", "spanish": "unverified"}
    assert result.verdict == "supported"


@pytest.mark.parametrize("answer", ["Brazilians speak Spanish.", "Argentina's official language is Portuguese.",
                                    "Brazil's languages are Spanish and French."])
def test_clear_language_errors_stay_contradicted(checker, answer):
    assert checker.check(answer).verdict == "contradicted"
