"""Finding quantities in text: "about 67 million people", "643,801 km²", "1.4bn", "between 60 and 70
million", "over 200 million", "196.97 u". Each becomes a `Quantity` in a canonical unit, with the
interval the wording allows (bounds and ranges) and the rounding the number was written with."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from validators.lexicon import people_nouns

Qualifier = Literal["exact", "approx", "at_least", "at_most", "range"]


@dataclass(frozen=True)
class Unit:
    canonical: str
    scale: float = 1.0
    offset: float = 0.0  # only temperatures need it


# Spoken unit -> canonical unit. Keys are lower case; matching ignores case.
UNITS: dict[str, Unit] = {
    **{w: Unit("people") for w in ("people", "inhabitants", "residents", "citizens", "persons", "individuals",
                                   *people_nouns())},  # + WordNet's: "dwellers", "denizens", "occupants"
    **{w: Unit("km²") for w in ("km²", "km2", "km^2", "sq km", "sq. km", "sq. km.", "square kilometers",
                                "square kilometres", "square km", "kilometers squared", "kilometres squared")},
    **{w: Unit("km²", 2.589988) for w in ("sq mi", "sq. mi", "sq. mi.", "square miles", "mi²", "mi2")},
    "hectares": Unit("km²", 0.01),
    **{w: Unit("u") for w in ("u", "amu", "da", "daltons", "atomic mass units", "atomic mass unit", "g/mol",
                              "grams per mole", "g mol-1", "g·mol−1")},
    "protons": Unit("protons"),
    **{w: Unit("m") for w in ("m", "meters", "metres", "meter", "metre")},
    **{w: Unit("m", 1000.0) for w in ("km", "kilometers", "kilometres", "kilometer", "kilometre")},
    **{w: Unit("m", 0.3048) for w in ("ft", "feet", "foot")},
    **{w: Unit("m", 1609.344) for w in ("mi", "miles", "mile")},
    **{w: Unit("kg") for w in ("kg", "kilograms", "kilogram")},
    **{w: Unit("kg", 0.001) for w in ("g", "grams", "gram")},
    **{w: Unit("°C") for w in ("°c", "degrees celsius", "degrees c", "celsius")},
    **{w: Unit("°C", 5 / 9, -32 * 5 / 9) for w in ("°f", "degrees fahrenheit", "degrees f", "fahrenheit")},
    **{w: Unit("°C", 1.0, -273.15) for w in ("kelvin",)},
    **{w: Unit("years") for w in ("years", "year")},
    **{w: Unit("%") for w in ("%", "percent", "per cent")},
}

MAGNITUDES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mln": 1e6, "mn": 1e6, "m": 1e6,
              "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12}

_SMALL_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
                "fifteen sixteen seventeen eighteen nineteen").split()
_TENS_WORDS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
WORD_VALUES = {w: i for i, w in enumerate(_SMALL_WORDS)} | {w: 20 + 10 * i for i, w in enumerate(_TENS_WORDS)}
_WORD = "|".join(sorted(WORD_VALUES, key=len, reverse=True))

_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# "seventy-nine", "one hundred and twelve", "a hundred and five", "five and a half", "twelve hundred"
_HUNDREDS = (rf"(?:(?:{_WORD})(?:[- ](?:{_WORD}))?|an?(?=\s+hundred\b))"
             rf"(?:\s+hundred(?:\s+and)?(?:\s+(?:{_WORD})(?:[- ](?:{_WORD}))?)?)?")
_DIGIT_WORD = "zero|one|two|three|four|five|six|seven|eight|nine"
# A compound keeps its inner scale words only when more number words follow ("two thousand six hundred",
# "three million four hundred" + "thousand"); a trailing scale word is the magnitude, as for "two thousand".
# "two point five" takes spoken decimals. Without this the parts were read as two numbers.
_WORDS = (rf"(?:{_HUNDREDS}(?:\s+(?:thousand|million|billion)\s+(?!an?\b){_HUNDREDS})*"
          rf"(?:\s+point(?:\s+(?:{_DIGIT_WORD})\b)+)?(?:\s+and\s+a\s+half)?|half\s+an?|an?)")
_MAGNITUDE = r"(?:\s?(?:thousand|million|billion|trillion|mln|bn|mn)\b|[kKmMbB]\b(?!/|\.\w))"
_APPROX = (r"about|approximately|approx\.?|around|roughly|nearly|almost|some|close\s+to|circa|ca\.|"
           r"estimated(?:\s+at)?|an\s+estimated|just\s+under|just\s+over|just\s+below|just\s+above|~")
_AT_LEAST = r"over|more\s+than|above|exceeding|at\s+least|upwards\s+of|in\s+excess\s+of|greater\s+than"
_AT_MOST = r"under|less\s+than|fewer\s+than|below|at\s+most|up\s+to|no\s+more\s+than"
_UNIT_WORDS = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))

_NUMBER = rf"(?<![\w.,])(?:(?P<PFX_digits>{_DIGITS})|(?P<PFX_words>{_WORDS})\b)(?P<PFX_magnitude>{_MAGNITUDE})?"
_QUALIFIER = rf"(?:(?P<qualifier>{_APPROX}|{_AT_LEAST}|{_AT_MOST})\s+)?"
_UNIT = rf"(?P<unit>\s*(?:{_UNIT_WORDS})(?![\w²]))?"
SINGLE_RE = re.compile(_QUALIFIER + _NUMBER.replace("PFX_", "a_") + _UNIT, re.IGNORECASE)
RANGE_RE = re.compile(
    _QUALIFIER + r"(?:(?P<between>between|from)\s+)?" + _NUMBER.replace("PFX_", "a_")
    + r"\s*(?:-|–|—|to|and)\s*" + _NUMBER.replace("PFX_", "b_") + _UNIT,
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Quantity:
    value: float  # the stated (or mid-range) value, in the canonical unit
    low: float  # the interval the wording allows before any tolerance, canonical unit
    high: float
    unit: str | None  # canonical unit, None when the text names none
    qualifier: Qualifier
    rounding: float  # half a unit of the last significant digit written, canonical unit
    start: int
    end: int
    text: str
    is_year: bool = False
    spelled: bool = False  # number words with neither magnitude nor unit ("twelve"): a number only next to a cue


def _digits_value(digits: str) -> tuple[float, float]:
    """Value and half a unit of the last significant digit ("67" -> 0.5, "1,200" -> 50, "2.1" -> 0.05)."""
    plain = digits.replace(",", "")
    if "." in plain:
        return float(plain), 0.5 * 10 ** -len(plain.split(".")[1])
    trailing_zeros = len(plain) - len(plain.rstrip("0")) if plain.strip("0") else 0
    return float(plain), 0.5 * 10**trailing_zeros


def _words_value(words: str) -> float | None:
    tokens = re.split(r"[\s-]+", words.lower())
    if tokens[0] == "half":
        return 0.5
    if tokens[0] in ("a", "an"):
        if len(tokens) == 1:
            return 1.0
        tokens[0] = "one"  # "a hundred and five"
    half = 0.0
    if tokens[-3:] == ["and", "a", "half"]:
        tokens, half = tokens[:-3], 0.5
    decimals = 0.0
    if "point" in tokens:  # "two point five" -> 2.5, "three point two five" -> 3.25
        at = tokens.index("point")
        places = tokens[at + 1:]
        if not places or any(WORD_VALUES.get(token, 10) > 9 for token in places):
            return None
        decimals = sum(WORD_VALUES[token] * 10.0 ** -(i + 1) for i, token in enumerate(places))
        tokens = tokens[:at]
    total, group = 0.0, 0.0
    for token in tokens:
        if token == "hundred":
            group = (group or 1) * 100
        elif token in ("thousand", "million", "billion"):  # inside a compound: "two thousand six hundred"
            total, group = total + (group or 1) * MAGNITUDES[token], 0.0
        elif token in WORD_VALUES:
            group += WORD_VALUES[token]
        elif token != "and":
            return None
    return total + group + decimals + half


def _words_rounding(words: str, value: float) -> float:
    """Half a unit of the last place a spelled number names: "two thousand six hundred" -> 50, "two point
    five" -> 0.05, "twelve" -> 0.5."""
    tokens = re.split(r"[\s-]+", words.lower())
    if "point" in tokens:
        return 0.5 * 10.0 ** -(len(tokens) - tokens.index("point") - 1)
    if not any(token in ("thousand", "million", "billion") for token in tokens):
        return 0.5
    whole = int(round(value))
    trailing_zeros = len(str(whole)) - len(str(whole).rstrip("0")) if whole else 0
    return 0.5 * 10**trailing_zeros


