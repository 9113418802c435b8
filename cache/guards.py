"""Near-miss guards: turn a semantic near-match into a miss when the two questions differ in a way
sentence embeddings barely see but the answer depends on.

    near_miss_reason("How do I enable 2FA?", "How do I disable 2FA?")  -> "antonym"
    near_miss_reason("What's the capital of France?", "Capital city of France?")  -> None

Each text is read once into `TextFacts` (negations, numbers, dates, units, conversion directions,
antonym signs, named entities); two texts are compared fact by fact, in the order of `GUARDS`.
A guard errs towards a miss: a wrong miss costs one generation, a wrong hit serves a wrong answer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from cache import lexicon

GUARDS = ("negation", "number", "date", "unit", "direction", "antonym", "contrast", "entity")

_TOKEN_PATTERN = re.compile(r"\d+(?:[.,]\d+)*|[a-z][a-z0-9_]*|[$€£¥₹%°]|->|→")
_CASED_TOKEN_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_'’.-]*[A-Za-z0-9_]|[A-Za-z]|[.!?:;\n]|\S")
_ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th", "s"})  # 1st, 2nd, 1990s
_DIRECTION_MARKERS = frozenset({"to", "into", "->", "→"})
# Words that may stand between a term and its direction marker: "a Word document to PDF".
_SKIPPABLE = frozenset(
    {"a", "an", "the", "from", "of", "my", "your", "this", "that", "these", "those", "some", "document",
     "documents", "file", "files", "code", "text", "format", "image", "images", "value", "values", "data",
     "table", "script", "program", "number", "numbers", "object", "objects", "variable", "column", "date",
     "time", "temperature", "currency", "sentence", "word", "words", "phrase"}
)
# Verbs after which "A ... in B" is a conversion: "rewrite this JavaScript code in TypeScript".
_CONVERSION_VERBS = frozenset({"rewrite", "translate", "port", "convert", "express", "transform", "redo", "reimplement"})
_QUANTITY_WORDS = frozenset({"a", "an", "one", "per", "each", "every"})
_CONNECTORS = frozenset({"of", "the", "de", "la", "le", "van", "von", "da", "del", "al", "bin", "and", "&"})
_NOT_ENTITIES = frozenset({"i", "i'm", "i'd", "i've", "i'll", "ok", "okay", "hi", "hello", "hey", "thanks"})


@dataclass(frozen=True)
class TextFacts:
    tokens: tuple[str, ...]  # lower-case, phrase-normalised
    negations: int
    numbers: tuple[str, ...]  # in order of appearance ("divide 10 by 2" is not "divide 2 by 10"), then
    # the quantity words sorted ("half", "twice")
    dates: frozenset[str]
    units: frozenset[str]
    directions: frozenset[tuple[str, str]]  # (source, target) of "km to miles"
    polarity: tuple[tuple[str, frozenset[int]], ...]  # antonym axis → signs present
    contrasts: tuple[tuple[str, frozenset[str]], ...]  # contrast set → its members present
    entities: tuple[tuple[str, ...], ...]  # named things, each a tuple of lower-case words
    entity_context: frozenset[str]  # every word of the text, in the form entities are compared


def near_miss_reason(stored_text: str, probe_text: str) -> str | None:
    """The first guard that tells the two texts apart, or None when they may share an answer."""
    stored, probe = text_facts(stored_text), text_facts(probe_text)
    if stored.negations != probe.negations:
        return "negation"
    if stored.numbers != probe.numbers:
        return "number"
    if stored.dates != probe.dates:
        return "date"
    if stored.units != probe.units:
        return "unit"
    if _reversed_direction(stored.directions, probe.directions):
        return "direction"
    if _antonym_conflict(stored, probe):
        return "antonym"
    if _contrast_conflict(stored.contrasts, probe.contrasts):
        return "contrast"
    if not (_entities_covered(stored, probe) and _entities_covered(probe, stored)):
        return "entity"
    return None


@lru_cache(maxsize=8192)
def text_facts(text: str) -> TextFacts:
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    text = _apply_aliases(text)
    tokens = _merge_places(_tokenize(_apply_phrases(text.lower())))
    entities, entity_context = _entities(text)
    entity_words = {word for entity in entities for word in entity}
    cased_words = {t.lower() for t in _CASED_TOKEN_PATTERN.findall(text) if t[:1].isupper()}
    return TextFacts(
        tokens=tuple(tokens),
        negations=sum(1 for t in tokens if t in lexicon.NEGATIONS),
        numbers=tuple(_numbers(tokens)),
        dates=frozenset(_dates(tokens, cased_words)),
        units=frozenset(_units(tokens)),
        directions=frozenset(_directions(tokens, entity_words)),
        polarity=tuple(sorted(_polarity(tokens).items())),
        contrasts=tuple(sorted(_contrasts(tokens).items())),
        entities=tuple(entities),
        entity_context=frozenset(entity_context),
    )


# --- reading a text ---------------------------------------------------------------------------------


def _apply_aliases(text: str) -> str:
    for pattern, replacement, flags in lexicon.ALIASES:
        text = re.sub(pattern, replacement, text, flags=flags)
    return text


def _apply_phrases(lowered: str) -> str:
    for pattern, replacement in lexicon.PHRASES:
        lowered = re.sub(pattern, replacement, lowered)
    return lowered


def _tokenize(lowered: str) -> list[str]:
    tokens: list[str] = []
    for raw in _TOKEN_PATTERN.findall(lowered):
        if raw in _ORDINAL_SUFFIXES and tokens and tokens[-1][:1].isdigit():
            continue  # "1st" reads as 1, "1990s" as 1990
        # "5km", "3pm", "gpt4": split a number glued to a word so each part is seen.
        tokens.extend(re.findall(r"\d+(?:[.,]\d+)*|[a-z_]+", raw) if re.search(r"[a-z]\d|\d[a-z]", raw) else [raw])
    return tokens


def _merge_places(tokens: list[str]) -> list[str]:
    """Join multi-word place names into one token: ["new", "york"] → ["new_york"]."""
    places, _ = lexicon.gazetteer()
    merged: list[str] = []
    i = 0
    while i < len(tokens):
        for length in (4, 3, 2):
            words = tokens[i : i + length]
            if len(words) == length and " ".join(words) in places:
                merged.append("_".join(words))
                i += length
                break
        else:
            merged.append(tokens[i])
            i += 1
    return merged


def _is_number(token: str) -> bool:
    return token[:1].isdigit()


def _canonical_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.10g}"


def _numbers(tokens: list[str]) -> list[str]:
    """Numbers in order, digits and words alike: "five", "5" and "5th" are all "5"."""
    numbers: list[str] = []
    quantity_words: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if _is_number(token):
            digits = token.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", token) else token
            if not re.fullmatch(r"\d+([.,]\d+)?", digits):  # "3.11.2", "1,2,3": compared as written
                numbers.append(digits)
                i += 1
                continue
            value = float(digits.replace(",", "."))
            if i + 1 < len(tokens) and tokens[i + 1] in lexicon.SCALE_WORDS:  # "2 million"
                value *= lexicon.SCALE_WORDS[tokens[i + 1]]
                i += 1
            elif i + 1 < len(tokens) and tokens[i + 1] == "k" and value < 1000:  # "10k"
                value *= 1000
                i += 1
            numbers.append(_canonical_number(value))
        elif token in ("a", "an", "one") and i + 1 < len(tokens) and _unit_at(tokens, i + 1):
            numbers.append("1")  # "in a cup" is "in one cup"
        elif token == "one" and (i + 1 == len(tokens) or tokens[i + 1] in lexicon.STOPWORDS
                                 or tokens[i + 1] in ("more", "please")):
            pass  # a pronoun, not a count: "quick one please", "one more thing", "do I need one?"; before a
            # noun ("one sentence") it stays a count
        elif token in lexicon.QUANTITY_WORDS:
            quantity_words.append(lexicon.QUANTITY_WORDS[token])
        elif token == "second" and not (i > 0 and (tokens[i - 1] in lexicon.SECOND_AS_UNIT_AFTER or _is_number(tokens[i - 1]))):
            numbers.append("2")  # "the second largest" (ordinal), not "per second" (unit)
        elif token in lexicon.SMALL_NUMBER_WORDS or (
            token in lexicon.SCALE_WORDS and i > 0 and tokens[i - 1] in ("a", "one")
        ):
            value, i = _read_number_words(tokens, i)
            numbers.append(_canonical_number(value))
            continue
        elif re.search(r"\d", token):  # "mp3", "ipv6", "q1": the digits still matter
            numbers.extend(str(int(d)) for d in re.findall(r"\d+", token))
        i += 1
    return numbers + sorted(quantity_words)


def _read_number_words(tokens: list[str], i: int) -> tuple[float, int]:
    """Read "twenty five thousand" starting at i; return the value and the index after it."""
    total, current = 0, 0
    while i < len(tokens):
        token = tokens[i]
        if token in lexicon.SMALL_NUMBER_WORDS:
            current += lexicon.SMALL_NUMBER_WORDS[token]
        elif token in lexicon.SCALE_WORDS:
            scale = lexicon.SCALE_WORDS[token]
            current = max(current, 1)
            if scale == 100:
                current *= 100
            else:
                total += current * scale
                current = 0
        elif token == "and" and i + 1 < len(tokens) and tokens[i + 1] in lexicon.SMALL_NUMBER_WORDS:
            pass
        else:
            break
        i += 1
    return float(total + current), i


def _dates(tokens: list[str], cased_words: set[str]) -> set[str]:
    dates: set[str] = set()
    for i, token in enumerate(tokens):
        previous = tokens[i - 1] if i > 0 else ""
        if token in lexicon.MONTHS and (token not in lexicon.MONTHS_ONLY_CAPITALISED or token in cased_words):
            dates.add(lexicon.MONTHS[token])
        elif token.rstrip("s") in lexicon.WEEKDAYS:
            dates.add(lexicon.WEEKDAYS[token.rstrip("s")])
        elif token in lexicon.DAY_WORDS:
            dates.add(token)
        elif token in lexicon.SEASONS_NEEDING_CONTEXT and previous in lexicon.SEASON_CONTEXT:
            dates.add("autumn" if token == "fall" else token)
        elif token in lexicon.CLOCK_SUFFIXES and _is_number(previous):
            dates.add(lexicon.CLOCK_SUFFIXES[token])
        if token in lexicon.RELATIVE_PERIOD_WORDS and i + 1 < len(tokens) and tokens[i + 1] in lexicon.PERIODS:
            dates.add(f"{lexicon.RELATIVE_PERIOD_WORDS[token]}:{tokens[i + 1]}")
    return dates


def _unit_at(tokens: list[str], i: int) -> str | None:
    token = tokens[i]
    after_number = i > 0 and (_is_number(tokens[i - 1]) or tokens[i - 1] in ("°",))
    if token in lexicon.UNITS_AFTER_NUMBER_ONLY and after_number:
        return lexicon.UNITS_AFTER_NUMBER_ONLY[token]
    if token in lexicon.UNITS and token not in lexicon.UNITS_NEEDING_NUMBER:
        return lexicon.UNITS[token]
    if token == "second" and i > 0 and tokens[i - 1] in lexicon.SECOND_AS_UNIT_AFTER:
        return "second"
    return None


def _units(tokens: list[str]) -> set[str]:
    units = {unit for i in range(len(tokens)) if (unit := _unit_at(tokens, i))}
    if units & lexicon.TEMPERATURE_UNITS:
        units.discard("degree")  # "30 degrees Celsius" is "30 °C"
    return units


def _term(token: str, entity_words: set[str]) -> str | None:
    """The canonical name of something one converts between, or None."""
    if token in lexicon.UNITS:
        return lexicon.UNITS[token]
    if token in lexicon.CONVERTIBLE_TERMS or token in entity_words or "_" in token:
        return token
    if token.endswith("s") and token[:-1] in lexicon.CONVERTIBLE_TERMS:  # "lists to strings"
        return token[:-1]
    return None


def _next_term(tokens: list[str], start: int, entity_words: set[str], step: int = 1) -> tuple[str, int] | None:
    """The first term from `start` on (skipping articles, fillers and numbers), at most three words away."""
    i = start
    for _ in range(4):
        if not 0 <= i < len(tokens):
            return None
        term = _term(tokens[i], entity_words)
        if term:
            while step == 1 and i + 1 < len(tokens) and _term(tokens[i + 1], entity_words):
                i += 1  # "a Unix timestamp": the last word names the thing
                term = _term(tokens[i], entity_words)
            return term, i
        if tokens[i] not in _SKIPPABLE and not _is_number(tokens[i]):
            return None
        i += step
    return None


def _directions(tokens: list[str], entity_words: set[str]) -> set[tuple[str, str]]:
    """(source, target) pairs: "km to miles", "from English to French", "how many miles is 10 km",
    "5 km in miles", "Fahrenheit from Celsius"."""
    pairs: set[tuple[str, str]] = set()
    for i, token in enumerate(tokens):
        if token in _DIRECTION_MARKERS:
            target = _next_term(tokens, i + 1, entity_words)
            source = _next_term(tokens, i - 1, entity_words, step=-1)
            if target and source is None and "from" in tokens[i + 1 : i + 8]:  # "to French from English"
                source = _next_term(tokens, tokens.index("from", i + 1) + 1, entity_words)
            if target and source is None and "from" in tokens[max(0, i - 6) : i]:  # "from English into French"
                source = _next_term(tokens, tokens.index("from", max(0, i - 6)) + 1, entity_words)
            if source and target and source[0] != target[0]:
                pairs.add((source[0], target[0]))
        elif token == "from" and not any(t in _DIRECTION_MARKERS for t in tokens[i + 1 : i + 6]):
            source = _next_term(tokens, i + 1, entity_words)
            target = _next_term(tokens, i - 1, entity_words, step=-1)
            if source and target and source[0] != target[0]:  # "Fahrenheit from Celsius"
                pairs.add((source[0], target[0]))
        elif token in ("many", "much") and i > 0 and tokens[i - 1] == "how":
            target = _next_term(tokens, i + 1, entity_words)
            if target and not _is_number(tokens[target[1] - 1]):
                for j in range(target[1] + 1, min(len(tokens), target[1] + 8)):
                    source = _term(tokens[j], entity_words)
                    if source and (_is_number(tokens[j - 1]) or tokens[j - 1] in _QUANTITY_WORDS):
                        source = _next_term(tokens, j, entity_words)[0]  # "1 Japanese yen": the head word
                        if source != target[0]:
                            pairs.add((source, target[0]))  # "how many feet in a mile": mile → feet
                        break
        elif token in ("in", "as") and i >= 2 and _is_number(tokens[i - 2]):
            source, target = _term(tokens[i - 1], entity_words), _next_term(tokens, i + 1, entity_words)
            if source and target and source != target[0]:  # "5 km in miles"
                pairs.add((source, target[0]))
        elif token in ("in", "as") and _CONVERSION_VERBS & {t.rstrip("s") for t in tokens[max(0, i - 6) : i]}:
            source = _next_term(tokens, i - 1, entity_words, step=-1)
            target = _next_term(tokens, i + 1, entity_words)
            if source and target and source[0] != target[0]:  # "rewrite this JavaScript code in TypeScript"
                pairs.add((source[0], target[0]))
    return pairs


def _polarity(tokens: list[str]) -> dict[str, frozenset[int]]:
    table = lexicon.polarity_of_word()
    signs: dict[str, set[int]] = {}
    for token in tokens:
        if token in table:
            axis, sign = table[token]
            signs.setdefault(axis, set()).add(sign)
    return {axis: frozenset(s) for axis, s in signs.items()}


def _contrasts(tokens: list[str]) -> dict[str, frozenset[str]]:
    table = lexicon.contrast_member_of_word()
    members: dict[str, set[str]] = {}
    for token in tokens:
        for contrast_set, member in table.get(token, ()):
            members.setdefault(contrast_set, set()).add(member)
    return {name: frozenset(m) for name, m in members.items()}


def _sentence_starts(tokens: list[str]) -> set[int]:
    starts, at_start = set(), True
    for i, token in enumerate(tokens):
        if token in ".!?:;\n":
            at_start = True
        elif token[:1].isalpha():
            if at_start:
                starts.add(i)
            at_start = False
    return starts


def _strip_possessive(word: str) -> str:
    return re.sub(r"'s?$", "", word.lower()).strip(".-")


def _entities(text: str) -> tuple[list[tuple[str, ...]], set[str]]:
    """Named things: runs of capitalised words (not at a sentence start), known places and names.
    Returns the entities and the text's words in the same form, for the coverage check."""
    places, demonyms = lexicon.gazetteer()
    cased = _CASED_TOKEN_PATTERN.findall(text)
    starts = _sentence_starts(cased)
    # "How To Bake Bread": capitalised small words mean capitals say nothing about names.
    title_case = any(
        i not in starts and t[:1].isupper() and t.lower() in lexicon.STOPWORDS and t != "I"
        for i, t in enumerate(cased)
    )

    def canonical(word: str) -> str:
        word = _strip_possessive(word).replace("-", "")  # "Wi-Fi" is "WiFi"
        word = lexicon.UNITS.get(word, word)  # "EUR" is "euros"
        return demonyms.get(word, word).replace(" ", "_")

    def capitalised_name(i: int) -> bool:
        token = cased[i]
        if not token[:1].isupper() or token.lower() in _NOT_ENTITIES or title_case:
            return False
        if i in starts:  # "Paris is ..." counts only when the word is a known name or starts a run
            return _strip_possessive(token) in lexicon.KNOWN_NAMES or (
                i + 1 < len(cased) and cased[i + 1][:1].isupper() and token.lower() not in lexicon.STOPWORDS
            )
        return True

    entities: list[tuple[str, ...]] = []
    run: list[str] = []
    for i, token in enumerate(cased):
        if capitalised_name(i):
            run.append(canonical(token))
            continue
        if run and token.lower() in _CONNECTORS and i + 1 < len(cased) and capitalised_name(i + 1):
            continue  # "Bank of America"
        if run:
            entities.append(tuple(run))
            run = []
    if run:
        entities.append(tuple(run))

    lowered = [canonical(t) for t in cased if t[:1].isalnum()]
    for length in (4, 3, 2, 1):  # known places and names, however they were typed
        for i in range(len(lowered) - length + 1):
            name = " ".join(lowered[i : i + length]).replace("_", " ")
            if name in places or (length == 1 and lowered[i] in lexicon.KNOWN_NAMES):
                entities.append(tuple(lowered[i : i + length]))
    context = set(lowered) | {"_".join(lowered[i : i + 2]) for i in range(len(lowered) - 1)}
    return entities, context


