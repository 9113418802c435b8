"""Tables and labelled lines rewritten as sentences (validators.layout), and the shapes of the independent
dev set (dev_v3) read end to end: records, fragments, coordinated subjects, comparisons."""

import pytest

from validators.layout import (header_relation, heading_relation, labelled_lines_to_sentences,
                               list_items_to_sentences, respectively_to_sentences, tables_to_sentences)


def test_markdown_table_with_relation_header_becomes_one_sentence_per_cell():
    text = "| Country | Currency |\n|---|---|\n| Japan | yen |\n| India | rupee |"
    assert tables_to_sentences(text).split("\n") == ["The currency of Japan is the yen.",
                                                     "The currency of India is the rupee."]


def test_table_without_relation_header_is_left_as_rows():
    assert tables_to_sentences("Si | 14 | 28.085") == "Si | 14 | 28.085"
    assert tables_to_sentences("| Name | Age |\n| Ann | 4 |") == "Name | Age\nAnn | 4"


@pytest.mark.parametrize("cell, relation", [("Capital city", "capital"), ("Atomic number", "atomic_number"),
                                            ("**Continent**", "region"), ("Area (km²)", "area"), ("Name", None)])
def test_header_relation(cell, relation):
    assert header_relation(cell) == relation


def test_labelled_lines_need_two_relation_labels():
    text = "**Capital:** Nairobi\n**Continent:** Africa"
    assert labelled_lines_to_sentences(text) == "Its capital is Nairobi.\nIt is in Africa."
    assert labelled_lines_to_sentences("Note: Paris is lovely.") == "Note: Paris is lovely."


@pytest.mark.parametrize("question, answer, verdict", [
    (None, "Country | Capital\nNorway | Oslo\nPeru | Lima", "supported"),
    (None, "Country | Capital\nNorway | Oslo\nSwitzerland | Zurich", "contradicted"),
    (None, "| Element | Symbol |\n|---|---|\n| Silver | Ag |\n| Tin | Ti |", "contradicted"),
    ("give me silicon's basics", "Si | 14 | 28.085", "supported"),
    ("give me silicon's basics", "Si | 41 | 28.085", "contradicted"),
    ("symbol and number for silver?", "Silver - Ag, number 47.", "supported"),
    ("sulfur?", "sulfur = S, 16", "supported"),
    (None, "The capitals are: Peru - Lima, Chile - Valparaíso, Colombia - Bogotá.", "contradicted"),
    ("Which continent is Mongolia in?", "Asia - it's landlocked between Russia and China.", "supported"),
    ("Which continent is Peru in?", "Europe - it borders Chile.", "contradicted"),
    ("How many people live in Iceland?", "Roughly 390,000 - one of the least populous countries.", "supported"),
    ("Where's Uruguay?", "South America; the capital's Montevideo.", "supported"),
    ("Where's Uruguay?", "It's in Central Asia, next to Uzbekistan.", "contradicted"),
    ("Is Sydney the capital of Australia?", "Nope, it's Canberra. Sydney is just the largest city.", "supported"),
    (None, "Vienna is the Swiss capital.", "contradicted"),
    (None, "People in Brazil speak Vietnamese.", "contradicted"),
    (None, "Norway, Sweden and Finland all use the euro.", "contradicted"),
    (None, "France and Germany both use the euro.", "supported"),
    (None, "Chile is long and thin; Santiago is its capital and it has roughly 19 million people.", "supported"),
])
def test_layout_and_fragment_shapes(checker, question, answer, verdict):
    assert checker.check(answer, question).verdict == verdict


@pytest.mark.parametrize("answer", [
    "India and China have about 2.8 billion people combined.",  # a sum, not each one's population
    "Norway, Sweden and Finland all share a long coastline.",  # "all" is no currency code (ALL, the lek)
    "The capital's Old Town is lovely.",  # a possessive, not "the capital is Old Town"
    "Nigeria, with about 220 million people, has far more people than Ghana, which has about 34 million.",
])
def test_true_or_unreadable_statements_are_never_contradicted(checker, answer):
    assert checker.check(answer, "Tell me about Prague").verdict != "contradicted"


# --- lists about one relation --------------------------------------------------------------------------------

KNOWN = {"Peru", "Chile", "Norway", "Sweden", "Brazil"}.__contains__


def test_heading_names_the_relation_of_an_inline_list():
    text = "Nordic capitals: Oslo (Norway), Stockholm (Sweden)."
    assert list_items_to_sentences(text, None, KNOWN) == \
        "Nordic capitals: The capital of Norway is Oslo. The capital of Sweden is Stockholm."


def test_question_relation_applies_to_bulleted_items():
    text = "Sure:\n- Peru: Lima\n- Chile: Santiago"
    out = list_items_to_sentences(text, "capital", KNOWN)
    assert "The capital of Peru is Lima." in out and "The capital of Chile is Santiago." in out


