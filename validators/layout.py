"""Answers laid out as tables or labelled lines -> plain sentences the claim reader understands.

    tables_to_sentences("| Country | Capital |\\n|---|---|\\n| Japan | Tokyo |")
        -> "The capital of Japan is Tokyo."
    labelled_lines_to_sentences("**Capital:** Nairobi\\n**Continent:** Africa")
        -> "Its capital is Nairobi.\\nIt is in Africa."

Pure text in, text out (no KB). A table is two or more consecutive lines holding `|` (a Markdown table, or
"Country | Capital" rows as text); its first row is a header when a cell names a relation ("Capital",
"Atomic number", "Currency"...), and each later row then states one claim per relation column about the
row's first cell. Tables without such a header are left as they are (cells joined by " | "), to be read as
records by the extractor. A labelled line is "Label: value" (bold or not, bulleted or not) whose label names
a relation; it becomes a sentence about the running topic ("Its ..."). Method: column/label nouns matched
by the regexes below, nothing learned."""

from __future__ import annotations

import re
from collections.abc import Callable

# Header or label text -> relation. Anchored: a cell must be just the noun (with an optional unit in brackets).
_HEADERS = [
    ("capital", r"capital(?: city)?"),
    ("currency", r"currenc(?:y|ies)|money"),
    ("language", r"(?:official |main )?languages?"),
    ("region", r"continent|region|location"),
    ("population", r"population|people|inhabitants|pop\.?"),
    ("area", r"(?:land |total )?area|size"),
    ("symbol", r"(?:chemical )?symbol"),
    ("atomic_number", r"atomic (?:number|no\.?)|number|no\.?|z|protons"),
    ("atomic_mass", r"atomic (?:mass|weight)|mass|weight|molar mass"),
]
_HEADER_RES = [(relation, re.compile(rf"(?:{pattern})(?:\s*[(\[][^)\]]*[)\]])?", re.IGNORECASE))
               for relation, pattern in _HEADERS]
# How each relation is stated about a named subject, and about the running topic ("it").
_NAMED = {"capital": "The capital of {s} is {v}.", "currency": "The currency of {s} is the {v}.",
          "language": "The official language of {s} is {v}.", "region": "{s} is in {v}.",
          "population": "The population of {s} is {v}.", "area": "The area of {s} is {v}.",
          "symbol": "The symbol of {s} is {v}.", "atomic_number": "The atomic number of {s} is {v}.",
          "atomic_mass": "The atomic mass of {s} is {v}."}
_TOPIC = {"capital": "Its capital is {v}.", "currency": "Its currency is the {v}.",
          "language": "Its official language is {v}.", "region": "It is in {v}.",
          "population": "Its population is {v}.", "area": "Its area is {v}.", "symbol": "Its symbol is {v}.",
          "atomic_number": "Its atomic number is {v}.", "atomic_mass": "Its atomic mass is {v}."}
_SEPARATOR_ROW = re.compile(r"^[\s|:\-–—+=]*$")
_DECORATION = re.compile(r"\*\*|__|`")
_LABELLED = re.compile(r"^\s*(?:[-*•]\s+|\d+[.)]\s+)?(?P<label>[A-Za-z][A-Za-z .()\[\]²]{0,30}?)\s*[:=]\s*(?P<value>\S.*?)\s*$")


def header_relation(cell: str) -> str | None:
    """The relation a table header or line label names ("Capital city" -> "capital"), or None."""
    cell = _DECORATION.sub("", cell).strip()
    return next((relation for relation, pattern in _HEADER_RES if pattern.fullmatch(cell)), None)


def _cells(line: str) -> list[str]:
    line = _DECORATION.sub("", line).strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|"):
        line = line[:-1]
    return [cell.strip() for cell in line.split("|")]


