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


@pytest.mark.parametrize("text, verdicts", [
    # an epithet describes the place; the name before it is the claim
    ("Paris, known as the City of Light, is the capital of France.", ["supported"]),
    ("Rome, often called the Eternal City, is the capital of Italy.", ["supported"]),
    ("Sydney, nicknamed the Harbour City, is the capital of Australia.", ["contradicted"]),
    # "The City of X" is an epithet, "the city of X" a place
    ("The capital of France is The City of Light.", []),
    ("The capital of France is the City of Paris.", ["supported"]),
    ("The capital of France is the city of Lyon.", ["contradicted"]),
])
def test_epithets_are_not_values(checker, text, verdicts):
    assert [v for r, _, _, v in _claims(checker, text) if r == "capital"] == verdicts


@pytest.mark.parametrize("text, question, relation, verdict", [
    ("People there pay with the dollar.", "What currency does Germany use?", "currency", "contradicted"),
    ("In Sweden, people pay with the krona.", None, "currency", "supported"),
    ("Norway is home to 50 million people.", None, "population", "contradicted"),
    ("Most people in Brazil speak Spanish.", None, "language", "contradicted"),
    ("Its main language is German.", "Tell me about Austria.", "language", "supported"),
])
def test_paraphrased_relations(checker, text, question, relation, verdict):
    assert [(r, v) for r, _, _, v in _claims(checker, text, question)] == [(relation, verdict)]


# --- gapped lists, verbless pairs, paraphrases, corrections -------------------------------------------
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


def test_paraphrases_corrections_and_attribution(checker):
    assert checker.check("In Sweden you pay with kronor.").verdict == "supported"
    assert checker.check("Silver is written with the letters Au.").verdict == "contradicted"
    assert checker.check("Vietnam's capital is Hanoi, and the currency is the đồng.").verdict == "supported"
    assert checker.check("Myanmar's capital is no longer Yangon; since 2006 it has been Naypyidaw.").verdict == "supported"
    assert checker.check("Nigeria's capital is no longer Abuja; since 1991 it has been Lagos.").verdict == "contradicted"
    people = claims_of(checker, "Peru has a population of roughly 34 million people, close to a third of whom live "
                                "in the Lima metropolitan area.")
    assert people == [("Peru", "population", "roughly 34 million people")]


# --- a claim read about the right subject: true supported, false contradicted, with that subject and relation ---
SUBJECT_PAIRS = [
    # relative clauses attach to their head noun
    ("Japan, which uses the yen, is an island nation.", "Japan, which uses the won, is an island nation.",
     "Japan", "currency"),
    ("Peru, whose capital is Lima, is in South America.", "Peru, whose capital is Bogota, is in South America.",
     "Peru", "capital"),
    ("Egypt, where people speak Arabic, is in Africa.", "Egypt, where people speak Swahili, is in Africa.",
     "Egypt", "language"),
    ("Thailand, a country that uses the baht, is popular.", "Thailand, a country that uses the ringgit, is popular.",
     "Thailand", "currency"),
    ("Germany, which has its capital in Berlin, is in Europe.", "Germany, which has its capital in Munich, is in Europe.",
     "Germany", "capital"),
    ("The capital of Peru, which is Lima, is big.", "The capital of Peru, which is Quito, is big.", "Peru", "capital"),
    ("We flew to Japan, which uses the yen.", "We flew to Japan, which uses the won.", "Japan", "currency"),
    ("France borders Spain, which uses the euro.", "France borders Spain, which uses the peso.", "Spain", "currency"),
    ("Paris, which is the capital of France, is lovely.", "Lyon, which is the capital of France, is lovely.",
     "France", "capital"),
    ("Pakistan, whose capital is Islamabad, borders India.", "Pakistan, whose capital is Karachi, borders India.",
     "Pakistan", "capital"),
    # appositives: a count of people, a demonym's capital, a region placed after the subject
    ("Nigeria, with about 220 million people, is Africa's most populous country.",
     "Nigeria, with about 20 million people, is Africa's most populous country.", "Nigeria", "population"),
    ("Brazil, with roughly 210 million people, is South America's largest nation.",
     "Brazil, with roughly 21 million people, is South America's largest nation.", "Brazil", "population"),
    ("Ankara, the Turkish capital, lies inland.", "Izmir, the Turkish capital, lies on the coast.", "Turkish", "capital"),
    ("Ottawa, the Canadian capital city, is in Ontario.", "Toronto, the Canadian capital city, is in Ontario.",
     "Canadian", "capital"),
    ("Peru, in South America, uses the sol.", "Peru, in Western Europe, uses the sol.", "Peru", "region"),
    ("Mongolia, an Asian country, uses the tugrik.", "Mongolia, an African country, uses the tugrik.", "Mongolia", "region"),
    # demonym owners
    ("The Canadian capital is Ottawa.", "The Canadian capital is Toronto.", "Canadian", "capital"),
    ("The Mexican currency is the peso.", "The Mexican currency is the real.", "Mexican", "currency"),
    # coordinated clauses: an elided "people", a lowercase subject after "while", "... is spoken there"
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
    ("Brazil's seat of government is Brasília.", "Brazil's seat of government is Rio de Janeiro.", "Brazil", "capital"),
    ("Prices in India are in rupees.", "Prices in India are in dinars.", "India", "currency"),
    ("Peru lies on the west coast of South America.", "Peru lies on the west coast of Africa.", "Peru", "region"),
    ("The number of people living in Spain is about 48 million.",
     "The number of people living in Spain is about 480 million.", "Spain", "population"),
]