def test_list_needs_two_items_about_known_subjects():
    assert list_items_to_sentences("Note: Peru is lovely.", "capital", KNOWN) == "Note: Peru is lovely."
    assert list_items_to_sentences("Tips: Hats: yes\nShoes: no", "capital", KNOWN) == "Tips: Hats: yes\nShoes: no"
    assert list_items_to_sentences("- Peru: Lima\n- Chile: Santiago", None, KNOWN) == "- Peru: Lima\n- Chile: Santiago"


def test_heading_relation_is_one_relation_or_none():
    assert heading_relation("Population quick guide") == "population"
    assert heading_relation("Capitals and currencies") is None
    assert heading_relation("Travel tips") is None


# --- list item shapes ----------------------------------------------------------------------------------------
def test_subject_first_items_and_a_final_and():
    text = "The capitals are Peru (Lima), Chile (Santiago) and Brazil (Brasilia)."
    assert list_items_to_sentences(text, None, KNOWN) == ("The capitals are: The capital of Peru is Lima. The capital "
                                                          "of Chile is Santiago. The capital of Brazil is Brasilia.")


def test_value_for_subject_is_and_number_items():
    assert list_items_to_sentences("Capitals: Lima for Peru, Santiago for Chile", None, KNOWN) == \
        "Capitals: The capital of Peru is Lima. The capital of Chile is Santiago."
    assert list_items_to_sentences("Currencies: Peru is sol, Chile is peso", None, KNOWN) == \
        "Currencies: The currency of Peru is the sol. The currency of Chile is the peso."
    assert list_items_to_sentences("Populations: Peru 33 million, Chile about 19 million", None, KNOWN) == \
        "Populations: The population of Peru is 33 million. The population of Chile is about 19 million."
    # a bare number is an item only for a numeric relation
    assert list_items_to_sentences("Capitals: Peru 33, Chile 19", None, KNOWN) == "Capitals: Peru 33, Chile 19"


def test_subject_callback_may_rename_the_subject():
    names = {"He": "Helium", "Ne": "Neon"}.get
    assert list_items_to_sentences("Atomic numbers:\n- He (2)\n- Ne (10)", None, names) == \
        "Atomic numbers:\nThe atomic number of Helium is 2.\nThe atomic number of Neon is 10."


def test_lead_in_without_a_relation_or_with_an_unknown_item_is_left_alone():
    text = "We visited Peru (Lima), Chile (Santiago) and Brazil (Rio)."
    assert list_items_to_sentences(text, None, KNOWN) == text
    text = "The capitals are Peru (Lima), Atlantis (Poseidonia)."
    assert list_items_to_sentences(text, None, KNOWN) == text


# --- "respectively", headless bullets, symbol items -----------------------------------------------------------

_KNOWN = {"Chile", "Peru", "Spain", "France", "tin", "lead"}


def _known(name):
    return name in _KNOWN


def _capital_value(value, subject=None):
    return "capital" if value in {"Santiago", "Lima", "Madrid", "Paris"} else None


def test_respectively_pairs_subjects_and_values_in_order():
    out = respectively_to_sentences("The capitals of Chile and Peru are Santiago and Lima, respectively.", _known)
    assert out == "The capital of Chile is Santiago; The capital of Peru is Lima."


def test_respectively_with_unequal_runs_reads_nothing():
    # Read whole, the sentence would pair values with the wrong subjects: nothing is read instead.
    text = "The capitals of Chile and Peru are Santiago, Lima and Quito, respectively."
    assert respectively_to_sentences(text, _known) == ""


def test_headless_bullets_take_the_relation_of_their_values():
    out = list_items_to_sentences("- France: Paris\n- Spain: Madrid", None, _known, _capital_value)
    assert out.split("\n") == ["The capital of France is Paris.", "The capital of Spain is Madrid."]


def test_headless_bullets_with_unknown_values_are_left_alone():
    text = "- France: croissants\n- Spain: paella"
    assert list_items_to_sentences(text, None, _known, _capital_value) == text


def test_symbol_items_written_name_then_symbol():
    out = list_items_to_sentences("Symbols: tin Sn, lead Pb.", None, _known)
    assert "The symbol of tin is Sn." in out and "The symbol of lead is Pb." in out


