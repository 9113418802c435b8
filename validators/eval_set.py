"""Regenerates the labeled evaluation set, reproducibly (seeded), from the knowledge base's imported
facts plus the hand-written items in data/eval_handwritten.jsonl.

    python -m validators.eval_set [--seed 13] [--output validators/data/eval_set.jsonl]

Each item: {"id", "question", "answer", "label", "category", "origin"}; label is the expected answer
verdict. Generated categories: true facts in many phrasings, correct approximations, bare answers to a
question, perturbed numbers, perturbed names (wrong capital, symbol, currency, language, continent),
statements outside the KB, and multi-sentence answers with pronouns (all true, or one fact wrong)."""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from pathlib import Path

from validators.build_kb import ensure_default_kb
from validators.kb import Entity, KnowledgeBase

DATA_DIR = Path(__file__).parent / "data"
HANDWRITTEN_PATH = DATA_DIR / "eval_handwritten.jsonl"
EVAL_SET_PATH = DATA_DIR / "eval_set.jsonl"

CONTINENTS = ["Europe", "Asia", "Africa", "Oceania", "South America", "North America"]
OPENERS = ["", "", "", "Sure! ", "Great question! ", "Certainly. ", "Of course! ", "Good question. ", "Happy to help. "]
CLOSERS = ["", "", "", " Let me know if you'd like to know more!", " I hope this helps!",
           " Is there anything else you'd like to know?"]
FICTIONAL_PLACES = ["Atlantis", "Wakanda", "Genovia", "Elbonia", "Freedonia", "Narnia", "Zubrowka", "Latveria",
                    "Sokovia", "Ruritania", "Florin", "Qumar", "Markovia", "Panem", "Westeros", "Erewhon"]
FICTIONAL_CAPITALS = ["Poseidonia", "Birnin Zana", "Pyrus", "Elbon City", "Fredonia City", "Cair Paravel",
                      "Lutz", "Doomstadt", "Novi Grad", "Strelsau", "Florin City", "Qumar City"]
FICTIONAL_ELEMENTS = ["Unobtainium", "Vibranium", "Adamantium", "Kryptonite", "Mithril", "Dilithium"]
CITIES = {"Paris": 2_100_000, "Tokyo": 14_000_000, "Sydney": 5_300_000, "New York City": 8_300_000,
          "London": 8_900_000, "Mumbai": 12_400_000, "Lagos": 15_000_000, "Toronto": 2_800_000,
          "Berlin": 3_600_000, "Shanghai": 24_000_000, "Istanbul": 15_500_000, "Rome": 2_800_000}
CHATTER = ["{s} is famous for its cuisine.", "{s} has a rich cultural heritage.", "{s} is a popular tourist destination.",
           "Many people enjoy visiting {s} in the summer.", "{s} has a long and fascinating history.",
           "The people of {s} are known for their hospitality.", "{s} is known for its beautiful landscapes.",
           "{s} has produced many famous artists and writers.", "Football is very popular in {s}."]


@dataclass
class Country:
    name: str
    capital: str
    population: float
    area: float
    currency: str
    languages: list[str]
    continent: str


def _number_words(value: float, rng: random.Random, approximate: bool) -> str:
    """A number as a chat model writes it: "about 67 million", "66,078,000", "1.3 billion", "2.1M"."""
    if value >= 1e9:
        scaled, word = value / 1e9, rng.choice(["billion", "billion", "bn"])
    elif value >= 1e6:
        scaled, word = value / 1e6, rng.choice(["million", "million", "million", "M"])
    else:
        scaled, word = None, None
    hedge = rng.choice(["about ", "around ", "roughly ", "approximately ", "nearly ", "an estimated ", ""]) \
        if approximate else ""
    if scaled is None or (not approximate and rng.random() < 0.4):
        digits = round(value, -max(0, len(str(int(value))) - 3)) if approximate else round(value)
        return f"{hedge}{int(digits):,}"
    decimals = rng.choice([0, 1, 1, 2]) if scaled < 100 else 0
    text = f"{scaled:.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{scaled:.0f}"
    joiner = "" if word == "M" or word == "bn" else " "
    return f"{hedge}{text}{joiner}{word}"