def _number(match: re.Match, prefix: str) -> tuple[float, float, str | None] | None:
    """(value, rounding, magnitude word) of one number of a match, or None when it is not a number."""
    digits, words = match.group(f"{prefix}digits"), match.group(f"{prefix}words")
    if digits:
        value, rounding = _digits_value(digits)
    else:
        word_value = _words_value(words)
        if word_value is None:
            return None
        value, rounding = word_value, _words_rounding(words, word_value)
    magnitude = (match.group(f"{prefix}magnitude") or "").strip().lower() or None
    if words and not magnitude:  # "two thousand six hundred": its inner scale is its magnitude (not spelled)
        magnitude = next((token for token in ("billion", "million", "thousand")
                          if re.search(rf"\b{token}\b", words, re.IGNORECASE)), None)
        if magnitude:
            return value, rounding, magnitude
    if words and magnitude in ("thousand", "million", "billion") and re.search(
            r"\b(?:thousand|million|billion)\b", words, re.IGNORECASE):
        # "three million four hundred" + "thousand": the magnitude scales only the last group
        value = _words_value(f"{words} {magnitude}") or value
        return value, _words_rounding(f"{words} {magnitude}", value), magnitude
    scale = MAGNITUDES[magnitude] if magnitude else 1.0
    return value * scale, rounding * scale, magnitude