@pytest.mark.parametrize("true, false, subject, relation", SUBJECT_PAIRS)
def test_claim_is_read_about_its_subject(read, true, false, subject, relation):
    verdict, claims = read(true)
    assert verdict == "supported" and (subject, relation, "supported") in claims, claims
    verdict, claims = read(false)
    assert verdict == "contradicted" and (subject, relation, "contradicted") in claims, claims


# relative clauses: the main clause is read too
def test_relative_clause_keeps_the_main_clause(read):
    verdict, claims = read("Japan, which uses the yen, has about 300 million people.")
    assert verdict == "contradicted"
    assert ("Japan", "currency", "supported") in claims and ("Japan", "population", "contradicted") in claims


# appositives: a ranking names a group, not the subject; a count of people is a population
def test_ranking_possessor_is_not_the_subject(read):
    _, claims = read("India, with about 1.4 billion people, is Asia's most populous nation.")
    assert ("India", "population", "supported") in claims and not any(s == "Asia" for s, _, _ in claims)


def test_a_count_of_people_in_an_appositive_is_a_population(read):
    _, claims = read("Thailand, with nearly 720 million inhabitants, uses the baht.")
    assert claims == [("Thailand", "currency", "supported"), ("Thailand", "population", "contradicted")]
    _, claims = read("South Korea's roughly 52 million citizens use the won.")
    assert claims == [("South Korea", "currency", "supported"), ("South Korea", "population", "supported")]


# coordinated clauses: "X is spoken there" is about the country before it
def test_language_named_before_spoken_there_is_not_a_country(read):
    """"Dutch is spoken there": "Dutch" is the value, not the Netherlands' adjective owning it."""
    _, claims = read("Austria uses the euro and Dutch is spoken there.")
    assert ("Austria", "language", "contradicted") in claims


# regions: a comparison names no region
def test_comparisons_name_no_region(read):
    assert read("Australia is bigger than any country in Europe.") == ("unverified", [])
    assert read("Hungary is in Central Europe.")[0] == "supported"


