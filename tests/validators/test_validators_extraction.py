import pytest

from validators.extraction import split_clauses, split_sentences


def claims_of(checker, text, question=None):
    return [(c.subject.text if c.subject else None, c.relation, c.value)
            for c in checker.extractor.extract(text, question)]


def test_sentences_keep_abbreviations_and_decimals():
    assert split_sentences("The capital is Washington, D.C. It has 0.7 million people. Done!") == [
        "The capital is Washington, D.C.", "It has 0.7 million people.", "Done!"]


def test_clauses_split_where_a_new_verb_starts():
    assert split_clauses("France's capital is Paris, and its population is 67 million") == [
        "France's capital is Paris", "its population is 67 million"]
    assert split_clauses("The official languages are French and German") == [
        "The official languages are French and German"]


def test_pronouns_resolve_to_the_previous_subject(checker):
    claims = claims_of(checker, "Japan is an island nation. Its capital is Tokyo. It has about 125 million people.")
    assert [(subject, relation) for subject, relation, _ in claims] == [("Japan", "capital"), ("Japan", "population")]


def test_the_country_means_the_latest_country_not_the_city(checker):
    claims = claims_of(checker, "Lima is the capital of Peru. The country's population is about 33 million.")
    assert claims[-1][:2] == ("Peru", "population")


def test_it_after_the_capital_of_x_is_y_means_the_city(checker):
    claims = claims_of(checker, "The capital of France is Paris. It has a population of about 2.1 million.")
    assert claims[1][:2] == ("Paris", "population")


def test_lists_become_one_claim_per_item(checker):
    claims = claims_of(checker, "The official languages of Belgium are Dutch, French and German.")
    assert claims == [("Belgium", "language", v) for v in ("Dutch", "French", "German")]


def test_question_supplies_the_missing_subject(checker):
    assert claims_of(checker, "Paris.", "What is the capital of France?") == [("France", "capital", "Paris")]
    assert claims_of(checker, "The capital is Lyon.", "What's the capital of France?") == [("France", "capital", "Lyon")]
    [(subject, relation, value)] = claims_of(checker, "About 125 million.", "How many people live in Japan?")
    assert (subject, relation) == ("Japan", "population")


def test_unknown_subject_is_kept_not_replaced_by_the_topic(checker):
    claims = claims_of(checker, "France is in Europe. Atlantis has a capital called Poseidonia. The capital of "
                                "Atlantis is Poseidonia.")
    assert claims[-1] == ("Atlantis", "capital", "Poseidonia")


def test_a_city_inside_a_country_name_is_not_the_country(checker):
    [claim] = claims_of(checker, "Mexico City has a population of 9 million.")
    assert claim[0] == "Mexico City"


def test_numbers_with_units_and_dates_are_not_confused(checker):
    claims = claims_of(checker, "In 2020, Canada had about 38 million people and covered 9.98 million km².")
    assert [(relation, value) for _, relation, value in claims] == [
        ("population", "about 38 million people"), ("area", "9.98 million km²")]


def test_sentences_without_a_relation_give_no_claims(checker):
    assert claims_of(checker, "Paris is a beautiful city. France has great food.") == []


def _claims(checker, text, question=None):
    return [(c.relation, c.claimed_value, c.subject, c.verdict) for c in checker.check(text, question).claims]


@pytest.mark.parametrize("text, relation, verdict", [
    ("Magnesium has atomic number twelve.", "atomic_number", "supported"),
    ("The atomic number of carbon is eight.", "atomic_number", "contradicted"),
    ("Neon is element number ten.", "atomic_number", "supported"),
    ("Brazil has about two hundred million people.", "population", "supported"),
])
def test_number_words_anywhere(checker, text, relation, verdict):
    assert [(r, v) for r, _, _, v in _claims(checker, text)] == [(relation, verdict)]


def test_number_words_elsewhere_are_not_claims(checker):
    assert _claims(checker, "Carbon is one of the most common elements and forms four bonds.") == []
    assert [v for *_, v in _claims(checker, "It's eight.", "What is the atomic number of oxygen?")] == ["supported"]


