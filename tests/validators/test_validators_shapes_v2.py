"""Sentence shapes and dated facts added for issue 14 (v2): number words in any position, demonym and
relative-clause owners, elided and gapped lists, echoed questions, paraphrased relations, stale facts."""

from datetime import date

import pytest

from validators import FactChecker, FactCheckerConfig
from validators.numbers import find_quantities


def read(checker, text, question=None):
    result = checker.check(text, question)
    return result.verdict, sorted((c.subject, c.relation, c.verdict) for c in result.claims)


@pytest.mark.parametrize("words, value", [
    ("five and a half million", 5.5e6), ("a hundred and five", 105), ("one hundred and twenty-four million", 124e6),
    ("seventy-nine", 79), ("thirty six", 36), ("twelve hundred", 1200)])
def test_number_words_of_every_form(words, value):
    [quantity] = find_quantities(words, words_alone=True)
    assert quantity.value == pytest.approx(value)


@pytest.mark.parametrize("true, false", [
    ("Twelve is the atomic number of magnesium.", "Fourteen is the atomic number of magnesium."),
    ("Helium is element two.", "Helium is element four."),
    ("Mercury sits at number eighty on the periodic table.", "Mercury sits at number eighty-eight on the periodic table."),
    ("Nitrogen's atomic number? Seven.", "Nitrogen's atomic number? Nine."),
    ("Norway has about five and a half million people.", "Norway has about fifty million people."),
    ("France, a nation of about 68 million, borders Spain.", "France, a nation of about 6 million, borders Spain."),
])
def test_number_words_anywhere(checker, true, false):
    assert read(checker, true)[0] == "supported"
    assert read(checker, false)[0] == "contradicted"


@pytest.mark.parametrize("true, false, subject, relation", [
    ("The Canadian capital is Ottawa.", "The Canadian capital is Toronto.", "Canadian", "capital"),
    ("The Mexican currency is the peso.", "The Mexican currency is the real.", "Mexican", "currency"),
    ("Pakistan, whose capital is Islamabad, borders India.", "Pakistan, whose capital is Karachi, borders India.",
     "Pakistan", "capital"),
    ("Brazil's seat of government is Brasília.", "Brazil's seat of government is Rio de Janeiro.", "Brazil", "capital"),
    ("Prices in India are in rupees.", "Prices in India are in dinars.", "India", "currency"),
    ("Peru lies on the west coast of South America.", "Peru lies on the west coast of Africa.", "Peru", "region"),
    ("The number of people living in Spain is about 48 million.",
     "The number of people living in Spain is about 480 million.", "Spain", "population"),
])
def test_paraphrased_relations_and_owners(checker, true, false, subject, relation):
    verdict, claims = read(checker, true)
    assert verdict == "supported" and (subject, relation, "supported") in claims
    verdict, claims = read(checker, false)
    assert verdict == "contradicted" and (subject, relation, "contradicted") in claims


def test_elided_and_gapped_lists_give_one_claim_per_item(checker):
    _, claims = read(checker, "Turkey's currency is the lira and Egypt's is the dinar.")
    assert claims == [("Egypt", "currency", "contradicted"), ("Turkey", "currency", "supported")]
    _, claims = read(checker, "Ottawa is the capital of Canada, Sydney of Australia and Wellington of New Zealand.")
    assert claims == [("Australia", "capital", "contradicted"), ("Canada", "capital", "supported"),
                      ("New Zealand", "capital", "supported")]
    _, claims = read(checker, "The currencies: Japan - yen, Poland - forint.")
    assert claims == [("Japan", "currency", "supported"), ("Poland", "currency", "contradicted")]


def test_a_count_of_people_in_an_appositive_is_a_population(checker):
    _, claims = read(checker, "Thailand, with nearly 720 million inhabitants, uses the baht.")
    assert claims == [("Thailand", "currency", "supported"), ("Thailand", "population", "contradicted")]
    _, claims = read(checker, "South Korea's roughly 52 million citizens use the won.")
    assert claims == [("South Korea", "currency", "supported"), ("South Korea", "population", "supported")]


def test_comparisons_name_no_region(checker):
    assert read(checker, "Australia is bigger than any country in Europe.") == ("unverified", [])
    assert read(checker, "Hungary is in Central Europe.")[0] == "supported"


@pytest.mark.parametrize("text", ["Croatia uses the euro.", "Bulgaria adopted the euro.",
                                  "Zimbabwe's currency is the ZiG.", "Sierra Leone's currency is the leone."])
def test_recent_currency_changes_are_in_the_kb(checker, text):
    assert checker.check(text).verdict == "supported"


def test_a_withdrawn_currency_is_known_and_contradicted(checker):
    assert checker.check("Croatia still uses the kuna.").verdict == "contradicted"
    assert checker.check("Italy uses the lira.").verdict == "contradicted"


def test_a_stale_fact_cannot_contradict(checker):
    """The same KB, counted to a date long after its currency facts: a different currency may be right by
    then, so the claim is unverified, not contradicted."""
    later = FactChecker(FactCheckerConfig(reference_date=date(2040, 1, 1)))
    assert checker.check("Japan's currency is the dollar.").verdict == "contradicted"
    result = later.check("Japan's currency is the dollar.")
    assert result.verdict == "unverified" and "may have changed" in result.claims[0].reason
    assert later.check("Japan's currency is the yen.").verdict == "supported"


def test_stale_after_years_is_configurable(checker):
    never = FactChecker(FactCheckerConfig(reference_date=date(2040, 1, 1), stale_after_years={}))
    assert never.check("Japan's currency is the dollar.").verdict == "contradicted"
    with pytest.raises(ValueError, match="stale_after_years"):
        FactCheckerConfig(stale_after_years={"currency": "soon"})
