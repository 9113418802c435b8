"""The knowledge base: entities with aliases, and facts (subject, relation, value, unit, source, as-of date), stored
in one SQLite file. `KnowledgeBaseWriter` writes it (see `build_kb`); `KnowledgeBase` reads it whole
into memory at open, because it is small (a few thousand rows) and the checker needs every lookup in
microseconds and from any thread."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from validators.normalize import normalize_name, normalize_value

# Common nouns that never name one country, even where a source lists them as an alias ("Ísland" normalises
# to "island"): "the island nation uses the euro" is about the country already named, not Iceland.
COMMON_NOUNS = frozenset({"island", "islands", "nation", "country", "kingdom", "republic", "state", "states",
                          "land", "territory", "union", "federation", "empire", "commonwealth", "principality"})

SCHEMA_VERSION = "4"

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entities (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, kind TEXT NOT NULL);
-- case_sensitive: short codes and element symbols ("US", "Au") must match exactly, or "us" and "in"
-- would name countries.
CREATE TABLE aliases (
    alias TEXT NOT NULL, entity_id INTEGER NOT NULL REFERENCES entities(id),
    case_sensitive INTEGER NOT NULL, PRIMARY KEY (alias, entity_id));
CREATE TABLE facts (
    id INTEGER PRIMARY KEY, entity_id INTEGER NOT NULL REFERENCES entities(id), relation TEXT NOT NULL,
    value TEXT NOT NULL, number REAL, unit TEXT, source TEXT NOT NULL,
    -- as_of: when the fact was true per its source ("2018", "2018-07", "2018-07-01"); NULL for constants.
    as_of TEXT, UNIQUE (entity_id, relation, value));
CREATE INDEX facts_by_subject ON facts (entity_id, relation);
-- Other spellings of a value within one relation: currency "Yen" <- "Japanese yen", "JPY".
CREATE TABLE value_aliases (relation TEXT NOT NULL, value TEXT NOT NULL, alias TEXT NOT NULL,
    PRIMARY KEY (relation, value, alias));
"""


@dataclass(frozen=True)
class Entity:
    id: int
    name: str
    kind: str


@dataclass(frozen=True)
class Fact:
    subject: str
    relation: str
    value: str
    number: float | None
    unit: str | None
    source: str
    as_of: str | None = None  # "2018", "2018-07" or "2018-07-01": when the source measured it; None: timeless

    def as_evidence(self) -> dict:
        return {"subject": self.subject, "relation": self.relation, "value": self.value, "unit": self.unit,
                "source": self.source, "as_of": self.as_of}


def is_case_sensitive_alias(alias: str) -> bool:
    """Codes and symbols ("US", "UAE", "Au") match only as written; names match in any case."""
    return len(alias) <= 3 and any(ch.isupper() for ch in alias)


class KnowledgeBase:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            self.meta = dict(connection.execute("SELECT key, value FROM meta"))
            self.entities = {row[0]: Entity(*row) for row in connection.execute("SELECT id, name, kind FROM entities")}
            self.alias_texts: list[tuple[str, bool]] = []  # (alias as written, case-sensitive)
            self._by_alias: dict[str, set[int]] = defaultdict(set)  # normalised alias -> entity ids
            self._by_cased_alias: dict[str, set[int]] = defaultdict(set)  # exact alias -> entity ids
            for alias, entity_id, case_sensitive in connection.execute(
                    "SELECT alias, entity_id, case_sensitive FROM aliases"):
                if normalize_name(alias) in COMMON_NOUNS:
                    continue  # "island" is no alias of Iceland (Ísland), whatever a source lists
                self.alias_texts.append((alias, bool(case_sensitive)))
                if case_sensitive:
                    self._by_cased_alias[alias].add(entity_id)
                else:
                    self._by_alias[normalize_name(alias)].add(entity_id)
            self._facts: dict[tuple[int, str], list[Fact]] = defaultdict(list)
            self._relations_of: dict[int, set[str]] = defaultdict(set)
            for entity_id, relation, value, number, unit, source, as_of in connection.execute(
                    "SELECT entity_id, relation, value, number, unit, source, as_of FROM facts ORDER BY id"):
                fact = Fact(self.entities[entity_id].name, relation, value, number, unit, source, as_of)
                self._facts[(entity_id, relation)].append(fact)
                self._relations_of[entity_id].add(relation)
            # relation -> normalised spelling -> canonical values it can stand for ("dollar" -> many)
            self._value_spellings: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
            for (_, relation), facts in self._facts.items():
                for fact in facts:
                    if fact.number is None:
                        self._value_spellings[relation][normalize_value(fact.value)].add(fact.value)
            # spellings written as words somewhere ("lev", "Won"), as opposed to codes only ever in capitals ("BGN")
            self._word_spellings: dict[str, set[str]] = defaultdict(set)
            for relation, value, alias in connection.execute("SELECT relation, value, alias FROM value_aliases"):
                self._value_spellings[relation][normalize_value(alias)].add(value)
                if not alias.isupper():
                    self._word_spellings[relation].add(normalize_value(alias))
        finally:
            connection.close()
        self.relations = {relation for (_, relation) in self._facts}

    # --- subjects ---------------------------------------------------------------------------------
    def resolve(self, name: str) -> Entity | None:
        """The one entity a name or alias stands for; None when unknown or ambiguous ("Congo")."""
        ids = self._by_cased_alias.get(name.strip()) or self._by_alias.get(normalize_name(name))
        return self.entities[next(iter(ids))] if ids and len(ids) == 1 else None

    # --- facts --------------------------------------------------------------------------------------
    def facts(self, entity: Entity, relation: str) -> list[Fact]:
        return self._facts.get((entity.id, relation), [])

    def relations_of(self, entity: Entity) -> set[str]:
        return self._relations_of.get(entity.id, set())

    def value_spellings(self, relation: str) -> dict[str, set[str]]:
        """Every known spelling (normalised) of every value of a relation -> the canonical values."""
        return self._value_spellings.get(relation, {})

    def word_spellings(self, relation: str) -> set[str]:
        """Normalised spellings some value or alias of `relation` is written with in lower or mixed case (a word
        such as "lev"), unlike a code written only in capitals ("BGN")."""
        return self._word_spellings.get(relation, set())

    def canonical_values(self, relation: str, text: str) -> set[str]:
        return self._value_spellings.get(relation, {}).get(normalize_value(text), set())

    def __len__(self) -> int:
        return sum(len(facts) for facts in self._facts.values())