# paraphrased relations (WordNet lexicon and phrasal cues): the relation is read and judged
@pytest.mark.parametrize("true, false, relation", [
    ("The seat of government of Australia is Canberra.", "The seat of government of Australia is Sydney.", "capital"),
    ("Brazil's government sits in Brasilia.", "Brazil's government sits in Rio de Janeiro.", "capital"),
    ("Brazil is governed from Brasilia.", "Brazil is governed from Rio de Janeiro.", "capital"),
    ("People in Japan pay in yen.", "People in Japan pay in won.", "currency"),
    ("The money in Japan is the yen.", "The money in Japan is the won.", "currency"),
    ("Shops in Japan take the yen.", "Shops in Japan take the won.", "currency"),
    ("Folks in Morocco do their shopping with dirhams.", "Folks in Morocco do their shopping with euros.", "currency"),
    ("Japan's paper money is the yen.", "Japan's paper money is the won.", "currency"),
    ("Canada is home to about 40 million people.", "Canada is home to about 300 million people.", "population"),
    ("There are about 40 million Canadians.", "There are about 300 million Canadians.", "population"),
    ("Canada has about 40 million dwellers.", "Canada has about 300 million dwellers.", "population"),
    ("Peru is located in South America.", "Peru is located in Asia.", "region"),
    ("Peru belongs to South America.", "Peru belongs to Asia.", "region"),
    ("Canada is on the North American continent.", "Canada is on the Asian continent.", "region"),
    ("Iron's chemical shorthand is Fe.", "Iron's chemical shorthand is Ir.", "symbol"),
    ("Iron goes by the letters Fe on the periodic table.", "Iron goes by the letters Ir on the periodic table.", "symbol"),
    ("Iron occupies slot 26 on the periodic table.", "Iron occupies slot 28 on the periodic table.", "atomic_number"),
    ("An atom of carbon weighs about 12 atomic mass units.", "An atom of carbon weighs about 20 atomic mass units.",
     "atomic_mass"),
    ("The people of Brazil mostly speak Portuguese.", "The people of Brazil mostly speak Spanish.", "language"),
    ("Brazil's mother tongue is Portuguese.", "Brazil's mother tongue is Spanish.", "language"),
])
def test_paraphrased_relation_is_read_and_judged(read, true, false, relation):
    verdict, claims = read(true)
    assert verdict == "supported" and any(r == relation for _, r, _ in claims)
    verdict, claims = read(false)
    assert verdict == "contradicted" and any(r == relation and v == "contradicted" for _, r, v in claims)


# --- true supported, false contradicted (the answer's verdict) ------------------------------------------------
PAIRS = [
    # number words in any position
    ("Twelve is the atomic number of magnesium.", "Fourteen is the atomic number of magnesium."),
    ("Helium is element two.", "Helium is element four."),
    ("Mercury sits at number eighty on the periodic table.", "Mercury sits at number eighty-eight on the periodic table."),
    ("Nitrogen's atomic number? Seven.", "Nitrogen's atomic number? Nine."),
    ("Norway has about five and a half million people.", "Norway has about fifty million people."),
    ("France, a nation of about 68 million, borders Spain.", "France, a nation of about 6 million, borders Spain."),
    # gapped lists: a verb shared by a run of pairs
    ("Chile uses the peso, Peru the sol and Brazil the real.", "Chile uses the peso, Peru the sol and Brazil the euro."),
    # negations: "doesn't", "neither ... nor", "but it isn't", "X is not Y; Z is"
    ("Munich is not the capital of Germany.", "Berlin is not the capital of Germany."),
    ("Norway doesn't use the euro.", "Spain doesn't use the euro."),
    ("Neither Denmark nor Sweden uses the euro.", "Neither Spain nor Italy uses the euro."),
    ("Some think Auckland is New Zealand's capital, but it isn't - Wellington is.",
     "Some think Wellington is New Zealand's capital, but it isn't - Auckland is."),
    ("The symbol of gold is not Ag; it is Au.", "The symbol of gold is not Au; it is Ag."),
    # a negation's scope ends at a dash, colon or semicolon: the correction after it is a plain claim
    ("Almaty is no longer Kazakhstan's capital — the government moved to Astana in 1997.",
     "Almaty is no longer Kazakhstan's capital — the government moved to Tashkent in 1997."),
    ("Neither Auckland nor Christchurch is New Zealand's capital – the capital is Wellington.",
     "Neither Auckland nor Christchurch is New Zealand's capital – the capital is Dunedin."),
    ("Istanbul is not Turkey's capital: the capital is Ankara.", "Istanbul is not Turkey's capital: the capital is Izmir."),
    ("Mumbai isn't the capital of India; that honour belongs to New Delhi.",
     "Mumbai isn't the capital of India; that honour belongs to Kolkata."),
    ("El Salvador has no currency of its own - it uses the US dollar.",
     "El Salvador has no currency of its own - it uses the euro."),
    # denial + correction: "isn't X, it's Y"
    ("Brazil's capital isn't Rio de Janeiro, it's Brasília.", "Brazil's capital isn't Brasília, it's Rio de Janeiro."),
    # people nouns that are not adjective + "s", multi-word and shared demonyms
    ("Danes pay with the krone.", "Danes pay with the euro."),
    ("The Swiss pay with the franc.", "The Swiss pay with the euro."),
    ("Finns pay with the euro.", "Finns pay with the krona."),
    ("Norwegians pay with the krone.", "Norwegians pay with the euro."),
    ("New Zealanders pay with the dollar.", "New Zealanders pay with the euro."),
    # "The" before a country's full name
    ("The Republic of the Congo has its capital at Brazzaville.", "The Democratic Republic of the Congo has its capital at Brazzaville."),
    # "tin" as an element next to an element relation
    ("The symbol for tin is Sn.", "The symbol for tin is Ti."),
]