# --- comparing two texts ----------------------------------------------------------------------------


def _reversed_direction(first: frozenset[tuple[str, str]], second: frozenset[tuple[str, str]]) -> bool:
    return any((b, a) in second and (a, b) not in second for a, b in first) or any(
        (b, a) in first and (a, b) not in first for a, b in second
    )


def _antonym_conflict(first: TextFacts, second: TextFacts) -> bool:
    """Both texts take a side on one axis, and not the same ("enable" vs "disable"). A side against
    none is the alignment rule's to judge (cache/alignment.py): a list cannot tell "leaves fall" (a
    season) from "prices fall"."""
    first_signs, second_signs = dict(first.polarity), dict(second.polarity)
    for axis in set(first_signs) & set(second_signs):
        if first_signs[axis] != second_signs[axis]:
            return True
    return _prefix_antonyms(set(first.tokens) - set(second.tokens), set(second.tokens) - set(first.tokens))


def _contrast_conflict(first: tuple, second: tuple) -> bool:
    """Both texts name a member of the same contrast set, and not the same ones ("boiling point" vs
    "freezing point", "cats" vs "dogs")."""
    second_members = dict(second)
    for name, members in first:
        other = second_members.get(name)
        if other and members - other and other - members:
            return True
    return False


def _strip_reversing_prefix(word: str) -> str:
    for prefix in lexicon.REVERSING_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            return word[len(prefix) :]
    return word


def _prefix_antonyms(only_first: set[str], only_second: set[str]) -> bool:
    """"lock"/"unlock", "legal"/"illegal", "increase"/"decrease": the same word, one side reversed."""
    for a in only_first:
        for b in only_second:
            if a.isalpha() and b.isalpha() and a != b:
                base_a, base_b = _strip_reversing_prefix(a), _strip_reversing_prefix(b)
                if base_a == b or base_b == a or (base_a == base_b and (base_a != a or base_b != b)):
                    return True
    return False


def _entities_covered(first: TextFacts, second: TextFacts) -> bool:
    """Every named thing of `first` also appears in `second` ("Obama" covers "Barack Obama", but
    "Michelle Obama" does not)."""
    second_entity_sets = [set(e) for e in second.entities]
    for entity in first.entities:
        if all(word in second.entity_context for word in entity) or "_".join(entity) in second.entity_context:
            continue
        head = entity[-1]
        related = [e for e in second_entity_sets if head in e]
        if head in second.entity_context and related and all(e <= set(entity) for e in related):
            continue
        return False
    return True

