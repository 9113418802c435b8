"""Text normalisation shared by the knowledge base (when storing aliases) and the checker (when
looking them up), so both sides always agree on what "the same name" means."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")
_LEADING_ARTICLE = re.compile(r"^(the|a|an)\s+")


# Letters Unicode does not decompose into a base letter and an accent: "đồng" is "dong", "Łódź" is "Lodz".
_UNDECOMPOSED = str.maketrans({"đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O"})


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize_name(text: str) -> str:
    """Lower-case, accent-free, punctuation-free form: "the Washington, D.C." -> "washington dc"."""
    text = strip_accents(text).lower().replace("'", "").replace("\u2019", "")
    text = _NON_WORD.sub(" ", text.replace("-", " "))
    text = _SPACES.sub(" ", text).strip()
    return _LEADING_ARTICLE.sub("", text)


def singular(word: str) -> str:
    """Crude English singular for currency and language nouns ("euros" -> "euro", "rupees" -> "rupee")."""
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def normalize_value(text: str) -> str:
    """Name normalisation plus singular nouns, for comparing values such as "Euros" and "euro"."""
    return " ".join(singular(token) for token in normalize_name(text).split())
