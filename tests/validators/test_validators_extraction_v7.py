"""Round 7: a negation's scope ends at a dash, colon, semicolon or "but" (the correction after it is a plain
claim), "respectively" with several relations paired in order, people nouns of multi-word and shared
demonyms, "The" before a country's full name, symbol-shaped cells that are no symbol, "isn't X, it's Y",
and "tin" as an element next to an element relation. True/false pairs check the claim is read about the right
subject and judged; look-alikes must stay unverified."""

import pytest

from validators.layout import respectively_to_sentences


def read(checker, text, question=None):
    result = checker.check(text, question)
    return result.verdict, sorted((c.subject, c.relation, c.claimed_value, c.verdict) for c in result.claims)


PAIRS = [
    # negation scope ends at a clause break
    ("Almaty is no longer Kazakhstan's capital — the government moved to Astana in 1997.",
     "Almaty is no longer Kazakhstan's capital — the government moved to Tashkent in 1997."),
    ("Neither Auckland nor Christchurch is New Zealand's capital – the capital is Wellington.",
     "Neither Auckland nor Christchurch is New Zealand's capital – the capital is Dunedin."),
    ("Istanbul is not Turkey's capital: the capital is Ankara.", "Istanbul is not Turkey's capital: the capital is Izmir."),
    ("Mumbai isn't the capital of India; that honour belongs to New Delhi.",
     "Mumbai isn't the capital of India; that honour belongs to Kolkata."),
    ("El Salvador has no currency of its own - it uses the US dollar.",
     "El Salvador has no currency of its own - it uses the euro."),
    # denial + correction
    ("Brazil's capital isn't Rio de Janeiro, it's Brasília.", "Brazil's capital isn't Brasília, it's Rio de Janeiro."),
    # respectively, two relations
    ("Helium, neon and argon have the symbols He, Ne and Ar, with atomic numbers 2, 10 and 18 respectively.",
     "Helium, neon and argon have the symbols He, Ne and Ar, with atomic numbers 2, 10 and 36 respectively."),
    ("Japan, India and Mexico use the yen, the rupee and the peso respectively.",
     "Japan, India and Mexico use the yen, the peso and the rupee respectively."),
    # people nouns, "The" + full name, element words
    ("Norwegians pay with the krone.", "Norwegians pay with the euro."),
    ("New Zealanders pay with the dollar.", "New Zealanders pay with the euro."),
    ("The Republic of the Congo has its capital at Brazzaville.", "The Democratic Republic of the Congo has its capital at Brazzaville."),
    ("The symbol for tin is Sn.", "The symbol for tin is Ti."),
    ("- Potassium: K, atomic number 19", "- Potassium: Po, atomic number 19"),
]


@pytest.mark.parametrize("true,false", PAIRS)
def test_true_is_supported_and_false_is_contradicted(checker, true, false):
    assert read(checker, true)[0] == "supported", read(checker, true)
    assert read(checker, false)[0] == "contradicted", read(checker, false)


@pytest.mark.parametrize("text", [
    "Sydney is not the capital of Australia - the capital is Canberra.",
    "Bonn is no longer Germany's capital — the government moved to Berlin in 1999.",
    "Italy does not use the lira; it uses the euro.",
    "Spain does not use the peso, but the euro.",
])
def test_correction_after_a_clause_break_is_not_negated(checker, text):
    verdict, claims = read(checker, text)
    assert verdict == "supported", claims
    assert all(verdict != "contradicted" for *_, verdict in claims)


def test_respectively_pairs_each_relation_in_order(checker):
    _, claims = read(checker, "The noble gases neon, argon and krypton have the symbols Ne, Ar and Kr, "
                              "with atomic numbers 10, 18 and 36 respectively.")
    assert [(s.lower(), r, v) for s, r, v, _ in claims] == [
        ("argon", "atomic_number", "18"), ("argon", "symbol", "Ar"), ("krypton", "atomic_number", "36"),
        ("krypton", "symbol", "Kr"), ("neon", "atomic_number", "10"), ("neon", "symbol", "Ne")]
    assert all(verdict == "supported" for *_, verdict in claims)


def test_respectively_with_unequal_counts_reads_nothing():
    assert respectively_to_sentences("Chile, Peru and Bolivia have capitals Santiago and Lima respectively.",
                                     lambda name: True) == ""
    text = "Chile and Peru are lovely."
    assert respectively_to_sentences(text, lambda name: True) == text


def test_gapped_list_judges_each_item_against_its_own_country(checker):
    _, claims = read(checker, "Thailand uses the baht, Vietnam the riel, Indonesia the rupiah.")
    assert [(s, v) for s, _, _, v in claims] == [("Indonesia", "supported"), ("Thailand", "supported"),
                                                 ("Vietnam", "contradicted")]


@pytest.mark.parametrize("text", [
    "Chile, Peru and Bolivia have capitals Santiago and Lima respectively.",
    "We bought a tin of beans and a lead pencil.",
    "Norwegians love skiing in winter.",
    "The Democratic Republic of the Congo has many rivers.",
    "I'm not sure Lagos is the capital - I would have to check.",
])
def test_look_alikes_stay_unverified(checker, text):
    assert read(checker, text)[0] == "unverified", read(checker, text)