def tables_to_sentences(text: str) -> str:
    """Replaces each table with a header naming relations by one sentence per (row, relation column).
    Rows of a headerless table stay, one line each with cells joined by " | "."""
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        if "|" not in lines[index]:
            out.append(lines[index])
            index += 1
            continue
        block = []
        while index < len(lines) and "|" in lines[index]:
            block.append(lines[index])
            index += 1
        rows = [_cells(line) for line in block if not _SEPARATOR_ROW.match(line)]
        relations = [header_relation(cell) for cell in rows[0]] if rows else []
        if len(rows) < 2 or not any(relations[1:]):
            out += [" | ".join(row) for row in rows]
            continue
        for row in rows[1:]:
            subject = row[0]
            sentences = [_NAMED[relation].format(s=subject, v=value) for relation, value in zip(relations[1:], row[1:])
                         if relation and value and subject]
            out.append(" ".join(sentences))
    return "\n".join(out)


def labelled_lines_to_sentences(text: str) -> str:
    """"Capital: Nairobi" (one per line, bold, bulleted) -> "Its capital is Nairobi."; other lines unchanged.
    Needs two or more labelled lines naming relations, so a lone "Note: ..." is never rewritten."""
    lines = text.split("\n")
    rewritten = []
    for line in lines:
        match = _LABELLED.match(_DECORATION.sub("", line))
        relation = header_relation(match.group("label")) if match else None
        rewritten.append(_TOPIC[relation].format(v=match.group("value").rstrip(".")) if relation else None)
    if sum(r is not None for r in rewritten) < 2:
        return text
    return "\n".join(new if new is not None else old for old, new in zip(lines, rewritten))


# A heading that names the relation a list is about: "Nordic capitals:", "Population quick guide:", or a lead-in
# ending in a verb, "The capitals are France (Paris), ..." (colon optional).
_LIST_HEADING = re.compile(r"^\s*(?P<heading>[^:\n]{1,60}?)\s*:\s*", re.MULTILINE)
_VERB_HEADING = re.compile(r"^\s*(?P<heading>[^:\n]{1,60}?\s+(?:are|were|include|includes))\s*:?\s+", re.IGNORECASE)
_HEADING_NOUNS = [
    ("capital", r"capital(?:s| cities| city)?"), ("currency", r"currenc(?:y|ies)|money"),
    ("language", r"languages?"), ("region", r"continents?|regions?"), ("population", r"populations?|pop\.?"),
    ("area", r"areas?|sizes?"), ("symbol", r"(?:chemical )?symbols?"),
    ("atomic_number", r"atomic numbers?"), ("atomic_mass", r"atomic (?:mass(?:es)?|weights?)"),
]
_HEADING_RES = [(relation, re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)) for relation, pattern in _HEADING_NOUNS]
_NUMERIC = ("population", "area", "atomic_number", "atomic_mass")
# Item shapes. Each gives a subject `s` and a value `v`; "Oslo (Norway)" and "Norway (Oslo)" are told apart by
# which side names a known subject.
_ITEM_NAMED_FIRST = re.compile(r"^(?P<s>[^:=()\-–—,;]+?)\s*(?::|=|→|,|\s[-–—]\s|\s+is\s+)\s*(?:the\s+)?(?P<v>[^:=()]+?)[.!]?$")
_ITEM_NAMED_AFTER = re.compile(r"^(?P<v>[^:=()]+?)\s*\((?P<s>[^()]+)\)[.!]?$")
_ITEM_VALUE_FOR = re.compile(r"^(?:the\s+)?(?P<v>[^:=()]+?)\s+(?:for|of|in)\s+(?P<s>[^:=()]+?)[.!]?$")  # "Lima for Peru"
_ITEM_NUMBER = re.compile(  # "lithium 3", "France about 68 million": numeric relations only
    r"^(?P<s>[^\d:=()\-–—,;]+?)\s+(?P<v>(?:(?:about|around|roughly|approximately|approx\.|nearly|almost|over|~)\s*)?"
    r"\d[\d.,]*(?:\s*(?:million|billion|thousand|u|amu|km²|km2|sq km|square kilomet(?:er|re)s|people))?)[.!]?$",
    re.IGNORECASE)
# "Japan uses the yen", "South Korea the won", "Norway has Oslo": items after a heading naming a name relation
# ("Currencies of East Asia: ..."); a verb or "the" must part the subject from the value.
_ITEM_VERB = re.compile(r"^(?P<s>[A-Z][^:=()\-–—,;]*?)(?:\s+(?:has|have|uses|use|pays\s+(?:in|with)|speaks)(?:\s+the)?|"
                        r"\s+the)\s+(?P<v>[^:=()\d]+?)[.!]?$")
