"""Issue 14, round 5: claims that were not read. Appositives (a ranking inside one names a group, not the
owner; "the Turkish capital"; a region placed after the subject), lists and enumerations (subject-first items,
"and" before the last item, "lithium 3", "silver is Ag", symbols as subjects), coordinated clauses (an elided
"people"; a lowercase subject after "while"; "... is spoken there"), number words after "a mass of", and
paraphrased relations ("is where X's government sits", "pay for groceries with"). Each true/false pair checks
that the claim is read about the right subject and judged; the look-alikes must stay unverified."""

import pytest


def read(checker, text, question=None):
    result = checker.check(text, question)
    return result.verdict, sorted((c.subject, c.relation, c.verdict) for c in result.claims)


PAIRS = [
    # appositives
    ("Nigeria, with about 220 million people, is Africa's most populous country.",
     "Nigeria, with about 20 million people, is Africa's most populous country.", "Nigeria", "population"),
    ("Brazil, with roughly 210 million people, is South America's largest nation.",
     "Brazil, with roughly 21 million people, is South America's largest nation.", "Brazil", "population"),
    ("Ankara, the Turkish capital, lies inland.", "Izmir, the Turkish capital, lies on the coast.", "Turkish", "capital"),
    ("Ottawa, the Canadian capital city, is in Ontario.", "Toronto, the Canadian capital city, is in Ontario.",
     "Canadian", "capital"),
    ("Peru, in South America, uses the sol.", "Peru, in Western Europe, uses the sol.", "Peru", "region"),
    ("Mongolia, an Asian country, uses the tugrik.", "Mongolia, an African country, uses the tugrik.", "Mongolia", "region"),
    # coordinated clauses
    ("Kenya has about 55 million people and Uganda about 45 million.",
     "Kenya has about 55 million people and Uganda about 4 million.", "Uganda", "population"),
    ("Spain has about 48 million people, while Portugal has roughly 10 million.",
     "Spain has about 48 million people, while Portugal has roughly 60 million.", "Portugal", "population"),
    ("Sodium is a soft metal, while potassium has atomic number 19.",
     "Sodium is a soft metal, while potassium has atomic number 20.", "potassium", "atomic_number"),
    ("Chile uses the peso, and Spanish is spoken there.", "Chile uses the peso, and Swahili is spoken there.",
     "Chile", "language"),
    # number words after a plain "a mass of"
    ("Lead has a mass of about two hundred and seven.", "Lead has a mass of about ninety.", "Lead", "atomic_mass"),
    ("Iron has a weight of roughly 56.", "Iron has a weight of roughly 90.", "Iron", "atomic_mass"),
    # paraphrased relations
    ("Rabat is where Morocco's government sits.", "Marrakesh is where Morocco's government sits.", "Morocco", "capital"),
    ("The government of Vietnam sits in Hanoi.", "The government of Vietnam sits in Saigon.", "Vietnam", "capital"),
    ("Chileans pay for groceries with the peso.", "Chileans pay for groceries with the real.", "Chileans", "currency"),
]


@pytest.mark.parametrize("true, false, subject, relation", PAIRS)
def test_claim_is_read_about_its_subject(checker, true, false, subject, relation):
    verdict, claims = read(checker, true)
    assert verdict == "supported" and (subject, relation, "supported") in claims, claims
    verdict, claims = read(checker, false)
    assert verdict == "contradicted" and (subject, relation, "contradicted") in claims, claims


# --- lists and enumerations ----------------------------------------------------------------------------------
LISTS = [
    ("The capitals are Peru (Lima), Chile (Santiago) and Ecuador (Quito).",
     "The capitals are Peru (Lima), Chile (Valparaiso) and Ecuador (Quito).", "Chile", "capital"),
    ("Currencies: Poland (zloty), Hungary (forint), Sweden (krona).",
     "Currencies: Poland (zloty), Hungary (euro), Sweden (krona).", "Hungary", "currency"),
    ("Capital cities: Oslo for Norway, Helsinki for Finland.", "Capital cities: Oslo for Norway, Turku for Finland.",
     "Finland", "capital"),
    ("Atomic numbers: carbon 6, nitrogen 7, fluorine 9.", "Atomic numbers: carbon 6, nitrogen 8, fluorine 9.",
     "nitrogen", "atomic_number"),
    ("Symbols: copper is Cu, silver is Ag.", "Symbols: copper is Cu, silver is Au.", "silver", "symbol"),
    ("Atomic numbers:\n- He (2)\n- Ar (18)\n- Kr (36)", "Atomic numbers:\n- He (2)\n- Ar (18)\n- Kr (34)",
     "Krypton", "atomic_number"),
]


@pytest.mark.parametrize("true, false, subject, relation", LISTS)
def test_each_list_item_is_a_claim(checker, true, false, subject, relation):
    verdict, claims = read(checker, true)
    assert verdict == "supported" and len(claims) >= 2 and all(v == "supported" for _, _, v in claims), claims
    verdict, claims = read(checker, false)
    assert verdict == "contradicted" and (subject, relation, "contradicted") in claims, claims


# --- look-alikes: no claim, or not about the container --------------------------------------------------------
@pytest.mark.parametrize("text", [
    "Last year we toured France (Lyon), Italy (Milan) and Spain (Seville).",  # no relation named
    "Sydney, the Olympic host city of 2000, has lovely beaches.",  # "Olympic" is no country's adjective
    "Lagos, Nigeria's biggest city, is a busy port.",
    "The Swiss parliament meets in a grand building.",
    "Uranium has a critical mass of about 52 kilograms.",
    "Japan has about 125 million people, and Toyota sold 10 million cars.",
    "In 2010, in Europe, many countries used the euro.",
])
def test_look_alikes_stay_unverified(checker, text):
    verdict, claims = read(checker, text)
    assert verdict != "contradicted", claims


def test_ranking_possessor_is_not_the_subject(checker):
    _, claims = read(checker, "India, with about 1.4 billion people, is Asia's most populous nation.")
    assert ("India", "population", "supported") in claims and not any(s == "Asia" for s, _, _ in claims)


def test_language_named_before_spoken_there_is_not_a_country(checker):
    """"Dutch is spoken there": "Dutch" is the value, not the Netherlands' adjective owning it."""
    _, claims = read(checker, "Austria uses the euro and Dutch is spoken there.")
    assert ("Austria", "language", "contradicted") in claims
