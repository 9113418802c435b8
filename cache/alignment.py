"""Token alignment of two requests, by general rules rather than word lists.

    alignment_reason("Explain photosynthesis in one paragraph.", "Explain photosynthesis in one sentence.")
        -> "substitution"   (a content word replaced by one that is not a near-synonym)
    alignment_reason("Is Python faster than Java?", "Is Java faster than Python?") -> "swap"
    alignment_reason("How do I fix a leaky faucet?", "How can I repair a leaking faucet?") -> None

Since round 3 (issue 14) the rule is strict: every content word of either text must pair with one
of the other, or the pair is a miss ("unmatched": an added or dropped constraint, in any clause;
"substitution"/"antonym": a word replaced). Only fillers (politeness, hedges), greetings in a clause
of their own, numbers (the number guard's), and light words one text adds alone ("capital city",
"using CSS") may stay unpaired. Opposites come from WordNet's antonym pointers read through
inflections, derivationally related forms and similar adjectives (`opposite`), never a hand list.
"What is X" against who/when/where/why is another question; object pronouns that differ move roles.
Content words are the words outside `lexicon.STOPWORDS` less "list"/"way" (articles, pronouns,
question and request words) and outside their inflections ("using", "makes"). Words of the two texts pair up when they are equal, a typo of each other (cache/verifier.py),
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
Round 4 widened the pairing by kind, never by topic: irregular verb forms reach their infinitive
("built"/"constructed"); a few question forms ask the same thing in other words (`_PHRASINGS`:
population / how many people, what does X do / job of X, how long / time limit, stand for / short for,
boiling point / what temperature); politeness clauses may hedge ("I hope this isn't a silly question");
and when the two requests are close as wholes (cosine >= `LOOSE_SIMILARITY`) words may pair through any
shared WordNet synset, rare senses included, unless WordNet opposes them.
Cost: well under 1 ms per candidate pair (the whole lookup is ~0.9 ms p50 on the dev pairs, one
core, embeddings given; no model); the 1.3 MiB table loads once, lazily, in about 0.5 s.
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
_CONTRACTIONS = ((re.compile(r"\b(?:can't|cannot)\b"), "can not"), (re.compile(r"\bwon't\b"), "will not"),
                 (re.compile(r"n't\b"), " not"), (re.compile(r"'(?:s|re|ve|ll|d|m)\b"), ""), (re.compile(r"[’‘]"), "'"))
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
# Cosine similarity (unit embeddings) of the two whole requests above which words may pair through any
# WordNet synset, rare senses included (`loosely_equivalent`). Chosen on the dev pairs.
LOOSE_SIMILARITY = 0.85
_SUFFIXES = ("iest", "ier", "ies", "ied", "est", "ing", "ers", "er", "ed", "es", "ly", "s", "d")


@dataclass(frozen=True)
class Alignment:
    only_stored: tuple[str, ...]  # content words of the stored text left without a partner
    only_probe: tuple[str, ...]
    shared: int  # content words paired up (equal, typo, inflection or near-synonym)


@lru_cache(maxsize=1)
def _tables() -> dict:
    return json.loads(gzip.decompress(SYNONYMS_PATH.read_bytes()))


@lru_cache(maxsize=1)
def _synonym_table() -> tuple[dict[str, frozenset[int]], dict[int, frozenset[int]]]:
    data = _tables()
    senses = {word: frozenset(ids) for word, ids in data["senses"].items()}
    similar = {int(k): frozenset(v) for k, v in data["similar"].items()}
    return senses, similar


@lru_cache(maxsize=1)
def _rare_table() -> dict[str, frozenset[int]]:
    return {word: frozenset(ids) for word, ids in _tables().get("rare_senses", {}).items()}


@lru_cache(maxsize=1)
def _relation_tables() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]], dict[int, frozenset[str]]]:
    """WordNet's direct antonyms, derivational relations (cache/build_synonyms.py), and for each sense
    the words of it that have a direct antonym (so a satellite adjective reaches its head's antonym)."""
    data = _tables()
    antonyms = {w: frozenset(v) for w, v in data.get("antonyms", {}).items()}
    related = {w: frozenset(v) for w, v in data.get("related", {}).items()}
    heads: dict[int, set[str]] = {}
    for word, ids in data["senses"].items():
        if word in antonyms:
            for sense in ids:
                heads.setdefault(sense, set()).add(word)
    return antonyms, related, {k: frozenset(v) for k, v in heads.items()}


@lru_cache(maxsize=65536)
def _family(word: str) -> frozenset[str]:
    """The word's stems and their derivationally related forms ("drawbacks" -> drawback; "synonymous" ->
    synonym; "shorten" -> short)."""
    _, related, _ = _relation_tables()
    forms = set(base_forms(word))
    for form in list(forms):
        forms |= related.get(form, frozenset())
    return frozenset(forms)


@lru_cache(maxsize=65536)
def _opposites(word: str) -> frozenset[str]:
    """Words WordNet opposes to this one, read through its family and the heads of its adjective senses
    ("upbeat" -> similar to "optimistic" -> "pessimistic"), then their own families."""
    antonyms, _, heads = _relation_tables()
    family = set(_family(word))
    for sense in _senses(word):
        family |= heads.get(sense, frozenset())
    out: set[str] = set()
    for form in family:
        for other in antonyms.get(form, ()):
            out |= _family(other)
    return frozenset(out)


@lru_cache(maxsize=65536)
def _opposite_senses(word: str) -> frozenset[int]:
    """The senses of the word's opposites: a synonym of an opposite is opposed too ("drawbacks" shares a
    sense with "disadvantages", the opposite of "advantages")."""
    out: set[int] = set()
    for other in _opposites(word):
        out |= _senses(other)
    return frozenset(out)


@lru_cache(maxsize=65536)
def opposite(a: str, b: str) -> bool:
    """WordNet opposes the two words, directly or through derived forms and similar adjectives
    ("synonym"/"antonym", "advantages"/"disadvantages", "increase"/"decreasing", "same"/"different"), or
    they are one word with a reversing prefix read by the guards ("lock"/"unlock")."""
    if a == b or not (a.isalpha() and b.isalpha()) or _family(a) & _family(b):
        return False
    if _opposites(a) & _family(b) or _opposites(b) & _family(a):
        return True
    shared = _senses(a) & _senses(b)  # words that can stand for each other are not opposed through a third
    return not shared and bool(_opposite_senses(a) & _senses(b) or _opposite_senses(b) & _senses(a))


# Chat spellings of function words ("whats", "u", "r"): the word they stand for.
_CHAT = {"whats": "what", "wats": "what", "wat": "what", "hows": "how", "howd": "how", "whos": "who",
         "wheres": "where", "whens": "when", "whys": "why", "u": "you", "ur": "your", "r": "are", "ya": "you",
         "im": "i", "dont": "do not", "doesnt": "does not", "cant": "can not", "isnt": "is not"}


def words(text: str) -> list[str]:
    lowered = text.lower()
    for pattern, replacement in _CONTRACTIONS:
        lowered = pattern.sub(replacement, lowered)
    return [part for word in _WORD.findall(lowered) for part in _CHAT.get(word, word).split()]


@lru_cache(maxsize=65536)
def base_forms(word: str) -> frozenset[str]:
    """The word and the stems it may inflect from: "leaking" -> {leaking, leak, leake}; "largest" -> large;
    an irregular verb form its infinitive ("built" -> build, "wrote" -> write: cache/build_synonyms.py)."""
    lemma = _tables().get("irregular", {}).get(word)
    return suffix_forms(word) | {lemma} if lemma else suffix_forms(word)


@lru_cache(maxsize=65536)
def suffix_forms(word: str) -> frozenset[str]:
    """The word and the stems its suffix may come from: "leaking" -> {leaking, leak, leake}."""
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


@lru_cache(maxsize=65536)
def _all_senses(word: str) -> frozenset[int]:
    """Every WordNet synset of the word and its stems, rare ones included (no "similar" step)."""
    senses, _ = _synonym_table()
    rare = _rare_table()
    out: set[int] = set()
    for form in base_forms(word):
        out |= senses.get(form, frozenset()) | rare.get(form, frozenset())
    return frozenset(out)


@lru_cache(maxsize=65536)
def loosely_equivalent(a: str, b: str) -> bool:
    """The two words share any WordNet synset, a rare one included ("recommend"/"suggest",
    "symptoms"/"signs", "built"/"constructed"), and WordNet does not oppose them. Read only when the
    two requests are close in meaning as wholes (`LOOSE_SIMILARITY`): a rare sense alone joins words a
    user never swaps ("bad"/"big": "a bad cold")."""
    if a == b:
        return True
    if not (a.isalpha() and b.isalpha()) or opposite(a, b):
        return False
    return bool(_all_senses(a) & _all_senses(b))


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
    """Equal, a typo, one stem, or near-synonyms (a shared frequent WordNet sense, or one derivational
    step and then a shared sense), and never WordNet opposites ("rent" is both "borrow" and "lend")."""
    if a == b:
        return True
    return _equivalent_unless_opposed(a, b) and (a.isdigit() or b.isdigit() or not opposite(a, b))


@lru_cache(maxsize=65536)
def _equivalent_unless_opposed(a: str, b: str) -> bool:
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
    if len(short) >= 3 and long.startswith(short) and not known_word(short) and known_word(long):
        return True  # a clipped form: "dict"/"dictionary", "int"/"integer"
    if _senses(a) & _senses(b):
        return True
    # One derivational step on either side, then a shared sense: "author" ~ "writer" <- "write",
    # "speed" <- "fast", "diet" ~ "eat"? (no: WordNet does not derive one from the other).
    return _derived_synonyms(a, b)


@lru_cache(maxsize=65536)
def _derived_synonyms(a: str, b: str) -> bool:
    senses_a, senses_b = _senses(a), _senses(b)
    if any(_senses(f) & senses_b for f in _family(a) if f != a) or any(
            _senses(f) & senses_a for f in _family(b) if f != b):
        return True
    attributes = _tables().get("attributes", {})  # "speed" names what "fast" is a value of
    return any(b in attributes.get(f, ()) for f in base_forms(a)) or any(a in attributes.get(f, ()) for f in base_forms(b))


@lru_cache(maxsize=65536)
def content_word(word: str) -> bool:
    """Outside the stop words, inflections included ("using", "makes", "needs")."""
    return word not in _STOPWORDS and not (len(word) > 3 and base_forms(word) & _STOPWORDS)


def align(stored: str, probe: str, loose: bool = False) -> Alignment:
    """Pairs the content words of the two texts (strict pairing; with `loose`, a second pass pairs the
    words left over by any shared WordNet synset: `loosely_equivalent`)."""
    a = [w for w in words(stored) if content_word(w)]
    b = [w for w in words(probe) if content_word(w)]
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
    if loose and only_a and only_b:
        shared += pair_off(only_a, only_b, loosely_equivalent)
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


def _singular(word: str) -> str:
    """"dollars" -> "dollar", so a swap that also changes number ("a dollar in euros" / "a euro in
    dollars") is still a swap."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def swapped(stored: str, probe: str) -> bool:
    """The same words in another order, other than a symmetric swap ("tea and coffee" / "coffee and
    tea": A M B -> B M A around "and", "or", "between", "vs") or a moved clause ("A B" -> "B A").
    Roles exchanged ("from savings to checking"), or rotated ("is a tomato a fruit or a vegetable" /
    "is a vegetable a tomato or a fruit"), ask something else."""
    a, b = [_singular(w) for w in words(stored)], [_singular(w) for w in words(probe)]
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


# Nouns after "what"/"which" (up to three words on) that say which kind of answer an open question
# asks for: "what year" asks "when", "what is the best way to" asks "how".
_OPEN_KIND = {**dict.fromkeys("year years date day days month century decade era".split(), "when"),
              **dict.fromkeys("place location".split(), "where"),
              **dict.fromkeys("reason reasons cause causes purpose".split(), "why"),
              **dict.fromkeys("way ways method methods steps process procedure".split(), "how")}
# "What makes cats purr?" asks why.
_WHY_VERBS = dict.fromkeys("make makes made cause causes caused".split(), "why")
# After "what", these make it the pronoun of a thing or a definition ("what is X", "what does X do"):
# another kind of answer than a person, time, place or reason.
_WHAT_PRONOUN = frozenset("is are was were does do did has have can should would will".split())


def _open_kind(text_words: list[str], i: int) -> str:
    """The kind of answer "what"/"which" at i asks for: "when", "how", "why", "where" when a noun or verb
    says so; "what" for a thing ("what is X"); "open" when a noun follows that may name anything
    ("which painter", "what temperature")."""
    following = text_words[i + 1] if i + 1 < len(text_words) else ""
    if following in _WHY_VERBS:
        return "why"
    for word in text_words[i + 1 : i + 5]:
        if word in _OPEN_KIND:
            return _OPEN_KIND[word]
    return "what" if following in _WHAT_PRONOUN or not following else "open"


def _question_word(text_words: list[str]) -> str | None:
    """The first question word of a text: "who", "when", ..., "how" (manner), "how fast" (a degree),
    or "open" ("what", "which", "how much"); None when there is none."""
    for i, word in enumerate(text_words):
        if word in _SPECIFIC_WH:
            return _SPECIFIC_WH[word]
        if word in ("what", "which"):
            return _open_kind(text_words, i)
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
    if a is None or b is None or a == b:
        return False
    if "open" in (a, b):
        return False  # "which painter" may ask "who", "what temperature" a degree
    if "what" in (a, b):
        # "what is X" asks for a thing or a definition: another kind than who/when/where/why ("What is a
        # mortgage broker?" / "Who pays the mortgage broker?"). Against "how" or a degree it may be the
        # same question ("what is the speed" / "how fast"; "what do I need to ..." / "how do I ...").
        return (b if a == "what" else a) in ("who", "whose", "when", "where", "why")
    if a.startswith("how ") and b.startswith("how "):
        return not equivalent(a[4:], b[4:])
    if a.startswith("how ") or b.startswith("how "):
        return False  # "how long" / "when", "how old" / "what age": a degree may ask for a time or a number
    return True


# Words a request may add or drop without asking for anything else: politeness, hedges and discourse
# fillers ("ok so basically", "quick question", "I was wondering"), and adjectives that only say the
# answer should be a good one ("a good book", "the best way"). Closed: any other content word must pair.
FILLER = frozenset(
    """please pls plz pleeease kindly ok okay so basically like um uh er hmm ugh yo hiya lol btw tf wanna gonna
    quick q question wondering wonder curious actually exactly even anyone someone somebody anybody possible
    able simply guys gimme good best proper correct effective recommended common usual typical typically
    generally usually precisely ever maybe perhaps sure dear assistant regards grateful appreciate
    hoping""".split()
)
# Greetings and thanks: filler only in a clause of their own ("Hi!", "Many thanks."), never inside the
# request ("How do you say thank you in Korean?").
_GREETINGS = frozenset("""hi hello hey thanks thank thx sorry cheers many much very more thing question hope
    silly stupid dumb friend friends everyone morning afternoon evening help advance""".split())
# A politeness clause may hedge with a negation ("I hope this isn't a silly question").
_GREETING_HEDGES = frozenset({"not"})
# Words a rewording adds around the same request without naming anything the answer depends on ("capital
# city", "using Python", "difference between", "where is X located", "tips for ...", "what's the plural
# form"): dropped only when the other text has no unpaired word, so "largest city" / "largest country"
# still differ.
_LIGHT_ONE_SIDED = frozenset(
    """using use used via between together located exist exists existing look looks tips advice ideas city
    form items steps way ways method new""".split()
)
# Roman numerals past "i" (the pronoun) and "v"/"x" (letters): numbers are the number guard's to compare.
_ROMAN = frozenset("ii iii iv vi vii viii ix xi xii".split())


def _greeting_words(text: str) -> set[str]:
    """Words of the clauses that hold only greetings, thanks, fillers and stop words."""
    from cache.focus import pieces  # focus imports this module

    out: set[str] = set()
    for piece in pieces(text):
        piece_words = words(piece)
        if piece_words and all(w in _GREETINGS or w in FILLER or w in _STOPWORDS or w in _GREETING_HEDGES
                               for w in piece_words):
            out |= set(piece_words)
    return out


def _question_kind_word(word: str, kinds: tuple[str | None, str | None]) -> bool:
    """A noun that only restates the question word both texts share: "what year" / "when", "what's the
    way to" / "how do I", "what causes" / "why"."""
    kind = _OPEN_KIND.get(word) or _WHY_VERBS.get(word)
    return kind is not None and kinds[0] == kinds[1] == kind


# Question forms that ask the same thing in other words, each with the words it spends on the asking:
# when both texts take a form of one group, those words need no partner ("What is the population of X?" /
# "How many people live in X?", "What does X do?" / "What is the job of X?", "How long do I have to" /
# "What is the time limit for", "What does X stand for?" / "What is X short for?", "the boiling point" /
# "at what temperature ... boil"). Kept small and general: each names a kind of question, not a topic.
_PHRASINGS = tuple(
    (re.compile(pattern), frozenset(spent.split()))
    for pattern, spent in (
        (r"\bpopulation\b|\bhow many (?:people|inhabitants|residents)\b", "population many people inhabitants "
         "residents live lives lived living"),
        (r"\bwhat (?:does|do|did) (?:\w+ ){1,6}do\b|\b(?:job|role|function|purpose) of\b", "job role function purpose"),
        (r"\bhow long\b|\btime limit\b|\bhow much time\b|\bdeadline\b", "long take takes time limit much deadline"),
        (r"\bstands? for\b|\bshort for\b|\babbreviation\b|\bacronym\b", "stand stands short abbreviation acronym"),
        (r"\b(?:boiling|freezing|melting) point\b|\bwhat temperature\b", "point temperature"),
    )
)


def _phrasing_words(stored: str, probe: str) -> frozenset[str]:
    """The words both texts spend on one question form of `_PHRASINGS` (empty when they share none)."""
    a, b = " ".join(words(stored)), " ".join(words(probe))
    out: set[str] = set()
    for pattern, spent in _PHRASINGS:
        if pattern.search(a) and pattern.search(b):
            out |= spent
    return frozenset(out)


def _number_word(word: str) -> bool:
    return word.isdigit() or word in lexicon.SMALL_NUMBER_WORDS or word in lexicon.SCALE_WORDS or word in _ROMAN


def unmatched(stored: str, probe: str, loose: bool = False) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Content words of each text with no partner in the other (after `align`): an added constraint ("in a
    microwave"), a dropped one, or a replaced word ("landlord"/"tenant"). Left out: fillers, greetings in
    a clause of their own, numbers (the number guard compares them), and a noun that restates the shared
    question word ("what year" / "when")."""
    alignment = align(stored, probe, loose)
    kinds = (_question_word(words(stored)), _question_word(words(probe)))

    def keep(text: str, own: tuple[str, ...]) -> tuple[str, ...]:
        greetings = _greeting_words(text) if any(w in _GREETINGS for w in own) else set()
        return tuple(w for w in own if w not in FILLER and w not in greetings and not _number_word(w)
                     and not _question_kind_word(w, kinds))

    only_a, only_b = keep(stored, alignment.only_stored), keep(probe, alignment.only_probe)
    if only_a or only_b:
        phrasing = _phrasing_words(stored, probe)
        only_a = tuple(w for w in only_a if w not in phrasing)
        only_b = tuple(w for w in only_b if w not in phrasing)
    if not only_a or not only_b:
        only_a = tuple(w for w in only_a if w not in _LIGHT_ONE_SIDED)
        only_b = tuple(w for w in only_b if w not in _LIGHT_ONE_SIDED)
    return only_a, only_b


def opposed_words(only_stored: tuple[str, ...], only_probe: tuple[str, ...]) -> bool:
    """An unpaired word of one text is WordNet's opposite of one of the other (`opposite`)."""
    return any(opposite(x, y) for x in only_stored for y in only_probe)


_OBJECT_PRONOUNS = frozenset("me him her them us myself himself herself themselves ourselves".split())
# A pronoun right after these is the one asked, not a role in the request ("tell me how to ...").
_REQUEST_VERBS = frozenset("tell give show let help teach send gimme explain remind for".split())


def _roles(text_words: list[str]) -> list[str]:
    return sorted(w for i, w in enumerate(text_words)
                  if w in _OBJECT_PRONOUNS and not (i > 0 and text_words[i - 1] in _REQUEST_VERBS))


def roles_differ(stored: str, probe: str) -> bool:
    """One text gives a person a role the other does not ("apologize to my girlfriend" / "get my
    girlfriend to apologize to me"): the object pronouns differ, those after a request verb aside."""
    return _roles(words(stored)) != _roles(words(probe))


def alignment_reason(stored: str, probe: str, similarity: float | None = None) -> str | None:
    """"question", "swap", "antonym", "substitution", "unmatched" or None (no rule tells the texts apart).
    Never raises on text input."""
    if question_word_differs(stored, probe):
        return "question"
    if swapped(stored, probe):
        return "swap"
    if roles_differ(stored, probe):
        return "swap"
    if function_word_substitution(stored, probe):
        return "substitution"
    loose = similarity is not None and similarity >= LOOSE_SIMILARITY
    only_a, only_b = unmatched(stored, probe, loose)
    if only_a and only_b:
        return "antonym" if opposed_words(only_a, only_b) else "substitution"
    if only_a or only_b:
        return "unmatched"
    return None