_BULLET = re.compile(r"^\s*(?:[-*•]\s+|\d+[.)]\s+)")
_ITEM_SYMBOL = re.compile(r"^(?P<s>[A-Za-z]{3,})\s+(?P<v>[A-Z][a-z]?)[.!]?$")  # "potassium K": symbols only
_SYMBOL_VALUE = re.compile(r"[A-Z][a-z]?")
_COMMA_PAIR = re.compile(r"[^,()]+,\s*[^,()]+")  # "Ghana, Accra" between semicolons
_VALUE_ALTERNATIVE = re.compile(r"^(?P<item>[^()]+?\s[-–—]\s[^()]+?)\s*\([^()]*\)$")
# "Sure! Norway - Oslo; ...": an interjection before a list is no part of its first item
_INTERJECTION = re.compile(r"^\s*(?:sure|of course|certainly|absolutely|okay|ok|yes|here you go|here they are)\s*[!.,:]+\s*",
                           re.IGNORECASE)
_COORDINATION = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*")


def heading_relation(heading: str) -> str | None:
    """The one relation a list heading names ("Nordic capitals" -> "capital"), or None (none, or two)."""
    found = {relation for relation, pattern in _HEADING_RES if pattern.search(heading)}
    return found.pop() if len(found) == 1 else None


def _item(piece: str, relation: str, subject_name: Callable[[str], bool | str]) -> tuple[str, str] | None:
    """(subject as written for the sentence, value) of one list item, or None when it is no item about a known
    subject. `subject_name` accepts a subject (True, or the name to write instead, e.g. "Neon" for "Ne")."""
    shapes = [_ITEM_NAMED_AFTER, _ITEM_NAMED_FIRST, _ITEM_VALUE_FOR] + ([_ITEM_NUMBER] if relation in _NUMERIC else []) \
        + ([_ITEM_SYMBOL] if relation == "symbol" else []) \
        + ([_ITEM_VERB] if relation in ("capital", "currency", "language") else [])
    for shape in shapes:
        match = shape.match(piece)
        if not match:
            continue
        for subject, value in _pairs(shape, match):
            if relation == "symbol" and not _SYMBOL_VALUE.fullmatch(value):
                continue  # "Fe = iron": the symbol is the side written like one
            name = subject_name(subject) if subject and value else False
            if name:
                return (name if isinstance(name, str) else subject), value
    return None


def _pairs(shape: re.Pattern, match: re.Match) -> list[tuple[str, str]]:
    """The (subject, value) readings of an item `shape` matched: "Oslo (Norway)" may also be "Norway (Oslo)"."""
    pair = (match.group("s").strip(), match.group("v").strip())
    # "Fe = iron" is iron's symbol read the other way round (a value must look like one: see _item)
    return [pair, pair[::-1]] if shape in (_ITEM_NAMED_AFTER, _ITEM_NAMED_FIRST) else [pair]


def _pieces(line: str) -> list[str]:
    """The items of one line: split at commas and semicolons; a piece that is two items joined by "and"
    ("Finland (Helsinki) and Norway (Oslo)") is split there too, by the caller, only if both halves are items.
    Where semicolons part the items, a comma may part an item's two sides ("Ghana, Accra; Senegal, Dakar").
    Square brackets count as round ones ("Qatar [Doha]"); a bracket after a "Name - value" item is another
    name for the value and is dropped ("China - renminbi (yuan)")."""
    line = _BULLET.sub("", _DECORATION.sub("", line)).replace("[", "(").replace("]", ")")
    if ";" in line:
        pieces = []
        for part in line.split(";"):
            pieces += [part] if _COMMA_PAIR.fullmatch(part.strip()) else re.split(r",(?!\d)", part)
    else:
        pieces = re.split(r"[;,](?!\d)", line)
    return [_VALUE_ALTERNATIVE.sub(r"\g<item>", p.strip()) for p in pieces]


_RESPECTIVELY_VERB = re.compile(r"\s+(?:are|were|is|have|has|use|uses|speak|speaks|weigh|weighs|pay with|"
                                r"use the currencies|are called)\s+", re.IGNORECASE)
