"""Round 6: lists (a verb shared by a run of pairs, "respectively", headless bullets, element names that are
also words, one wrong item found), negations ("isn't", "neither ... nor", "but it isn't", "X is not Y;
Z is"), and people nouns that are not adjective + "s" ("Danes", "the Swiss"). True/false pairs check the
claim is read about the right subject and judged; look-alikes must stay unverified."""

import pytest


def read(checker, text, question=None):
    result = checker.check(text, question)
    return result.verdict, sorted((c.subject, c.relation, c.claimed_value, c.verdict) for c in result.claims)


PAIRS = [
    # lists
    ("Chile uses the peso, Peru the sol and Brazil the real.", "Chile uses the peso, Peru the sol and Brazil the euro."),
    ("The capitals of Kenya and Uganda are Nairobi and Kampala, respectively.",
     "The capitals of Kenya and Uganda are Kampala and Nairobi, respectively."),
    ("Helium, neon and argon have atomic numbers 2, 10 and 18, respectively.",
     "Helium, neon and argon have atomic numbers 2, 10 and 20, respectively."),
    ("- Peru: Lima\n- Chile: Santiago\n- Ecuador: Quito", "- Peru: Lima\n- Chile: Valparaiso\n- Ecuador: Quito"),
    ("Symbols: copper Cu, tin Sn, lead Pb.", "Symbols: copper Cu, tin Ti, lead Pb."),
    # negations
    ("Munich is not the capital of Germany.", "Berlin is not the capital of Germany."),
    ("Norway doesn't use the euro.", "Spain doesn't use the euro."),
    ("Neither Denmark nor Sweden uses the euro.", "Neither Spain nor Italy uses the euro."),
    ("Some think Auckland is New Zealand's capital, but it isn't - Wellington is.",
     "Some think Wellington is New Zealand's capital, but it isn't - Auckland is."),
    ("The symbol of gold is not Ag; it is Au.", "The symbol of gold is not Au; it is Ag."),
    # people nouns
    ("Danes pay with the krone.", "Danes pay with the euro."),
    ("The Swiss pay with the franc.", "The Swiss pay with the euro."),
    ("Finns pay with the euro.", "Finns pay with the krona."),
]


@pytest.mark.parametrize("true,false", PAIRS)
def test_true_is_supported_and_false_is_contradicted(checker, true, false):
    assert read(checker, true)[0] == "supported", read(checker, true)
    assert read(checker, false)[0] == "contradicted", read(checker, false)


def test_gapped_list_reads_each_pair_about_its_own_country(checker):
    _, claims = read(checker, "Sweden uses the krona, Norway the krone and Denmark the euro.")
    assert [(s, v) for s, _, _, v in claims] == [("Denmark", "contradicted"), ("Norway", "supported"),
                                                 ("Sweden", "supported")]


def test_correction_after_denial_is_not_negated(checker):
    _, claims = read(checker, "Sydney is not the capital of Australia, Canberra is.")
    assert ("Australia", "capital", "Canberra", "supported") in claims
    assert ("Australia", "capital", "Sydney", "supported") in claims  # the true denial


def test_list_skips_unknown_items_under_a_heading(checker):
    verdict, claims = read(checker, "Capitals: Narnia (Cair Paravel), Peru (Lima), Chile (Santiago).")
    assert verdict == "supported" and len(claims) == 2


@pytest.mark.parametrize("text", [
    "Good leaders lead from the front, and tin roofs rust in the rain.",
    "Favourite foods: Peru (ceviche), Japan (sushi), Italy (pasta).",
    "I visited Peru, Chile and Bolivia, respectively in 2019, 2020 and 2021.",
    "I'm not sure what the capital of Laos is.",
    "The Swiss parliament meets in a lovely building.",
    "Poles and Turks met in Berlin.",
    "Sydney is not a small city, Melbourne is.",
])
def test_look_alikes_stay_unverified(checker, text):
    assert read(checker, text)[0] == "unverified", read(checker, text)