class Generator:
    def __init__(self, kb: KnowledgeBase, seed: int):
        self.kb = kb
        self.rng = random.Random(seed)
        self.countries = self._countries()
        self.elements = [e for e in kb.entities.values() if e.kind == "element"]
        self.items: list[dict] = []

    def _countries(self) -> list[Country]:
        countries = []
        for entity in sorted(self.kb.entities.values(), key=lambda e: e.name):
            if entity.kind != "country":
                continue
            facts = {relation: self.kb.facts(entity, relation) for relation in self.kb.relations_of(entity)}
            regions = {f.value for f in facts.get("region", [])} & set(CONTINENTS)
            if not all(facts.get(r) for r in ("capital", "population", "area", "currency", "language")) or \
                    len(regions) != 1 or facts["population"][0].number < 50_000 or len(facts["capital"]) != 1:
                continue
            countries.append(Country(entity.name, facts["capital"][0].value, facts["population"][0].number,
                                     facts["area"][0].number, facts["currency"][0].value,
                                     [f.value for f in facts["language"]], regions.pop()))
        return countries

    def add(self, question: str | None, answer: str, label: str, category: str) -> None:
        self.items.append({"question": question, "answer": answer.strip(), "label": label, "category": category,
                           "origin": "generated"})

    def wrap(self, sentence: str) -> str:
        return self.rng.choice(OPENERS) + sentence + self.rng.choice(CLOSERS)

    # --- one-fact sentences -------------------------------------------------------------------------
    def capital_sentence(self, country: Country, capital: str) -> str:
        c, k = country.name, capital
        return self.rng.choice([
            f"The capital of {c} is {k}.", f"{k} is the capital of {c}.", f"{c}'s capital is {k}.",
            f"{c}'s capital city is {k}.", f"The capital city of {c} is {k}.",
            f"{k} serves as the capital of {c}.", f"{k} is the capital and largest city of {c}.",
            f"The capital of {c} is {k}, which is also a major cultural center.",
            f"{c} has {k} as its capital.", f"In {c}, the capital is {k}.",
            f"{k}, the capital of {c}, is home to the national government.",
        ])

    def population_sentence(self, country: Country, number: str) -> str:
        c = country.name
        return self.rng.choice([
            f"{c} has a population of {number}.", f"The population of {c} is {number}.",
            f"{c} has a population of {number} people.", f"{c} is home to {number} people.",
            f"{number} people live in {c}.", f"{c}'s population is {number}.",
            f"With a population of {number}, {c} is a diverse country.",
            f"The population of {c} is estimated at {number}.", f"{c} has {number} inhabitants.",
        ])

    def area_sentence(self, country: Country, number: str, unit: str) -> str:
        c = country.name
        return self.rng.choice([
            f"{c} covers an area of {number} {unit}.", f"{c} has a total area of {number} {unit}.",
            f"The area of {c} is {number} {unit}.", f"{c} spans {number} {unit}.",
            f"{c}'s area is about {number} {unit}." if "about" not in number else f"{c}'s area is {number} {unit}.",
        ])

    def currency_sentence(self, country: Country, currency: str) -> str:
        c, m = country.name, currency
        return self.rng.choice([
            f"The currency of {c} is the {m}.", f"{c} uses the {m}.", f"{c}'s official currency is the {m}.",
            f"The official currency of {c} is the {m}.", f"In {c}, people pay with the {m}.",
            f"The {m} is the currency of {c}.", f"{c}'s currency is the {m}.",
        ])

    def language_sentence(self, country: Country, language: str) -> str:
        c, l = country.name, language
        return self.rng.choice([
            f"The official language of {c} is {l}.", f"{l} is an official language of {c}.",
            f"{l} is spoken in {c}.", f"People in {c} speak {l}.", f"{c}'s official language is {l}.",
            f"In {c}, the official language is {l}.", f"{l} is the main language spoken in {c}.",
        ])

    def region_sentence(self, country: Country, continent: str) -> str:
        c, r = country.name, continent
        adjective = {"Europe": "European", "Asia": "Asian", "Africa": "African", "Oceania": "Oceanian",
                     "South America": "South American", "North America": "North American"}[r]
        return self.rng.choice([
            f"{c} is located in {r}.", f"{c} is a country in {r}.", f"{c} is in {r}.",
            f"{c} is a {adjective} country.", f"{c} lies in {r}.", f"{c} is a country located in {r}.",
            f"{c} is part of {r}.",
        ])

    def symbol_sentence(self, element: Entity, symbol: str) -> str:
        e = element.name
        return self.rng.choice([
            f"The chemical symbol for {e.lower()} is {symbol}.", f"{e}'s symbol is {symbol}.",
            f"{e} has the chemical symbol {symbol}.", f"{symbol} is the symbol for {e.lower()}.",
            f"The symbol of {e.lower()} is {symbol}.", f"{e} is represented by the symbol {symbol}.",
            f"{e} ({symbol}) is a chemical element.",
        ])

    def atomic_number_sentence(self, element: Entity, number: int) -> str:
        e = element.name
        return self.rng.choice([
            f"The atomic number of {e.lower()} is {number}.", f"{e} has an atomic number of {number}.",
            f"{e}'s atomic number is {number}.", f"{e} has {number} protons.",
            f"{e} has atomic number {number}.",
        ])

    def atomic_mass_sentence(self, element: Entity, mass: str) -> str:
        e = element.name
        return self.rng.choice([
            f"The atomic mass of {e.lower()} is {mass} u.", f"{e} has an atomic mass of {mass}.",
            f"{e} has an atomic weight of {mass}.", f"{e}'s atomic mass is about {mass} g/mol.",
            f"The standard atomic weight of {e.lower()} is {mass} amu.",
        ])

    # --- values -----------------------------------------------------------------------------------------
    def other_capital(self, country: Country) -> str:
        return self.rng.choice([c.capital for c in self.countries if c.capital != country.capital
                                and country.capital not in c.capital and c.capital not in country.capital])

    def other_currency(self, country: Country) -> str:
        mine = {f.value for f in self.kb.facts(self.kb.resolve(country.name), "currency")}
        choices = sorted({c.currency for c in self.countries} - mine)
        return self.rng.choice([m for m in choices if not set(m.lower().split()) & {w.lower() for v in mine for w in v.split()}])

    def other_language(self, country: Country) -> str:
        return self.rng.choice(sorted({l for c in self.countries for l in c.languages} - set(country.languages)))

    def other_continent(self, country: Country) -> str:
        regions = {f.value for f in self.kb.facts(self.kb.resolve(country.name), "region")}
        return self.rng.choice([c for c in CONTINENTS if c not in regions])

    def perturbed(self, value: float) -> float:
        return value * self.rng.choice([0.3, 0.4, 0.5, 0.6, 0.65, 1.4, 1.5, 1.8, 2, 2.5, 3, 4, 10])

    def perturbed_population(self, value: float) -> float:
        # Populations are dated (2018): a figure that growth since then could explain (up to about +45 %)
        # is not known to be false, so wrong figures are drawn beyond that.
        return value * self.rng.choice([0.3, 0.4, 0.5, 0.6, 0.65, 1.8, 2, 2.5, 3, 4, 10])

    def element_facts(self, element: Entity) -> tuple[str, int, float]:
        return (self.kb.facts(element, "symbol")[0].value, int(self.kb.facts(element, "atomic_number")[0].number),
                self.kb.facts(element, "atomic_mass")[0].number)

    def mass_text(self, mass: float) -> str:
        return self.rng.choice([f"{mass:.2f}", f"{mass:.3f}", f"{mass:.1f}", f"about {mass:.1f}", f"approximately {mass:.2f}"])

    # --- categories ----------------------------------------------------------------------------------
    def true_and_false_facts(self, per_relation: int) -> None:
        rng = self.rng
        for country in rng.sample(self.countries, per_relation):
            self.add(None, self.wrap(self.capital_sentence(country, country.capital)), "supported", "true_capital")
            wrong = self.other_capital(country)
            self.add(None, self.wrap(self.capital_sentence(country, wrong)), "contradicted", "wrong_capital")
        for country in rng.sample(self.countries, per_relation):
            self.add(None, self.wrap(self.currency_sentence(country, country.currency)), "supported", "true_currency")
            self.add(None, self.wrap(self.currency_sentence(country, self.other_currency(country))), "contradicted",
                     "wrong_currency")
        for country in rng.sample(self.countries, per_relation):
            self.add(None, self.wrap(self.language_sentence(country, rng.choice(country.languages))), "supported",
                     "true_language")
            self.add(None, self.wrap(self.language_sentence(country, self.other_language(country))), "contradicted",
                     "wrong_language")
        for country in rng.sample(self.countries, per_relation):
            self.add(None, self.wrap(self.region_sentence(country, country.continent)), "supported", "true_region")
            self.add(None, self.wrap(self.region_sentence(country, self.other_continent(country))), "contradicted",
                     "wrong_region")
        for country in rng.sample(self.countries, per_relation):
            exact = _number_words(country.population, rng, approximate=False)
            approximate = _number_words(country.population * rng.uniform(0.96, 1.04), rng, approximate=True)
            self.add(None, self.wrap(self.population_sentence(country, exact)), "supported", "true_population")
            self.add(None, self.wrap(self.population_sentence(country, approximate)), "supported", "approximate_population")
            wrong = _number_words(self.perturbed_population(country.population), rng, approximate=rng.random() < 0.5)
            self.add(None, self.wrap(self.population_sentence(country, wrong)), "contradicted", "wrong_population")
        for country in rng.sample([c for c in self.countries if c.area > 1000], per_relation):
            in_miles = rng.random() < 0.25
            area, unit = (country.area / 2.589988, rng.choice(["square miles", "sq mi"])) if in_miles else \
                (country.area, rng.choice(["square kilometers", "km²", "square kilometres", "sq km"]))
            self.add(None, self.wrap(self.area_sentence(country, f"{round(area):,}", unit)), "supported", "true_area")
            self.add(None, self.wrap(self.area_sentence(country, _number_words(area * rng.uniform(0.96, 1.04), rng, True), unit)),
                     "supported", "approximate_area")
            self.add(None, self.wrap(self.area_sentence(country, f"{round(self.perturbed(area)):,}", unit)),
                     "contradicted", "wrong_area")
        for element in rng.sample(self.elements, per_relation):
            symbol, number, mass = self.element_facts(element)
            other = rng.choice([e for e in self.elements if e != element])
            other_symbol, other_number, other_mass = self.element_facts(other)
            self.add(None, self.wrap(self.symbol_sentence(element, symbol)), "supported", "true_symbol")
            self.add(None, self.wrap(self.symbol_sentence(element, other_symbol)), "contradicted", "wrong_symbol")
            self.add(None, self.wrap(self.atomic_number_sentence(element, number)), "supported", "true_atomic_number")
            wrong_number = number + rng.choice([-3, -2, -1, 1, 2, 5, 10]) if number > 10 else number + rng.choice([1, 2, 3])
            self.add(None, self.wrap(self.atomic_number_sentence(element, wrong_number)), "contradicted",
                     "wrong_atomic_number")
            self.add(None, self.wrap(self.atomic_mass_sentence(element, self.mass_text(mass))), "supported",
                     "true_atomic_mass")
            wrong_mass = other_mass if abs(other_mass - mass) / mass > 0.1 else mass * rng.choice([0.7, 1.3, 1.5])
            self.add(None, self.wrap(self.atomic_mass_sentence(element, self.mass_text(wrong_mass))), "contradicted",
                     "wrong_atomic_mass")

    def bare_answers(self, count: int) -> None:
        rng = self.rng
        for country in rng.sample(self.countries, count):
            relation = rng.choice(["capital", "capital", "population", "currency", "language"])
            right = rng.random() < 0.5
            if relation == "capital":
                question = rng.choice([f"What is the capital of {country.name}?", f"What's the capital city of {country.name}?",
                                       f"Which city is the capital of {country.name}?"])
                value = country.capital if right else self.other_capital(country)
                answer = rng.choice([f"{value}.", f"It's {value}.", f"The capital is {value}.", f"{value} is the capital.",
                                     f"That would be {value}.", f"{value}!"])
            elif relation == "population":
                question = rng.choice([f"What is the population of {country.name}?", f"How many people live in {country.name}?"])
                value = _number_words(country.population * (rng.uniform(0.96, 1.04) if right else rng.choice([0.4, 2.5, 3])), rng, True)
                answer = rng.choice([f"{value[0].upper() + value[1:]}.", f"Roughly {value} people.", f"It has {value} people.",
                                     f"The population is {value}."])
            elif relation == "currency":
                question = rng.choice([f"What currency does {country.name} use?", f"What is the currency of {country.name}?"])
                value = country.currency if right else self.other_currency(country)
                answer = rng.choice([f"The {value}.", f"It uses the {value}.", f"The currency is the {value}."])
            else:
                question = rng.choice([f"What language is spoken in {country.name}?", f"What is the official language of {country.name}?"])
                value = rng.choice(country.languages) if right else self.other_language(country)
                answer = rng.choice([f"{value}.", f"The official language is {value}.", f"Mostly {value}.", f"People speak {value}."])
            self.add(question, answer, "supported" if right else "contradicted", f"bare_{relation}")

    def outside_kb(self, count: int) -> None:
        rng = self.rng
        for _ in range(count):
            kind = rng.choice(["fictional", "fictional", "city", "chatter", "chatter", "element"])
            if kind == "fictional":
                place = rng.choice(FICTIONAL_PLACES)
                sentence = rng.choice([
                    f"The capital of {place} is {rng.choice(FICTIONAL_CAPITALS)}.",
                    f"{place} has a population of about {rng.randint(2, 90)} million people.",
                    f"The official language of {place} is {rng.choice(['English', 'French', 'Spanish', 'German'])}.",
                    f"{place} uses the euro as its currency.",
                    f"{place}'s capital city is {rng.choice(FICTIONAL_CAPITALS)}, and it covers {rng.randint(10, 900):,},000 square kilometers.",
                ])
            elif kind == "city":
                city = rng.choice(sorted(CITIES))
                sentence = rng.choice([f"{city} has a population of about {_number_words(CITIES[city] * rng.choice([1, 3]), rng, False)}.",
                                       f"Around {_number_words(CITIES[city], rng, False)} people live in {city}.",
                                       f"{city} is a beautiful city with a population of {_number_words(CITIES[city] * 2, rng, True)}."])
            elif kind == "element":
                element = rng.choice(FICTIONAL_ELEMENTS)
                sentence = rng.choice([f"{element} has the chemical symbol {element[:2]}.",
                                       f"The atomic number of {element.lower()} is {rng.randint(119, 200)}.",
                                       f"{element} has an atomic mass of about {rng.randint(300, 500)} u."])
            else:
                country = rng.choice(self.countries)
                sentence = " ".join(t.format(s=country.name) for t in rng.sample(CHATTER, rng.randint(1, 2)))
            self.add(None, self.wrap(sentence), "unverified", f"outside_{kind}")

    def multi_sentence(self, count: int) -> None:
        rng = self.rng
        for index in range(count):
            country = rng.choice(self.countries)
            wrong = index % 2 == 1
            wrong_part = rng.choice(["capital", "population", "currency", "language", "region"]) if wrong else None
            capital = self.other_capital(country) if wrong_part == "capital" else country.capital
            population = self.perturbed(country.population) if wrong_part == "population" else \
                country.population * rng.uniform(0.97, 1.03)
            currency = self.other_currency(country) if wrong_part == "currency" else country.currency
            language = self.other_language(country) if wrong_part == "language" else rng.choice(country.languages)
            continent = self.other_continent(country) if wrong_part == "region" else country.continent
            pop = _number_words(population, rng, True)
            sentences = [
                rng.choice([f"{country.name} is a country in {continent}.", f"{country.name} is located in {continent}."]),
                rng.choice([f"Its capital is {capital}.", f"The capital is {capital}.", f"Its capital city is {capital}."]),
                rng.choice([f"It has a population of {pop}.", f"The country has {pop} inhabitants.",
                            f"About {pop.removeprefix('about ').removeprefix('around ')} people live there."
                            if pop.startswith(("about", "around")) else f"Its population is {pop}."]),
                rng.choice([f"The official language is {language}.", f"People there speak {language}.",
                            f"Its official language is {language}."]),
                rng.choice([f"The currency is the {currency}.", f"It uses the {currency}.",
                            f"The local currency is the {currency}."]),
            ]
            chosen = [sentences[0]] + rng.sample(sentences[1:], rng.randint(2, 4))
            if wrong and not any(self._mentions(s, wrong_part) for s in chosen):
                chosen.append(next(s for s in sentences if self._mentions(s, wrong_part)))
            if rng.random() < 0.4:  # small talk last: after "Football is popular there", "it" is unclear
                chosen.append(rng.choice(CHATTER).format(s=country.name))
            question = rng.choice([None, f"Tell me about {country.name}.", f"What do you know about {country.name}?"])
            self.add(question, " ".join(chosen), "contradicted" if wrong else "supported", "multi_sentence")

    @staticmethod
    def _mentions(sentence: str, part: str) -> bool:
        keywords = {"capital": "capital", "population": ("population", "inhabitants", "people live"),
                    "currency": ("currency", "uses the"), "language": ("language", "speak"),
                    "region": ("a country in", "located in")}[part]
        return any(k in sentence for k in ([keywords] if isinstance(keywords, str) else keywords))


def generate(seed: int = 13) -> list[dict]:
    generator = Generator(KnowledgeBase(ensure_default_kb()), seed)
    generator.true_and_false_facts(per_relation=24)
    generator.bare_answers(60)
    generator.outside_kb(90)
    generator.multi_sentence(120)
    handwritten = [json.loads(line) | {"origin": "handwritten"}
                   for line in HANDWRITTEN_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = generator.items + handwritten
    return [{"id": index, **item} for index, item in enumerate(items)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m validators.eval_set", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--output", type=Path, default=EVAL_SET_PATH)
    args = parser.parse_args(argv)
    items = generate(args.seed)
    with args.output.open("w", encoding="utf-8") as handle:
        for item in items:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    labels = {label: sum(item["label"] == label for item in items) for label in ("supported", "contradicted", "unverified")}
    print(f"wrote {len(items)} items to {args.output}: {labels}")


if __name__ == "__main__":
    main()