def _qualifier(word: str | None) -> Qualifier:
    if not word:
        return "exact"
    word = re.sub(r"\s+", " ", word.lower())
    if re.fullmatch(_AT_LEAST, word):
        return "at_least"
    if re.fullmatch(_AT_MOST, word):
        return "at_most"
    return "approx"


def _unit(match: re.Match) -> Unit | None:
    text = match.group("unit")
    return UNITS.get(re.sub(r"\s+", " ", text.strip().lower())) if text else None


def _quantity(match: re.Match, first, second, unit: Unit | None) -> Quantity:
    value, rounding, magnitude = first
    scale, offset = (unit.scale, unit.offset) if unit else (1.0, 0.0)
    qualifier = _qualifier(match.group("qualifier"))
    low, high = value, value
    if second is not None:
        qualifier, high = "range", second[0]
    elif qualifier == "at_least":
        high = math.inf
    elif qualifier == "at_most":
        low = -math.inf
    is_year = (unit is None and magnitude is None
               and re.fullmatch(r"1\d{3}|20\d{2}", match.group("a_digits") or "") is not None)
    if not (magnitude or qualifier == "approx" or value >= 1000):
        rounding = 0.5 * 10 ** -len(digits.split(".")[1]) if "." in (digits := match.group("a_digits") or "") else 0.5
        rounding = min(rounding, first[1])  # "110" is exactly 110 (±0.5), not 105-115
    mid = (low + high) / 2 if qualifier == "range" else value
    spelled = bool(match.group("a_words")) and magnitude is None and unit is None
    return Quantity(value=mid * scale + offset, low=low * scale + offset, high=high * scale + offset,
                    unit=unit.canonical if unit else None, qualifier=qualifier, rounding=rounding * scale,
                    start=match.start(), end=match.end(), text=match.group(0).strip(), is_year=is_year,
                    spelled=spelled)


def find_quantities(text: str, words_alone: bool = False) -> list[Quantity]:
    """All quantities in `text`, left to right. Number words count only with a magnitude or a unit
    ("a million", "seventy-nine protons"), so "one of the largest" is not a number; with `words_alone`
    also without ("twelve", marked `spelled`), for a caller that keeps them only next to a cue word
    ("atomic number twelve"). "a", "an" and "half a" alone are never numbers."""
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for match in RANGE_RE.finditer(text):
        first, second = _number(match, "a_"), _number(match, "b_")
        if first is None or second is None:
            continue
        if second[2] and not first[2]:  # "60 to 70 million": the magnitude written once covers both ends
            first = (first[0] * MAGNITUDES[second[2]], first[1] * MAGNITUDES[second[2]], second[2])
        if not first[0] < second[0] or (match.group(0).lower().count(" and ") and not match.group("between")):
            continue
        found.append(_quantity(match, first, second, _unit(match)))
        taken.append(match.span())
    for match in SINGLE_RE.finditer(text):
        if any(start <= match.start("a_digits" if match.group("a_digits") else "a_words") < end
               for start, end in taken):
            continue
        first = _number(match, "a_")
        unit = _unit(match)
        words = match.group("a_words")
        if first is None or (words and not (first[2] or unit) and not (
                words_alone and not re.fullmatch(r"an?|half\s+an?", words, re.IGNORECASE))):
            continue
        found.append(_quantity(match, first, None, unit))
    return sorted(found, key=lambda quantity: quantity.start)