@pytest.mark.parametrize("text, expected", [
    ("Portugal uses the euro and has about 50 million people.", {"currency": "supported", "population": "contradicted"}),
    ("Japan's capital is Tokyo, and it uses the won.", {"capital": "supported", "currency": "contradicted"}),
    ("Egypt uses the pound and its capital is Alexandria.", {"currency": "supported", "capital": "contradicted"}),
])
def test_coordinated_claims(checker, text, expected):
    assert {r: v for r, _, _, v in _claims(checker, text)} == expected


def test_a_verb_led_clause_after_an_unknown_subject_stays_unknown(checker):
    claims = _claims(checker, "The capital of France is Paris and has about 2 million people.")
    assert ("population", "about 2 million people") not in [(r, v) for r, v, _, verdict in claims if verdict != "unverified"]


@pytest.mark.parametrize("text, relation, verdict", [
    ("Oxygen, with the symbol Ox, is a gas.", "symbol", "contradicted"),
    ("Iron, whose symbol is Fe, rusts easily.", "symbol", "supported"),
    ("Sydney, Australia's capital, is a harbour city.", "capital", "contradicted"),
    ("Japan, with about 26 million people, is an island nation.", "population", "contradicted"),
    ("Carbon, element number six, forms four bonds.", "atomic_number", "supported"),
])
def test_appositives(checker, text, relation, verdict):
    assert [(r, v) for r, _, _, v in _claims(checker, text)] == [(relation, verdict)]


@pytest.mark.parametrize("text, question, relation, verdict", [
    ("People there pay with the dollar.", "What currency does Germany use?", "currency", "contradicted"),
    ("In Sweden, people pay with the krona.", None, "currency", "supported"),
    ("Norway is home to 50 million people.", None, "population", "contradicted"),
    ("Most people in Brazil speak Spanish.", None, "language", "contradicted"),
    ("Its main language is German.", "Tell me about Austria.", "language", "supported"),
])
def test_paraphrased_relations(checker, text, question, relation, verdict):
    assert [(r, v) for r, _, _, v in _claims(checker, text, question)] == [(relation, verdict)]


# --- round 10: gapped lists, verbless pairs, paraphrases, corrections ----------------------------------
def test_a_verb_given_once_is_shared_by_every_later_pair(checker):
    assert claims_of(checker, "Denmark's currency is the krone, Sweden's the krona and Norway's the krone.") == [
        ("Denmark", "currency", "krone"), ("Sweden", "currency", "krona"), ("Norway", "currency", "krone")]
    assert [s for s, _, _ in claims_of(
        checker, "Russia covers roughly 17.1 million km², Canada 9.98 million km², and the United States "
                 "about 9.8 million km².")] == ["Russia", "Canada", "United States"]
    # a gap the rewrite does not take ("still") keeps each value with the subject right before it
    assert [s for s, _, _ in claims_of(checker, "Poland still uses the złoty, Hungary the forint and Romania the ban.")] \
        == ["Poland", "Hungary"]
    assert claims_of(checker, "Iron is Fe, lead Pb and tin Sn.")[1] == ("Lead", "symbol", "Pb")


def test_verbless_pairs_take_their_relation_from_the_values(checker):
    assert claims_of(checker, "Colombia – Bogotá; Ecuador – Guayaquil; Peru – Lima")[1] == (
        "Ecuador", "capital", "Guayaquil")
    assert ("Tin", "symbol", "Sb") in claims_of(checker, "Fe = iron, Pb = lead, Sb = tin, W = tungsten")
    assert ("rubidium", "atomic_number", "38") in claims_of(checker, "lithium (Li, 3), sodium (Na, 11), rubidium (Rb, 38)")
    assert [r for _, r, _ in claims_of(checker, "helium 2, neon 10, argon 18")] == ["atomic_number"] * 3


def test_round_10_paraphrases_corrections_and_attribution(checker):
    assert checker.check("In Sweden you pay with kronor.").verdict == "supported"
    assert checker.check("Silver is written with the letters Au.").verdict == "contradicted"
    assert checker.check("Vietnam's capital is Hanoi, and the currency is the đồng.").verdict == "supported"
    assert checker.check("Myanmar's capital is no longer Yangon; since 2006 it has been Naypyidaw.").verdict == "supported"
    assert checker.check("Nigeria's capital is no longer Abuja; since 1991 it has been Lagos.").verdict == "contradicted"
    people = claims_of(checker, "Peru has a population of roughly 34 million people, close to a third of whom live "
                                "in the Lima metropolitan area.")
    assert people == [("Peru", "population", "roughly 34 million people")]
