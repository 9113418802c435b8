"""evals.metrics: SQuAD normalisation, EM/F1, prompt log-probabilities and perplexity, sacrebleu/ROUGE
wrappers, Wilson and bootstrap intervals."""

from __future__ import annotations

import math

import pytest

from evals.metrics import (
    bootstrap, corpus_bleu, corpus_chrf, exact_match, mean, normalize_answer, perplexity, prompt_logprobs,
    proportion, rouge_scores, sentence_chrf, token_f1, wilson_interval,
)


@pytest.mark.parametrize("text, expected", [
    ("The Eiffel Tower!", "eiffel tower"),
    ("  an   apple, a pear  ", "apple pear"),
    ("Fort-de-France.", "fortdefrance"),  # SQuAD drops punctuation without a space
    ("Theatre", "theatre"),  # articles only as whole words
])
def test_normalize_answer_follows_squad(text, expected):
    assert normalize_answer(text) == expected


def test_exact_match_takes_any_reference_after_normalisation():
    assert exact_match("paris.", ["Lyon", "Paris"]) == 1.0
    assert exact_match("The capital is Paris", ["Paris"]) == 0.0


def test_token_f1_is_the_bag_of_words_f1_against_the_best_reference():
    # prediction "capital is paris" (3 tokens) vs reference "paris" (1): P = 1/3, R = 1 -> F1 = 0.5
    assert token_f1("The capital is Paris", ["Paris"]) == pytest.approx(0.5)
    assert token_f1("new york city", ["York", "New York"]) == pytest.approx(2 * (2 / 3) * 1 / (2 / 3 + 1))
    assert token_f1("London", ["Paris"]) == 0.0
    assert token_f1("", ["Paris"]) == 0.0


def test_references_are_required():
    with pytest.raises(ValueError):
        token_f1("x", [])
    with pytest.raises(ValueError):
        exact_match("x", [])


def test_prompt_logprobs_drop_the_null_first_token_and_the_generated_token():
    choice = {"tokens": ["A", " cat", " sat", " down"], "token_logprobs": [None, -1.0, -2.0, -9.0]}
    assert prompt_logprobs(choice, prompt_tokens=3) == [-1.0, -2.0]
    assert prompt_logprobs(choice, prompt_tokens=None) == [-1.0, -2.0]  # last entry taken as generated


def test_prompt_logprobs_without_logprobs_says_so():
    with pytest.raises(ValueError, match="echo"):
        prompt_logprobs(None, 3)


def test_perplexity_is_token_weighted():
    assert perplexity([[math.log(0.5)] * 4]) == pytest.approx(2.0)
    # two texts: 1 token at p=1/4 and 3 tokens at p=1/2 -> exp(-(ln 1/4 + 3 ln 1/2) / 4) = 2^(5/4)
    assert perplexity([[math.log(0.25)], [math.log(0.5)] * 3]) == pytest.approx(2 ** 1.25)
    with pytest.raises(ValueError):
        perplexity([[], []])


def test_sacrebleu_and_rouge_wrappers():
    hyps = ["the cat sat on the mat", "a dog barked loudly at night"]
    refs = [["the cat sat on the mat"], ["a dog barked loudly at night", "the dog barked"]]
    assert corpus_bleu(hyps, refs) == pytest.approx(100.0)
    assert corpus_chrf(hyps, refs) == pytest.approx(100.0)
    assert corpus_bleu(["completely different words here"], [["the cat sat on the mat"]]) < 5
    assert sentence_chrf("Alle Wege führen nach Rom.", ["Alle Wege führen nach Rom."]) == pytest.approx(100.0)
    scores = rouge_scores("Cats sat on mats", ["The cat sat on the mat", "unrelated"])
    assert scores["rouge1"] == pytest.approx(scores["rougeL"])  # stemmed cat/cats, sat, on, mat/mats
    assert 0.5 < scores["rouge1"] < 1.0


def test_wilson_interval_matches_the_formula():
    low, high = wilson_interval(5, 10)
    assert (low, high) == (pytest.approx(0.2366, abs=1e-4), pytest.approx(0.7634, abs=1e-4))
    assert wilson_interval(0, 10)[0] == 0.0 and wilson_interval(10, 10)[1] == pytest.approx(1.0)
    estimate = proportion([1, 0, 1, 1])
    assert estimate.value == 0.75 and estimate.n == 4 and estimate.method == "wilson"


def test_bootstrap_brackets_the_value_and_is_reproducible():
    values = [0.0, 1.0] * 20
    first = bootstrap(values, mean, samples=300, seed=1)
    assert first.value == 0.5 and first.low < 0.5 < first.high
    assert bootstrap(values, mean, samples=300, seed=1) == first
    constant = bootstrap([0.3] * 10, mean, samples=50)
    assert constant.low == constant.high == pytest.approx(0.3)
