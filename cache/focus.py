"""What the near-miss checks compare: acronyms matched to their expansions, and the request clause of a
probe that wraps it in context or politeness.

    expand_acronyms("What is the GDP of Japan?", "What is the gross domestic product of Japan?")
        -> ("What is the GDP of Japan?", "What is the GDP of Japan?")
    request_focus("How do I get rid of hiccups?",
                  "I've had hiccups for 20 minutes in a meeting. How do I get rid of hiccups?")
        -> "How do I get rid of hiccups?"

Both are general rules over the text's structure (initial letters; sentence and clause boundaries
plus the word alignment of cache/alignment.py), not lists of words. The guards (cache/guards.py) and
alignment rules then read the rewritten pair; the pair verifier still sees the texts as sent.
Cost: a few regular expressions and one alignment per clause (well under 0.1 ms for a short probe).
"""

from __future__ import annotations

import re

from cache.alignment import align, known_word

# An acronym as typed: "GDP", "UN", "2FA", "VPNs"; or a short lower-case non-word ("vpn", "2fa").
_ACRONYM = re.compile(r"\b([0-9]?[A-Za-z]{1,5}?)s?\b")
_DIGIT_INITIAL = {"1": "o", "2": "t", "3": "t", "4": "f", "5": "f", "6": "s", "7": "s", "8": "e", "9": "n"}
_RUN_WORD = re.compile(r"[A-Za-z]+")
# Words an expansion may carry that its acronym skips ("Department of Defense" -> "DoD").
_SKIPPED = frozenset({"of", "and", "for", "the"})
# Sentence ends, and clause breaks after which a request may start (a comma, a dash, "but").
_PIECES = re.compile(r"(?<=[.!?])\s+|\s*(?:,|\s-+\s|\s—\s|:)\s*(?:but\s+|so\s+)?")


def _acronym_letters(token: str) -> str | None:
    """The letters an acronym stands for, or None when the token does not read as one."""
    body = token[:-1] if len(token) > 2 and token.endswith("s") and token[:-1].isupper() else token
    upper = sum(c.isupper() for c in body)
    if not (2 <= len(body) <= 6) or not body.isalnum():
        return None
    if upper >= 2 or (body[0].isdigit() and body[1:].isalpha()):
        pass
    elif body.islower() and body.isalpha() and len(body) <= 5 and not known_word(body):
        pass
    else:
        return None
    letters = "".join(_DIGIT_INITIAL.get(c, c) for c in body.lower())
    return letters if letters.isalpha() else None


def _expansion_span(letters: str, text: str) -> tuple[int, int] | None:
    """The character span of a run of words in `text` whose initials spell `letters`."""
    words = list(_RUN_WORD.finditer(text))
    for start in range(len(words)):
        i, k = start, 0
        while i < len(words) and k < len(letters):
            word = words[i].group().lower()
            if word[0] == letters[k]:
                k += 1
            elif word not in _SKIPPED or i == start:
                break
            i += 1
        if k == len(letters) and i - start >= 2:
            return words[start].start(), words[i - 1].end()
    return None


def _rewrite(source: str, target: str) -> str:
    """`target` with every expansion of an acronym of `source` replaced by that acronym."""
    for token in set(re.findall(r"\b[0-9A-Za-z]+\b", source)):
        if re.search(rf"\b{re.escape(token)}\b", target, flags=re.IGNORECASE):
            continue  # already written the same way in both
        letters = _acronym_letters(token)
        if letters is None:
            continue
        span = _expansion_span(letters, target)
        if span is not None:
            target = target[: span[0]] + token + target[span[1]:]
    return target


def expand_acronyms(stored: str, probe: str) -> tuple[str, str]:
    """The pair with each expansion in one text ("gross domestic product", "two-factor authentication")
    written as the other text's acronym ("GDP", "2FA"), so guards and alignment compare like with like.
    An acronym matches only a run of two or more words whose initials spell it, in order."""
    return _rewrite(probe, stored), _rewrite(stored, probe)


def pieces(text: str) -> list[str]:
    """Sentences and clauses (split at sentence ends, commas, dashes and colons), empty ones dropped."""
    return [p for p in (piece.strip() for piece in _PIECES.split(text)) if p]


def request_focus(stored: str, probe: str) -> str:
    """The clause of `probe` that carries the stored request, when the probe adds context or politeness
    around it ("My rice cooker died this morning. How do I cook rice in a pot?"); otherwise `probe`.

    Applies only when the stored text is one clause and one clause of the probe pairs every content
    word of the stored text (cache/alignment.py's `align`); of those, the shortest clause is taken. The
    dropped clauses then add nothing the stored request depends on, so a guard should not fire on a
    date, number or negation in them ("I hope this isn't a silly question, but ..."). Only the guards
    read the focus: the alignment rules read the whole probe, because a dropped clause may add a
    constraint ("I'm vegan. What's a good lasagna recipe?"), and any content word of it must pair."""
    probe_pieces = pieces(probe)
    if len(probe_pieces) < 2 or len(pieces(stored)) != 1:
        return probe
    covering = [p for p in probe_pieces if not align(stored, p).only_stored]
    return min(covering, key=len) if covering else probe