# --- lists, bullets and "respectively" read end to end: true supported, false contradicted ---------------------
@pytest.mark.parametrize("true, false", [
    # "respectively": subjects and values paired in order, one or two relations
    ("The capitals of Kenya and Uganda are Nairobi and Kampala, respectively.",
     "The capitals of Kenya and Uganda are Kampala and Nairobi, respectively."),
    ("Helium, neon and argon have atomic numbers 2, 10 and 18, respectively.",
     "Helium, neon and argon have atomic numbers 2, 10 and 20, respectively."),
    ("Helium, neon and argon have the symbols He, Ne and Ar, with atomic numbers 2, 10 and 18 respectively.",
     "Helium, neon and argon have the symbols He, Ne and Ar, with atomic numbers 2, 10 and 36 respectively."),
    ("Japan, India and Mexico use the yen, the rupee and the peso respectively.",
     "Japan, India and Mexico use the yen, the peso and the rupee respectively."),
    # headless bullets and symbol items; a symbol-shaped cell that is no symbol
    ("- Peru: Lima\n- Chile: Santiago\n- Ecuador: Quito", "- Peru: Lima\n- Chile: Valparaiso\n- Ecuador: Quito"),
    ("Symbols: copper Cu, tin Sn, lead Pb.", "Symbols: copper Cu, tin Ti, lead Pb."),
    ("- Potassium: K, atomic number 19", "- Potassium: Po, atomic number 19"),
])
def test_list_true_is_supported_and_false_is_contradicted(read, true, false):
    assert read(true)[0] == "supported", read(true)
    assert read(false)[0] == "contradicted", read(false)


# lists and enumerations: each item is a claim, and the wrong one is found about its own subject
@pytest.mark.parametrize("true, false, subject, relation", [
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
])
def test_each_list_item_is_a_claim(read, true, false, subject, relation):
    verdict, claims = read(true)
    assert verdict == "supported" and len(claims) >= 2 and all(v == "supported" for _, _, v in claims), claims
    verdict, claims = read(false)
    assert verdict == "contradicted" and (subject, relation, "contradicted") in claims, claims


# lists under a heading: unknown items are skipped
def test_list_skips_unknown_items_under_a_heading(read):
    verdict, claims = read("Capitals: Narnia (Cair Paravel), Peru (Lima), Chile (Santiago).")
    assert verdict == "supported" and len(claims) == 2


# lists under a region heading: the region is not the subject
@pytest.mark.parametrize("text, verdict", [
    ("Currencies of East Asia: Japan uses the yen, South Korea the won, and Mongolia the yuan.", "contradicted"),
    ("Capitals of Northern Europe: Norway has Oslo, Finland has Helsinki.", "supported"),
])
def test_region_heading_list_verdicts(checker, text, verdict):
    assert checker.check(text).verdict == verdict


def test_region_heading_is_not_the_subject(read):
    _, claims = read("Currencies of East Asia: Japan uses the yen, South Korea the won, and Mongolia the yuan.",
                     fields=("subject", "claimed_value", "verdict"))
    assert {(subject, value): verdict for subject, value, verdict in claims} == {
        ("Japan", "yen"): "supported", ("South Korea", "won"): "supported", ("Mongolia", "yuan"): "contradicted"}


# "respectively": several relations paired in order; unequal counts read nothing
def test_respectively_pairs_each_relation_in_order(read):
    _, claims = read("The noble gases neon, argon and krypton have the symbols Ne, Ar and Kr, "
                     "with atomic numbers 10, 18 and 36 respectively.",
                     fields=("subject", "relation", "claimed_value", "verdict"))
    assert [(s.lower(), r, v) for s, r, v, _ in claims] == [
        ("argon", "atomic_number", "18"), ("argon", "symbol", "Ar"), ("krypton", "atomic_number", "36"),
        ("krypton", "symbol", "Kr"), ("neon", "atomic_number", "10"), ("neon", "symbol", "Ne")]
    assert all(verdict == "supported" for *_, verdict in claims)


def test_respectively_with_fewer_values_than_subjects_reads_nothing():
    assert respectively_to_sentences("Chile, Peru and Bolivia have capitals Santiago and Lima respectively.",
                                     lambda name: True) == ""
    text = "Chile and Peru are lovely."
    assert respectively_to_sentences(text, lambda name: True) == text


# round 11: interjection before a list, comma pairs between semicolons, square brackets, a value's other name
@pytest.mark.parametrize("text, wrong", [
    ("Sure! Norway – Oslo; Denmark – Copenhagen; Finland – Stockholm", {"Finland"}),
    ("The capitals are: Ghana, Accra; Senegal, Dakar; Uganda, Kampala", set()),
    ("Middle East capitals: Saudi Arabia [Riyadh], UAE [Dubai], Qatar [Doha]", {"UAE"}),
    ("Japan – yen, China – renminbi (yuan), India – rupee", set()),
])
def test_list_shapes_of_round_11(read, text, wrong):
    verdict, claims = read(text, fields=("subject", "verdict"))
    assert len(claims) == 3 and {s for s, v in claims if v == "contradicted"} == wrong, claims
    assert all(v == "supported" for s, v in claims if s not in wrong)