@pytest.mark.parametrize("true, false", PAIRS)
def test_true_is_supported_and_false_is_contradicted(read, true, false):
    assert read(true)[0] == "supported", read(true)
    assert read(false)[0] == "contradicted", read(false)


# negations: the correction after a denial or a clause break is not negated
def test_correction_after_denial_is_not_negated(read):
    _, claims = read("Sydney is not the capital of Australia, Canberra is.",
                     fields=("subject", "relation", "claimed_value", "verdict"))
    assert ("Australia", "capital", "Canberra", "supported") in claims
    assert ("Australia", "capital", "Sydney", "supported") in claims  # the true denial


@pytest.mark.parametrize("text", [
    "Sydney is not the capital of Australia - the capital is Canberra.",
    "Bonn is no longer Germany's capital — the government moved to Berlin in 1999.",
    "Italy does not use the lira; it uses the euro.",
    "Spain does not use the peso, but the euro.",
])
def test_correction_after_a_clause_break_is_not_negated(read, text):
    verdict, claims = read(text)
    assert verdict == "supported", claims
    assert all(verdict != "contradicted" for *_, verdict in claims)


# negations: the scope ends at a consequence ("so", "therefore", "which is why")
@pytest.mark.parametrize("answer, value", [
    ("Hungary never adopted the euro, so you'll want forints.", "forints"),
    ("Poland has not joined the eurozone, therefore travellers pay in zloty.", "zloty"),
    ("Czechia has not adopted the euro, which is why you pay in koruna.", "koruna"),
])
def test_negation_stops_at_a_consequence(read, answer, value):
    verdict, claims = read(answer, fields=("claimed_value", "verdict"))
    assert verdict == "supported"
    assert {v.lower(): claim_verdict for v, claim_verdict in claims}[value] == "supported"


def test_negation_before_a_consequence_still_denies_its_own_value(read):
    _, claims = read("Sweden never adopted the euro, which is why prices are in euros.",
                     fields=("claimed_value", "verdict"))
    assert {v.lower(): verdict for v, verdict in claims} == {"euro": "supported", "euros": "contradicted"}


# gapped and elided lists: each pair is judged against its own country
@pytest.mark.parametrize("text, expected", [
    ("Sweden uses the krona, Norway the krone and Denmark the euro.",
     [("Denmark", "contradicted"), ("Norway", "supported"), ("Sweden", "supported")]),
    ("Thailand uses the baht, Vietnam the riel, Indonesia the rupiah.",
     [("Indonesia", "supported"), ("Thailand", "supported"), ("Vietnam", "contradicted")]),
])
def test_gapped_list_judges_each_pair_against_its_own_country(read, text, expected):
    _, claims = read(text)
    assert [(s, v) for s, _, v in claims] == expected