class KnowledgeBaseWriter:
    """Collects entities, aliases and facts in memory, then writes a fresh SQLite file atomically (a
    temporary file renamed into place), so readers never see half a knowledge base."""

    def __init__(self):
        self._entities: dict[str, tuple[str, str]] = {}  # normalised name -> (display name, kind)
        self._aliases: dict[str, set[str]] = defaultdict(set)  # normalised name -> aliases
        # normalised name -> (relation, value) -> (number, unit, source, as_of)
        self._facts: dict[str, dict[tuple[str, str], tuple[float | None, str | None, str, str | None]]] = defaultdict(dict)
        self._value_aliases: set[tuple[str, str, str]] = set()
        self._alias_index: dict[str, str] = {}  # normalised alias -> normalised entity name

    def entity_key(self, name: str) -> str | None:
        """The entity a subject name refers to, by its name or an alias already added."""
        key = normalize_name(name)
        return key if key in self._entities else self._alias_index.get(key) or self._alias_index.get(name)

    def add_entity(self, name: str, kind: str, aliases: list[str] = ()) -> str:
        key = self.entity_key(name) or normalize_name(name)
        if key not in self._entities:
            self._entities[key] = (name, kind)
        for alias in [name, *aliases]:
            if alias.strip():
                self._aliases[key].add(alias.strip())
                index_key = alias.strip() if is_case_sensitive_alias(alias.strip()) else normalize_name(alias)
                self._alias_index.setdefault(index_key, key)
        return key

    def add_fact(self, subject: str, relation: str, value: str, number: float | None, unit: str | None,
                 source: str, kind: str = "entity", replace: bool = False, as_of: str | None = None) -> None:
        key = self.add_entity(subject, kind)
        if replace:
            self.remove_facts(key, relation)
        self._facts[key][(relation, value)] = (number, unit, source, as_of)

    def remove_facts(self, key: str, relation: str) -> None:
        for fact_key in [k for k in self._facts[key] if k[0] == relation]:
            del self._facts[key][fact_key]

    def add_value_alias(self, relation: str, value: str, alias: str) -> None:
        self._value_aliases.add((relation, value, alias))

    @property
    def fact_count(self) -> int:
        return sum(len(facts) for facts in self._facts.values())

    def write(self, path: str | Path, meta: dict[str, str]) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{id(self)}.tmp")
        temporary.unlink(missing_ok=True)
        connection = sqlite3.connect(temporary)
        try:
            connection.executescript(SCHEMA)
            connection.executemany("INSERT INTO meta VALUES (?, ?)",
                                   sorted({**meta, "schema_version": SCHEMA_VERSION}.items()))
            ids = {key: index for index, key in enumerate(sorted(self._entities), start=1)}
            connection.executemany("INSERT INTO entities VALUES (?, ?, ?)",
                                   [(ids[key], *self._entities[key]) for key in sorted(self._entities)])
            connection.executemany(
                "INSERT OR IGNORE INTO aliases VALUES (?, ?, ?)",
                [(alias, ids[key], int(is_case_sensitive_alias(alias)))
                 for key, aliases in self._aliases.items() for alias in sorted(aliases)])
            connection.executemany(
                "INSERT INTO facts (entity_id, relation, value, number, unit, source, as_of) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(ids[key], relation, value, number, unit, source, as_of)
                 for key in sorted(self._facts)
                 for (relation, value), (number, unit, source, as_of) in self._facts[key].items()])
            connection.executemany("INSERT INTO value_aliases VALUES (?, ?, ?)", sorted(self._value_aliases))
            connection.commit()
        finally:
            connection.close()
        temporary.replace(path)
