"""Round 8 faults: compound number words, changed facts (renamed capital, euro-replaced currencies), population
"may be newer" bound by the country's own trend, region list headings, multi-word cities and "X took over"."""

import pytest

from validators.numbers import find_quantities


@pytest.mark.parametrize("text, value", [
    ("roughly two thousand six hundred square kilometres", 2600),
    ("one hundred and twelve thousand people", 112_000),
    ("three million four hundred thousand inhabitants", 3_400_000),
    ("nineteen hundred square km", 1900),
    ("two point five million people", 2_500_000),
    ("seventy-two thousand five hundred people", 72_500),
])
def test_compound_number_words_are_one_number(text, value):
    quantities = find_quantities(text)
    assert [q.value for q in quantities] == [value]


def test_compound_number_keeps_last_place_rounding():
    (quantity,) = find_quantities("two thousand six hundred square kilometres")
    assert quantity.rounding == 50 and quantity.unit == "km²"


def _verdicts(checker, text):
    return {(c.subject, c.claimed_value): c.verdict for c in checker.check(text).claims}


@pytest.mark.parametrize("text, verdict", [
    ("Luxembourg covers roughly two thousand six hundred square kilometres.", "supported"),
    ("The capital of Kazakhstan is Nur-Sultan.", "contradicted"),
    ("Kazakhstan's capital is Astana.", "supported"),
    ("Cyprus uses the Cypriot pound.", "contradicted"),
    ("Lithuania still uses the litas.", "contradicted"),
    ("Estonia used the kroon until 2011.", "unverified"),
    ("Kazakhstan's capital was called Nur-Sultan between 2019 and 2022.", "unverified"),
    ("Austria has about 12 million people.", "contradicted"),
    ("Austria has about 9.1 million people.", "supported"),
    ("Currencies of East Asia: Japan uses the yen, South Korea the won, and Mongolia the yuan.", "contradicted"),
    ("Capitals of Northern Europe: Norway has Oslo, Finland has Helsinki.", "supported"),
    ("Rio de Janeiro is no longer Brazil's capital; São Paulo took over in 1960.", "contradicted"),
    ("Rio de Janeiro is no longer Brazil's capital; Brasília took over as capital in 1960.", "supported"),
])
def test_round8_verdicts(checker, text, verdict):
    assert checker.check(text).verdict == verdict


def test_region_heading_is_not_the_subject(checker):
    verdicts = _verdicts(checker, "Currencies of East Asia: Japan uses the yen, South Korea the won, and Mongolia the yuan.")
    assert verdicts == {("Japan", "yen"): "supported", ("South Korea", "won"): "supported",
                        ("Mongolia", "yuan"): "contradicted"}


def test_multiword_city_read_whole(checker):
    verdicts = _verdicts(checker, "Rio de Janeiro is no longer Brazil's capital; São Paulo took over in 1960.")
    assert ("Brazil", "Rio de Janeiro") in verdicts and verdicts[("Brazil", "São Paulo")] == "contradicted"


def test_newer_margin_field_is_validated():
    from pydantic import ValidationError

    from validators.config import Tolerance

    with pytest.raises(ValidationError, match="newer_margin_per_year"):
        Tolerance(below=0.1, above=0.1, newer_margin_per_year=-1)