def test_elided_and_gapped_lists_give_one_claim_per_item(read):
    _, claims = read("Turkey's currency is the lira and Egypt's is the dinar.")
    assert claims == [("Egypt", "currency", "contradicted"), ("Turkey", "currency", "supported")]
    _, claims = read("Ottawa is the capital of Canada, Sydney of Australia and Wellington of New Zealand.")
    assert claims == [("Australia", "capital", "contradicted"), ("Canada", "capital", "supported"),
                      ("New Zealand", "capital", "supported")]
    _, claims = read("The currencies: Japan - yen, Poland - forint.")
    assert claims == [("Japan", "currency", "supported"), ("Poland", "currency", "contradicted")]


# multi-word cities are read whole, and "X took over" names the successor
@pytest.mark.parametrize("text, verdict", [
    ("Rio de Janeiro is no longer Brazil's capital; São Paulo took over in 1960.", "contradicted"),
    ("Rio de Janeiro is no longer Brazil's capital; Brasília took over as capital in 1960.", "supported"),
])
def test_a_successor_that_took_over(checker, text, verdict):
    assert checker.check(text).verdict == verdict


def test_multiword_city_read_whole(read):
    _, claims = read("Rio de Janeiro is no longer Brazil's capital; São Paulo took over in 1960.",
                     fields=("subject", "claimed_value", "verdict"))
    verdicts = {(subject, value): verdict for subject, value, verdict in claims}
    assert ("Brazil", "Rio de Janeiro") in verdicts and verdicts[("Brazil", "São Paulo")] == "contradicted"


# "the island nation" refers back to the country before it; common nouns never name one
@pytest.mark.parametrize("answer, subject, verdict", [
    ("Malta is in Europe, and the island nation uses the euro.", "Malta", "supported"),
    ("Cyprus lies in the Mediterranean; the island nation uses the pound.", "Cyprus", "contradicted"),
])
def test_island_nation_refers_back(checker, answer, subject, verdict):
    result = checker.check(answer)
    currency = [c for c in result.claims if c.relation == "currency"]
    assert [(c.subject, c.verdict) for c in currency] == [(subject, verdict)]


# --- a question read with its answer ------------------------------------------------------------------------
# a terse fragment takes subject and relation from the question; "Yes"/"No" affirm or deny a yes/no question's
# claim; a fragment may name the subject a "which" question asks for
@pytest.mark.parametrize("question, true, false", [
    ("What is the capital of Peru?", "Lima.", "Bogota."),
    ("How many people live in Peru?", "About 34 million.", "About 80 million."),
    ("What's the symbol for iron?", "Fe.", "Ir."),
    ("What is iron's chemical symbol?", "It's Fe.", "It's Ir."),
    ("What do people pay with in Japan?", "The yen.", "The won."),
    ("How many Canadians are there?", "About 40 million.", "About 300 million."),
    ("Does India use the taka?", "No, it's the rupee.", "No, it's the yen."),
    ("Is the capital of Australia Sydney?", "No, it's Canberra.", "Yes."),
    ("Is Canberra the capital of Australia?", "Yes, it is.", "No."),
    ("Is Turkey's capital Ankara?", "Yep.", "Nope, it's Istanbul."),
    ("Is Peru in Asia?", "No, it's in South America.", "Yes."),
    ("Is the yen used in India?", "No.", "Yes, it is."),
    ("Does Japan use the yen?", "Yes, it does.", "No, it uses the won."),
    ("Which country uses the yen?", "Japan.", "China."),
    ("Which element has the symbol Fe?", "Iron.", "Copper."),
    ("Which country has Canberra as its capital?", "Australia.", "Austria."),
    ("What element has atomic number 8?", "Oxygen, the one we breathe.", "Nitrogen."),
    ("Which country's capital is Lima?", "Peru.", "Chile."),
])
def test_fragment_answer_is_read_with_its_question(read, question, true, false):
    assert read(true, question)[0] == "supported"
    assert read(false, question)[0] == "contradicted"


