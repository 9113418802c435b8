import math

import pytest

from validators.numbers import find_quantities


def only(text):
    [quantity] = find_quantities(text)
    return quantity


@pytest.mark.parametrize("text, value", [
    ("2.1 million", 2_100_000), ("about 67M", 67_000_000), ("67,000,000", 67_000_000),
    ("1.4 billion", 1_400_000_000), ("1.4bn", 1_400_000_000), ("350k", 350_000), ("half a million", 500_000),
    ("a billion", 1e9), ("seventy-nine protons", 79), ("12.011", 12.011),
])
def test_magnitudes(text, value):
    assert only(text).value == pytest.approx(value)


@pytest.mark.parametrize("text, unit, value", [
    ("643,801 km²", "km²", 643_801), ("9.8 million square kilometres", "km²", 9.8e6),
    ("100 square miles", "km²", 258.9988), ("196.97 u", "u", 196.97), ("12.011 g/mol", "u", 12.011),
    ("67 million inhabitants", "people", 67e6), ("8,849 m", "m", 8849),
])
def test_units_convert_to_canonical(text, unit, value):
    quantity = only(text)
    assert quantity.unit == unit and quantity.value == pytest.approx(value)


def test_qualifiers_and_ranges():
    assert only("about 67 million").qualifier == "approx"
    over = only("over 200 million")
    assert (over.qualifier, over.low, over.high) == ("at_least", 200e6, math.inf)
    under = only("fewer than 5,000 people")
    assert (under.qualifier, under.high) == ("at_most", 5000)
    between = only("between 60 and 70 million")
    assert (between.qualifier, between.low, between.high) == ("range", 60e6, 70e6)
    assert only("60-70 million people").low == 60e6


def test_rounding_follows_written_precision():
    assert only("1.4 billion").rounding == pytest.approx(0.05e9)
    assert only("67 million").rounding == pytest.approx(0.5e6)
    assert only("110").rounding == 0.5  # a small exact number is not a round one


def test_years_and_words_without_magnitude():
    assert only("in 2020").is_year
    assert not only("2,020 people").is_year
    assert find_quantities("one of the largest") == []
    assert [q.value for q in find_quantities("1,000 and 2 cats")] == [1000, 2]


# number words of every form, read alone
@pytest.mark.parametrize("words, value", [
    ("five and a half million", 5.5e6), ("a hundred and five", 105), ("one hundred and twenty-four million", 124e6),
    ("seventy-nine", 79), ("thirty six", 36), ("twelve hundred", 1200)])
def test_number_words_of_every_form(words, value):
    [quantity] = find_quantities(words, words_alone=True)
    assert quantity.value == pytest.approx(value)


# compound number words are one number, rounded at their last place
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


def test_compound_number_words_in_a_claim(checker):
    assert checker.check("Luxembourg covers roughly two thousand six hundred square kilometres.").verdict == "supported"
