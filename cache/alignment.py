"""Token alignment of two requests, by general rules rather than word lists.

    alignment_reason("Explain photosynthesis in one paragraph.", "Explain photosynthesis in one sentence.")
        -> "substitution"   (a content word replaced by one that is not a near-synonym)
    alignment_reason("Is Python faster than Java?", "Is Java faster than Python?") -> "swap"
    alignment_reason("How do I fix a leaky faucet?", "How can I repair a leaking faucet?") -> None

Content words are the words outside `lexicon.STOPWORDS` less "list"/"way" (articles, pronouns,
question and request words). Words of the two texts pair up when they are equal, a typo of each other (cache/verifier.py),
inflections of one stem, or near-synonyms: they share one of their most frequent WordNet 3.0 senses,
or WordNet joins their adjective senses as similar (cache/data/synonyms.json.gz, built by
cache/build_synonyms.py). Three rules turn a near-match into a miss:
- substitution: after pairing, both texts keep a content word of their own while the rest of the two
  texts agrees (a minimal pair: "lions"/"tigers", "upbeat"/"gloomy", "paragraph"/"sentence"). Whether
  the two words are antonyms, sister terms or another format does not matter, so no list of
  oppositions is needed. Larger rewrites ("speed of light" / "how fast does light travel") are left
  to the pair verifier.
- swap: one text has the other's words in another order that is neither a symmetric swap nor a moved
  clause ("from savings to checking" / "from checking to savings", "dogs chase cats" / "cats chase
  dogs"); "tea and coffee" / "coffee and tea" and "for a soft yolk, how long ..." stay paraphrases.
- function-word substitution: the texts differ only in one or two closed-class words that are not
  interchangeable ("when"/"where", "to"/"from", "she ... her"/"he ... his").
Cost: about 0.05 ms per candidate pair (p50, dev pairs, one core; no model); the 1 MiB table loads
once, lazily, in about 0.3 s.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cache import lexicon
from cache.verifier import is_typo_of, pair_off

SYNONYMS_PATH = Path(__file__).parent / "data" / "synonyms.json.gz"
_WORD = re.compile(r"[a-z0-9]+")
_CONTRACTIONS = ((re.compile(r"n't\b"), " not"), (re.compile(r"'(?:s|re|ve|ll|d|m)\b"), ""), (re.compile(r"[’‘]"), "'"))
# A swap across these reads the same both ways: "tea and coffee", "between X and Y", "X vs Y".
_SYMMETRIC = frozenset({"and", "or", "vs", "versus", "between", "nor", "plus", "with"})
_MAX_CONJUNCT = 4  # words of one side of a symmetric swap ("baking soda and baking powder")
# Content words for the alignment: the guards' stop words less the nouns among them, which name what
# is asked for ("as a list" / "as a table").
_STOPWORDS = lexicon.STOPWORDS - {"list", "way", "ways"}
# Words a rewording adds, drops or trades without changing the request: articles, auxiliaries,
# politeness ("How do I" / "How can I" / "How to", "please").
_LIGHT = frozenset({"a", "an", "the", "do", "does", "did", "can", "could", "would", "will", "should", "i", "you",
                    "please", "to", "is", "are", "was", "were", "be", "me", "my", "your", "some", "any"})
# Question words, prepositions, pronouns and conjunctions: a closed class whose members each say
# something different (request verbs such as "tell" / "give" are not in it).
_CLOSED_CLASS = frozenset(
    """what which who whom whose when where why how of to in on at by for with from into onto about as and or
    against without within toward towards over under above below through during since until via per
    but if then so i me my mine we us our you your he him his she her it its they them their this that these
    those there here""".split()
)
# Function words a rewording trades for each other.
_INTERCHANGEABLE = (frozenset({"what", "which"}), frozenset({"to", "into"}), frozenset({"about", "on", "regarding"}),
                    frozenset({"who", "whom"}), frozenset({"is", "are", "was", "were"}), frozenset({"in", "within"}))
# Most substitutions worth refusing change one or two words; a longer difference is a rewrite.
MAX_SUBSTITUTED = 4
_SUFFIXES = ("iest", "ier", "ies", "ied", "est", "ing", "ers", "er", "ed", "es", "ly", "s", "d")


@dataclass(frozen=True)
class Alignment:
    only_stored: tuple[str, ...]  # content words of the stored text left without a partner
    only_probe: tuple[str, ...]
    shared: int  # content words paired up (equal, typo, inflection or near-synonym)


@lru_cache(maxsize=1)
def _synonym_table() -> tuple[dict[str, frozenset[int]], dict[int, frozenset[int]]]:
    data = json.loads(gzip.decompress(SYNONYMS_PATH.read_bytes()))
    senses = {word: frozenset(ids) for word, ids in data["senses"].items()}
    similar = {int(k): frozenset(v) for k, v in data["similar"].items()}
    return senses, similar


def words(text: str) -> list[str]:
    lowered = text.lower()
    for pattern, replacement in _CONTRACTIONS:
        lowered = pattern.sub(replacement, lowered)
    return _WORD.findall(lowered)


@lru_cache(maxsize=65536)
def base_forms(word: str) -> frozenset[str]:
    """The word and the stems it may inflect from: "leaking" -> {leaking, leak, leake}; "largest" -> large."""
    forms = {word}
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            forms |= {stem, stem + "e"}
            if suffix.startswith("i"):
                forms.add(stem + "y")
            if len(stem) >= 4 and stem[-1] == stem[-2]:
                forms.add(stem[:-1])  # "stopped" -> "stop"
    return frozenset(forms)


@lru_cache(maxsize=65536)
def _senses(word: str) -> frozenset[int]:
    senses, similar = _synonym_table()
    out: set[int] = set()
    for form in base_forms(word):
        for sense in senses.get(form, ()):
            out.add(sense)
            out |= similar.get(sense, frozenset())
    return frozenset(out)


def _vowel_swap(a: str, b: str) -> bool:
    """Same length, differing in exactly one letter, a vowel for a vowel."""
    differing = [(x, y) for x, y in zip(a, b) if x != y]
    return len(a) == len(b) and len(differing) == 1 and all(c in "aeiou" for c in differing[0])


@lru_cache(maxsize=65536)
def known_word(word: str) -> bool:
    """The word or a stem it may inflect from is a WordNet 3.0 lemma."""
    senses, _ = _synonym_table()
    return any(form in senses for form in base_forms(word))


def equivalent(a: str, b: str) -> bool:
    """Equal, a typo, one stem, or near-synonyms (a shared frequent WordNet sense)."""
    if a == b:
        return True
    if a.isdigit() or b.isdigit():
        return False
    if base_forms(a) & base_forms(b):
        return True
    if is_typo_of(a, b) and (not (known_word(a) and known_word(b)) or _vowel_swap(a, b)):
        return True  # a slip makes a non-word, or swaps a vowel of a sound-alike ("capitol" / "capital");
        # two dictionary words otherwise apart are a minimal pair ("hyperthyroidism" / "hypothyroidism")
    short, long = sorted((a, b), key=len)
    if len(short) >= 5 and long.startswith(short) and len(long) - len(short) <= 3:  # "discover"/"discoverer"
        return True
    return bool(_senses(a) & _senses(b))


def align(stored: str, probe: str) -> Alignment:
    a = [w for w in words(stored) if w not in _STOPWORDS]
    b = [w for w in words(probe) if w not in _STOPWORDS]
    only_b = list(b)
    only_a: list[str] = []
    for word in a:  # exact partners first, so a synonym does not take another word's partner
        if word in only_b:
            only_b.remove(word)
        else:
            only_a.append(word)
    shared = len(a) - len(only_a) + pair_off(only_a, only_b, equivalent)
    # Two-word units: "turn off" ~ "switch off" ~ "disable", "united states" ~ "usa", "wi fi" ~ "wifi".
    units_a, units_b = _units(words(stored), only_a), _units(words(probe), only_b)
    for unit_a, parts_a in units_a:
        for unit_b, parts_b in units_b:
            if all(p in only_a for p in parts_a) and all(p in only_b for p in parts_b) and _unit_equivalent(
                    unit_a, unit_b):
                for p in parts_a:
                    only_a.remove(p)
                for p in parts_b:
                    only_b.remove(p)
                shared += 1
                break
    return Alignment(tuple(only_a), tuple(only_b), shared)


def _units(text_words: list[str], unpaired: list[str]) -> list[tuple[str, tuple[str, ...]]]:
    """Each unpaired word alone and with a neighbour: (unit, the unpaired words it uses)."""
    units = []
    for i, word in enumerate(text_words):
        if word not in unpaired:
            continue
        units.append((word, (word,)))
        for j in (i - 1, i + 1):
            if 0 <= j < len(text_words):
                pair = (text_words[min(i, j)], text_words[max(i, j)])
                units.append(("_".join(pair), tuple(w for w in pair if w in unpaired)))
    return units


def _unit_equivalent(a: str, b: str) -> bool:
    if a.replace("_", "") == b.replace("_", ""):
        return True  # "wi fi" / "wifi"
    if "_" not in a and "_" not in b:
        return equivalent(a, b)
    senses, similar = _synonym_table()
    return bool(_senses(a) & _senses(b)) or bool(senses.get(a, frozenset()) & senses.get(b, frozenset()))


def swapped(stored: str, probe: str) -> bool:
    """The same words in another order, other than a symmetric swap ("tea and coffee" / "coffee and
    tea": A M B -> B M A around "and", "or", "between", "vs") or a moved clause ("A B" -> "B A").
    Roles exchanged ("from savings to checking"), or rotated ("is a tomato a fruit or a vegetable" /
    "is a vegetable a tomato or a fruit"), ask something else."""
    a, b = words(stored), words(probe)
    if len(a) != len(b) or a == b or sorted(a) != sorted(b):
        return False
    start = 0
    while a[start] == b[start]:
        start += 1
    end = len(a)
    while a[end - 1] == b[end - 1]:
        end -= 1
    x, y = a[start:end], b[start:end]
    if not set(x) - _STOPWORDS:
        return False  # only function words moved ("how do I" / "how I do")
    if any(y == x[i:] + x[:i] for i in range(1, len(x))):
        return False  # a moved clause
    for k, word in enumerate(a):  # conjuncts exchanged around "and", "or", "vs", ...
        if word in _SYMMETRIC:
            for left in range(max(0, k - _MAX_CONJUNCT), k):
                for right in range(k + 2, min(len(a), k + 1 + _MAX_CONJUNCT) + 1):
                    if a[:left] + a[k + 1 : right] + [word] + a[left:k] + a[right:] == b:
                        return False
    return True


def _frame(text_words: list[str], own: tuple[str, ...]) -> list[str]:
    """The text's words less its unpaired content words and the light words a rewording shuffles."""
    left = list(own)
    frame = []
    for word in text_words:
        if word in left:
            left.remove(word)
        elif word not in _LIGHT:
            frame.append(word)
    return frame


def function_word_substitution(stored: str, probe: str) -> bool:
    """The texts differ in one or two words only, each pair function words that are not interchangeable: "when" /
    "where", "to" / "from", "he" / "she" (the content-word rule does not see them)."""
    a, b = words(stored), words(probe)
    if len(a) != len(b):
        return False
    differing = [(x, y) for x, y in zip(a, b) if x != y]
    if not 1 <= len(differing) <= 2:  # "she ... her" / "he ... his"
        return False
    return all(_function_words_differ(x, y) for x, y in differing)


def _function_words_differ(x: str, y: str) -> bool:
    if x not in _CLOSED_CLASS or y not in _CLOSED_CLASS or (x in _LIGHT and y in _LIGHT):
        return False
    return not any(x in group and y in group for group in _INTERCHANGEABLE)


# Question words that each ask for a different kind of answer (a person, a time, a place, a reason,
# a manner). "what" / "which" take a noun that can ask for any of them ("what year", "which painter",
# "what makes ...") and never fire.
_SPECIFIC_WH = {"who": "who", "whom": "who", "whose": "whose", "when": "when", "where": "where", "why": "why"}
# After "how", these words open a request or a manner question ("how do I", "how to", "how was X made");
# any other word is a degree ("how fast", "how far", "how long").
_HOW_NOT_DEGREE = _LIGHT | _CLOSED_CLASS | {"am", "has", "have", "had", "might", "must", "shall", "we"}
# "how much" / "how many" take a noun ("how much time" / "how long"): a quantity of anything.
_QUANTIFIERS = frozenset({"much", "many"})


def _question_word(text_words: list[str]) -> str | None:
    """The first question word of a text: "who", "when", ..., "how" (manner), "how fast" (a degree),
    or "open" ("what", "which", "how much"); None when there is none."""
    for i, word in enumerate(text_words):
        if word in _SPECIFIC_WH:
            return _SPECIFIC_WH[word]
        if word in ("what", "which"):
            return "open"
        if word == "how":
            following = text_words[i + 1] if i + 1 < len(text_words) else ""
            if following == "come":
                return "why"  # "how come" asks for a reason
            if following in _QUANTIFIERS:
                return "open"
            return "how" if following in _HOW_NOT_DEGREE or not following else "how " + following
    return None


def question_word_differs(stored: str, probe: str) -> bool:
    """The two questions ask for different kinds of answer: "Who invented X?" / "When was X invented?",
    "Who discovered X?" / "How was X discovered?", "How fast can X run?" / "How far can X run?".
    Only the first question word of each text is read (a later "when" opens a clause: "what should I
    do when ..."); "what" / "which" / "how much" can ask for anything and never fire."""
    a, b = _question_word(words(stored)), _question_word(words(probe))
    if a is None or b is None or a == b or "open" in (a, b):
        return False
    if a.startswith("how ") and b.startswith("how "):
        return not equivalent(a[4:], b[4:])
    if a.startswith("how ") or b.startswith("how "):
        return False  # "how long" / "when", "how old" / "what age": a degree may ask for a time or a number
    return True


def alignment_reason(stored: str, probe: str) -> str | None:
    """"swap", "substitution", "question" or None (no rule tells the texts apart). Never raises on text input."""
    if question_word_differs(stored, probe):
        return "question"
    if swapped(stored, probe):
        return "swap"
    if function_word_substitution(stored, probe):
        return "substitution"
    alignment = align(stored, probe)
    n_a, n_b = len(alignment.only_stored), len(alignment.only_probe)
    # One word for one with nothing else to pair ("What is a stalactite?" / "What is a stalagmite?") is a
    # minimal pair too, provided the frame agrees.
    if n_a and n_b and n_a + n_b <= MAX_SUBSTITUTED and (alignment.shared >= 1 or n_a + n_b == 2):
        # A minimal pair: the rest of the two texts says the same, so the unpaired words are the request.
        frame_a, frame_b = _frame(words(stored), alignment.only_stored), _frame(words(probe), alignment.only_probe)
        if len(frame_a) == len(frame_b) and all(equivalent(x, y) for x, y in zip(frame_a, frame_b)):
            return "substitution"
    return None