# unsure answers to yes/no questions
@pytest.mark.parametrize("question, answer", [
    ("Is the capital of Australia Sydney?", "Not quite, it's complicated."),
    ("Is Turkey in Europe?", "Yes, partly."),
    ("Do you like Japan?", "Yes!"),
    ("Is Peru nice?", "No problem, it's great."),
    ("Isn't Sydney the capital of Australia?", "Yes."),   # negative question: "yes" is ambiguous
    ("Is Canberra or Sydney the capital of Australia?", "Yes."),  # alternative question
    ("Is the population of Canada 40 million?", "No, about 41 million."),  # "no" to a figure may refine it
])
def test_unsure_answers_to_yes_no_questions_are_not_contradicted(read, question, answer):
    assert read(answer, question)[0] != "contradicted"


def test_yes_without_a_question_claims_nothing(read):
    assert read("Yes.")[0] == "unverified"


# "which" questions answered without a named subject or a claim
@pytest.mark.parametrize("question, answer", [
    ("Which country uses the yen?", "Not sure, maybe somewhere in Asia."),
    ("Which country is the best?", "Japan."),
])
def test_which_question_without_a_named_answer_or_claim(read, question, answer):
    assert read(answer, question)[0] == "unverified"


# hedges: a declined answer claims nothing ("I'm" is no value); a hedged real answer is still read
@pytest.mark.parametrize("question, answer", [
    ("What's the capital of Tuvalu?", "I'm not certain, to be honest."),
    ("What is the capital of Bhutan?", "Unsure, sorry."),
    ("What is the capital of Chad?", "I don't know."),
    ("What is the capital of Fiji?", "Not sure."),
])
def test_a_declined_answer_claims_nothing(checker, question, answer):
    result = checker.check(answer, question=question)
    assert result.claims == []
    assert result.verdict == "unverified"


def test_a_hedged_but_real_answer_is_still_read(checker):
    assert checker.check("I'm fairly sure it's Quito.", question="What is the capital of Peru?").verdict == "contradicted"
    assert checker.check("It's Kathmandu.", question="What is the capital of Nepal?").verdict == "supported"


# --- look-alikes ---------------------------------------------------------------------------------------------
# no claim is read: relative clauses without one, hearsay, element words, people nouns, hedges, lists with no
# relation, a "respectively" that does not pair up
@pytest.mark.parametrize("text", [
    "Many people visit Kenya, which is famous for safaris.",
    "I love Italy, which is where my grandmother was born.",
    "The team has its headquarters in Lima.",
    "Japan, which some people think uses the won, is lovely.",  # hearsay is not the answer's claim
    "Good leaders lead from the front, and tin roofs rust in the rain.",
    "Favourite foods: Peru (ceviche), Japan (sushi), Italy (pasta).",
    "I visited Peru, Chile and Bolivia, respectively in 2019, 2020 and 2021.",
    "I'm not sure what the capital of Laos is.",
    "The Swiss parliament meets in a lovely building.",
    "Poles and Turks met in Berlin.",
    "Sydney is not a small city, Melbourne is.",
    "Chile, Peru and Bolivia have capitals Santiago and Lima respectively.",
    "We bought a tin of beans and a lead pencil.",
    "Norwegians love skiing in winter.",
    "The Democratic Republic of the Congo has many rivers.",
    "I'm not sure Lagos is the capital - I would have to check.",
])
def test_look_alikes_stay_unverified(read, text):
    assert read(text)[0] == "unverified", read(text)