_VALUE_SPLIT = re.compile(r"\s*,(?!\d{3}\b)\s*(?:and\s+)?|\s+and\s+|\s*&\s*")  # "1,500" stays one value
_SEGMENT_TAIL = re.compile(r"(?:[\s,;]|\b(?:and|with|while|plus|the|their|its|respective|respectively)\b)*$", re.IGNORECASE)


def _respective_subjects(left: str, is_subject: Callable[[str], bool | str]) -> list[str] | None:
    """The coordinated subjects ending `left`, each as is_subject names it: "The noble gases neon, argon and
    krypton" -> ["Neon", "Argon", "Krypton"]; words before the first subject are dropped. None if any is unknown."""
    left = re.sub(r"^(?:the\s+)?(?:[\w-]+\s+){1,3}?(?:of|for)\s+", "", left.strip(), flags=re.IGNORECASE)
    items = [s.strip() for s in _COORDINATION.split(left) if s.strip()]
    if len(items) < 2:
        return None
    words = items[0].split()
    for drop in range(len(words)):  # the shortest tail of the first item that names a subject
        first = " ".join(words[drop:])
        if is_subject(first):
            items[0] = first
            break
    else:
        return None
    names = [is_subject(item) for item in items]
    if not all(names):
        return None
    return [name if isinstance(name, str) else item for item, name in zip(items, names)]


def respectively_to_sentences(sentence: str, is_subject: Callable[[str], bool | str],
                              value_relation: Callable[[str], str | None] | None = None) -> str:
    """"The capitals of Chile and Peru are Santiago and Lima, respectively" -> "The capital of Chile is
    Santiago; The capital of Peru is Lima". Several relations pair in order, each with its own run of values:
    "Fluorine, chlorine and bromine have the symbols F, Cl and Br, with atomic numbers 9, 17 and 35
    respectively" -> three symbol and three atomic-number sentences. A relation is named by its noun before
    its values (else by the one noun of the sentence, else by `value_relation` of every value); every subject
    must be accepted by `is_subject` and every run must have as many values as there are subjects. A
    "respectively" sentence that does not pair up this way gives "" (nothing is read from it: reading it
    whole would pair the wrong values); a sentence without "respectively" at its end is returned as it is."""
    text = sentence.strip()
    if not re.search(r"respectively\s*[.!]?$", text, re.IGNORECASE):
        return sentence
    verb = _RESPECTIVELY_VERB.search(text)
    if verb is None:
        return ""
    left, right = text[:verb.start()], re.sub(r",?\s*respectively\s*[.!]?$", "", text[verb.end():], flags=re.IGNORECASE)
    subjects = _respective_subjects(left, is_subject)
    if subjects is None:
        return ""
    nouns = sorted(((m.start(), m.end(), relation) for relation, pattern in _HEADING_RES for m in pattern.finditer(right)))
    runs: list[tuple[str | None, str]] = []
    if nouns:
        if right[:nouns[0][0]].strip(" ,").lower() not in ("", "the", "their", "its", "with", "with the"):
            return ""  # values before the first noun: an order this reader does not pair
        for index, (_, end, relation) in enumerate(nouns):
            stop = nouns[index + 1][0] if index + 1 < len(nouns) else len(right)
            segment = re.sub(r"^\s*(?:of\s+|are\s+|:\s*)?", "", right[end:stop])
            runs.append((relation, _SEGMENT_TAIL.sub("", segment) if index + 1 < len(nouns) else segment.strip(" ,")))
    else:
        runs.append((heading_relation(left), right))
    sentences = []
    for relation, segment in runs:
        values = [re.sub(r"^the\s+", "", v.strip(), flags=re.IGNORECASE) for v in _VALUE_SPLIT.split(segment) if v.strip()]
        if relation is None and value_relation is not None:
            found = {value_relation(value) for value in values}
            relation = found.pop() if len(found) == 1 else None
        if relation is None or len(values) != len(subjects):
            return ""
        sentences += [_NAMED[relation].format(s=subject, v=value).rstrip(".") for subject, value in zip(subjects, values)]
    return "; ".join(sentences) + "."


