"""Issue 14, round 3: relative clauses attach to their head noun, paraphrased relations (WordNet lexicon and
phrasal cues), and a question + terse fragment read together (subject and relation from the question,
"Yes"/"No" affirming or denying a yes/no question's claim). Each true/false pair checks that the claim is
read and judged, not merely that some verdict comes out; the unsure shapes must stay unverified."""

import pytest


def read(checker, text, question=None):
    result = checker.check(text, question)
    return result.verdict, sorted((c.subject, c.relation, c.verdict) for c in result.claims)


# --- relative clauses --------------------------------------------------------------------------------------
@pytest.mark.parametrize("true, false, subject, relation", [
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
])
def test_relative_clause_attaches_to_its_head(checker, true, false, subject, relation):
    verdict, claims = read(checker, true)
    assert verdict == "supported" and (subject, relation, "supported") in claims
    verdict, claims = read(checker, false)
    assert verdict == "contradicted" and (subject, relation, "contradicted") in claims


def test_relative_clause_keeps_the_main_clause(checker):
    verdict, claims = read(checker, "Japan, which uses the yen, has about 300 million people.")
    assert verdict == "contradicted"
    assert ("Japan", "currency", "supported") in claims and ("Japan", "population", "contradicted") in claims


@pytest.mark.parametrize("text", [
    "Many people visit Kenya, which is famous for safaris.",
    "I love Italy, which is where my grandmother was born.",
    "The team has its headquarters in Lima.",
    "Japan, which some people think uses the won, is lovely.",  # hearsay is not the answer's claim
])
def test_relative_clause_without_a_claim_stays_unverified(checker, text):
    assert read(checker, text)[0] == "unverified"


# --- paraphrased relations -----------------------------------------------------------------------------------
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
def test_paraphrased_relations(checker, true, false, relation):
    verdict, claims = read(checker, true)
    assert verdict == "supported" and any(r == relation for _, r, _ in claims)
    verdict, claims = read(checker, false)
    assert verdict == "contradicted" and any(r == relation and v == "contradicted" for _, r, v in claims)


@pytest.mark.parametrize("text", [
    "She goes by Al.", "Prices in Japan are high.", "Shops in Japan take credit cards.",
    "About 3 million Canadians visit Florida each year.", "Peru belongs to the Andean Community.",
    "The car has 4 occupants.",
])
def test_paraphrase_cues_alone_claim_nothing_false(checker, text):
    assert read(checker, text)[0] != "contradicted"


# --- question + fragment -----------------------------------------------------------------------------------
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
])
def test_fragment_takes_subject_and_relation_from_the_question(checker, question, true, false):
    assert read(checker, true, question)[0] == "supported"
    assert read(checker, false, question)[0] == "contradicted"


@pytest.mark.parametrize("question, answer", [
    ("Is the capital of Australia Sydney?", "Not quite, it's complicated."),
    ("Is Turkey in Europe?", "Yes, partly."),
    ("Do you like Japan?", "Yes!"),
    ("Is Peru nice?", "No problem, it's great."),
    ("Isn't Sydney the capital of Australia?", "Yes."),   # negative question: "yes" is ambiguous
    ("Is Canberra or Sydney the capital of Australia?", "Yes."),  # alternative question
    ("Is the population of Canada 40 million?", "No, about 41 million."),  # "no" to a figure may refine it
])
def test_unsure_answers_to_yes_no_questions_are_not_contradicted(checker, question, answer):
    assert read(checker, answer, question)[0] != "contradicted"


def test_yes_without_a_question_claims_nothing(checker):
    assert read(checker, "Yes.")[0] == "unverified"


@pytest.mark.parametrize("question, true, false", [
    ("Which country uses the yen?", "Japan.", "China."),
    ("Which element has the symbol Fe?", "Iron.", "Copper."),
    ("Which country has Canberra as its capital?", "Australia.", "Austria."),
    ("What element has atomic number 8?", "Oxygen, the one we breathe.", "Nitrogen."),
    ("Which country's capital is Lima?", "Peru.", "Chile."),
])
def test_fragment_naming_the_subject_of_a_which_question(checker, question, true, false):
    assert read(checker, true, question)[0] == "supported"
    assert read(checker, false, question)[0] == "contradicted"


@pytest.mark.parametrize("question, answer", [
    ("Which country uses the yen?", "Not sure, maybe somewhere in Asia."),
    ("Which country is the best?", "Japan."),
])
def test_which_question_without_a_named_answer_or_claim(checker, question, answer):
    assert read(checker, answer, question)[0] == "unverified"