# never contradicted: paraphrase cues alone, appositives and containers that name no owner, unrelated numbers
@pytest.mark.parametrize("text", [
    "She goes by Al.", "Prices in Japan are high.", "Shops in Japan take credit cards.",
    "About 3 million Canadians visit Florida each year.", "Peru belongs to the Andean Community.",
    "The car has 4 occupants.",
    "Last year we toured France (Lyon), Italy (Milan) and Spain (Seville).",  # no relation named
    "Sydney, the Olympic host city of 2000, has lovely beaches.",  # "Olympic" is no country's adjective
    "Lagos, Nigeria's biggest city, is a busy port.",
    "The Swiss parliament meets in a grand building.",
    "Uranium has a critical mass of about 52 kilograms.",
    "Japan has about 125 million people, and Toyota sold 10 million cars.",
    "In 2010, in Europe, many countries used the euro.",
])
def test_look_alikes_are_never_contradicted(read, text):
    verdict, claims = read(text)
    assert verdict != "contradicted", claims


# round 11: negation + correction, dated scope, paraphrases, dash appositives, asides, symbol -> element name
@pytest.mark.parametrize("text, expected", [
    ("Rio de Janeiro is no longer the capital of Brazil; the capital is now São Paulo.", "contradicted"),
    ("Rio de Janeiro is no longer the capital of Brazil; the capital is now Brasília.", "supported"),
    ("Auckland is not New Zealand's capital, and neither is Wellington — it's Christchurch.", "contradicted"),
    ("Auckland is not New Zealand's capital, and neither is Wellington.", "contradicted"),
    ("Sydney is not Australia's capital, and neither is Melbourne — it's Canberra.", "supported"),
])
def test_denials_and_their_corrections_are_read(read, text, expected):
    assert read(text)[0] == expected, read(text)


@pytest.mark.parametrize("text, expected", [
    ("The capital of Myanmar is Yangon (formerly Rangoon).", "contradicted"),  # only the bracket is history
    ("The capital of Myanmar is Naypyidaw (formerly Yangon).", "supported"),
    ("The capital of Kazakhstan, after a few years as Nur-Sultan, is once again called Astana.", "supported"),
    ("Lithuania switched from the litas to the euro in 2015.", "supported"),
    ("Latvia changed from the euro to the lats in 2014.", "contradicted"),  # the value moved to is the present one
    ("Nigeria moved its capital from Lagos to Abuja in 1991.", "supported"),
])
def test_history_is_scoped_to_what_it_marks(read, text, expected):
    assert read(text)[0] == expected, read(text)


@pytest.mark.parametrize("text, subject, expected", [
    ("Australia's federal parliament and government are based in Canberra.", "Australia", "supported"),
    ("Canada's seat of government — and its capital — is Toronto.", "Canada", "contradicted"),
    ("Koreans pay in won — the South Korean won.", "Koreans", "supported"),  # the value names the owner
    ("Morocco's riyal — the national currency — is a closed currency.", "Morocco", "contradicted"),
    ("Czechia uses the koruna while its capital, of course, is Brno.", "Czechia", "contradicted"),
])
def test_paraphrases_appositives_and_asides(read, text, subject, expected):
    verdict, claims = read(text, fields=("subject", "verdict"))
    assert verdict == expected and subject in {s for s, _ in claims}, claims


def test_a_shared_people_noun_stays_unresolved_without_an_owner(read):
    assert read("Koreans pay in won.")[0] == "unverified"


@pytest.mark.parametrize("text, expected", [
    ("Silicon — Si on the periodic table — is element 14.", {("symbol", "supported"), ("atomic_number", "supported")}),
    ("Helium has the symbol He and its atomic number is 2, while neon is number 20.",
     {("symbol", "supported"), ("atomic_number", "supported"), ("atomic_number", "contradicted")}),
    ("W is tungsten.", {("symbol", "supported")}),
    ("The symbol Na stands for nitrogen.", {("symbol", "contradicted")}),
])
def test_element_records_in_prose(read, text, expected):
    assert set(read(text, fields=("relation", "verdict"))[1]) == expected


@pytest.mark.parametrize("text, expected", [
    # each "element is symbol" item of a list is its own claim (new-user trial: the middle one was dropped)
    ("Sodium is Na, potassium is P, and tungsten is W.",
     ("contradicted", [("Sodium", "supported"), ("potassium", "contradicted"), ("tungsten", "supported")])),
    ("Sodium is Na, potassium is K, and tungsten is W.",
     ("supported", [("Sodium", "supported"), ("potassium", "supported"), ("tungsten", "supported")])),
])
def test_every_element_of_a_symbol_list_is_read(read, text, expected):
    assert read(text, fields=("subject", "verdict")) == expected