def _inferred_relation(text: str, is_subject: Callable[[str], bool | str],
                       value_relation: Callable[..., str | None]) -> str | None:
    """The relation of a list with no heading, from its values: "- Italy: Rome\n- Spain: Madrid" is about
    capitals because two or more items' values are known capitals and no item's value is known for another.
    `value_relation(value, subject)` names the relation a value belongs to (given its subject for symbols and
    atomic numbers: "Fe = iron", "helium 2")."""
    found = []
    for line in text.split("\n"):
        for piece in _pieces(line):
            for shape in (_ITEM_NAMED_AFTER, _ITEM_NAMED_FIRST, _ITEM_NUMBER):
                match = shape.match(piece)
                if match is None:
                    continue
                for subject, value in _pairs(shape, match):
                    # the value names the relation, given the subject: "Peru - Lima" (a known capital), "Fe = iron"
                    # or "iron = Fe" (a symbol of an element), "helium 2" (an element's whole number)
                    if subject and value and is_subject(subject):
                        relation = value_relation(value, subject)
                        if relation:
                            found.append(relation)
                            break
                break
    return found[0] if len(found) >= 2 and len(set(found)) == 1 else None


def list_items_to_sentences(text: str, relation: str | None, is_subject: Callable[[str], bool | str],
                            value_relation: Callable[..., str | None] | None = None) -> str:
    """Items of a list about one relation -> "The capital of Peru is Lima." sentences. The relation is the one a
    heading names ("Nordic capitals: Oslo (Norway), ...", "The capitals are Sweden (Stockholm), ...",
    "Population quick guide:" then bullets) or else `relation` (the question's: "capitals in South America?"
    then "- Peru: Lima"). Items are "Peru: Lima", "Peru - Lima", "silver is Ag", "Oslo (Norway)", "Norway
    (Oslo)", "Lima for Peru" or, for numbers, "lithium 3"; one a line or separated by commas (or a last "and")
    after the heading. An item counts only if `is_subject` accepts its subject (True, or a name to write in its
    place: "Ne" -> "Neon"). Needs two such items (so a lone "Note: ..." is never rewritten); otherwise the text
    is returned as it is. With no relation from a heading or the question, `value_relation` (value text ->
    the relation it is a known value of, or None) may name it from the items' values. Under a heading that
    names the relation, items about unknown subjects are skipped and the rest still read."""
    interjection = _INTERJECTION.match(text)
    if interjection:
        rest = list_items_to_sentences(text[interjection.end():], relation, is_subject, value_relation)
        return text if rest == text[interjection.end():] else text[:interjection.end()] + rest
    heading = _LIST_HEADING.match(text)
    named = heading_relation(heading.group("heading")) if heading else None
    if named is None:
        verb_heading = _VERB_HEADING.match(text)
        verb_named = heading_relation(verb_heading.group("heading")) if verb_heading else None
        if verb_named is not None:
            heading, named = verb_heading, verb_named
    relation = named or relation
    if relation not in _NAMED and value_relation is not None:
        relation = _inferred_relation(text, is_subject, value_relation)
    if relation not in _NAMED:
        return text
    lines = text.split("\n")
    if heading and named:  # items may follow the heading on its own line
        lines[0] = lines[0][heading.end():]
    out, rewritten = [], 0
    for line in lines:
        items, pieces = [], [p for p in _pieces(line) if p]
        for piece in pieces:
            item = _item(re.sub(r"^(?:and|&)\s+", "", piece), relation, is_subject)
            if item is None:  # "Finland (Helsinki) and Norway (Oslo)"
                halves = re.split(r"\s+(?:and|&)\s+", piece)
                found = [_item(half, relation, is_subject) for half in halves] if len(halves) == 2 else [None]
                if all(found):
                    items += found
                    continue
                if named and len(pieces) > 2:
                    continue  # "Symbols: chlorine Cl, unobtainium Uo, tin Sn": read the items it knows
                break
            items.append(item)
        else:
            if items:
                out.append(" ".join(_NAMED[relation].format(s=s, v=v) for s, v in items))
                rewritten += len(items)
                continue
        out.append(line)
    if rewritten < 2:
        return text
    if heading and named:
        lead = text.split("\n")[0][:heading.end()].rstrip()
        out[0] = (lead + ("" if lead.endswith(":") else ":") + " " + out[0]).strip()
    return "\n".join(out)