def test_an_element_answer_after_it_is_reads_the_inverse_question(read):
    assert read("It is Tungsten.", question="What element has the symbol W?")[0] == "supported"
    assert read("Japan is number 3.")[0] == "unverified"


# Round 12: a statement of a change claims only what it led to; the old value is history
@pytest.mark.parametrize("text, expected", [
    ("No — Latvia switched from the lats to the euro in 2014, so prices there are in euros.",
     ("supported", [("Latvia", "currency", "supported")])),
    ("Ecuador gave up the sucre in 2000 and now uses the US dollar.", ("supported", [("Ecuador", "currency", "supported")])),
    ("Estonia replaced the kroon with the Swedish krona in 2011.", ("contradicted", [("Estonia", "currency", "contradicted")])),
    ("Slovakia swapped the koruna for the euro in 2009.", ("supported", [("Slovakia", "currency", "supported")])),
    ("Croatia switched to the euro in 2023.", ("supported", [("Croatia", "currency", "supported")])),
    ("Malta ditched the lira and adopted the euro in 2008.", ("supported", [("Malta", "currency", "supported")])),
    ("Tanzania moved its capital from Dar es Salaam to Arusha.", ("contradicted", [("Tanzania", "capital", "contradicted")])),
])
def test_a_change_claims_its_new_value_only(read, text, expected):
    assert read(text) == expected


def test_a_name_that_went_back_is_the_present_one(read):
    verdict, claims = read("The capital was renamed Nur-Sultan in 2019 but went back to the name Astana in 2022.",
                           question="What is the capital of Kazakhstan?")
    assert (verdict, claims) == ("supported", [("Kazakhstan", "capital", "supported")])
    assert read("Kazakhstan's capital was renamed Almaty in 2022.")[0] == "contradicted"


@pytest.mark.parametrize("text", [
    "The rand (South Africa's official currency) has been fairly volatile against the dollar.",
    "Jordan uses the dinar, which is pegged to the US dollar.",
    "Japan uses the yen, which is weak compared with the euro at the moment.",
    "Switzerland's currency is the franc, worth about 1.05 euros.",
])
def test_a_currency_named_for_comparison_is_no_claim(read, text):
    verdict, claims = read(text, fields=("relation", "verdict"))
    assert (verdict, claims) == ("supported", [("currency", "supported")])


@pytest.mark.parametrize("text, expected", [
    ("Kenyans pay in Kenyan shillings.", ("supported", [("Kenyans", "currency", "supported")])),
    ("Norwegians pay in Swedish kronor.", ("contradicted", [("Norwegians", "currency", "contradicted")])),
    ("Denmark never adopted the euro, so you pay in CZK.",
     ("contradicted", [("Denmark", "currency", "contradicted"), ("Denmark", "currency", "supported")])),
])
def test_a_value_or_code_is_never_the_subject(read, text, expected):
    assert read(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Chemists abbreviate sodium as 'So'.", ("contradicted", [("sodium", "symbol", "contradicted")])),
    ("Chemists abbreviate potassium as 'K'.", ("supported", [("potassium", "symbol", "supported")])),
    ("Kathmandu — the capital of Nepal — is the usual starting point.", ("supported", [("Nepal", "capital", "supported")])),
    ("Quito — the capital of Colombia — sits high in the Andes.", ("contradicted", [("Colombia", "capital", "contradicted")])),
    ("Madagascar, an island nation off the coast of South America, is famous for its lemurs.",
     ("contradicted", [("Madagascar", "region", "contradicted")])),
    ("Madagascar lies off the east coast of Africa.", ("supported", [("Madagascar", "region", "supported")])),
])
def test_round_12_cues_and_appositives(read, text, expected):
    assert read(text) == expected
