import numpy as np
import pytest

from cache import eval as cache_eval
from cache.verifier import PairVerifier, edit_distance, is_typo_of, token_diff


def test_edit_distance_counts_slips():
    assert edit_distance("capital", "captial") == 1  # adjacent swap
    assert edit_distance("reverse", "revrese") == 1  # "er" -> "re"
    assert edit_distance("synonym", "antonym") == 3  # "syn" -> "ant"
    assert edit_distance("kitten", "sitting", limit=10) == 3


def test_typos_pair_up_but_different_words_do_not():
    assert is_typo_of("capital", "captial") and is_typo_of("reverse", "revrese")
    assert not is_typo_of("synonym", "antonym")  # another word, not a slip
    assert not is_typo_of("cat", "cut") and not is_typo_of("2019", "2018")


def test_token_diff_keeps_only_content_differences():
    verifier = PairVerifier.load()
    diff = token_diff("What is the captial of Australia?", "What is the capital of Australia?", verifier.stopwords)
    assert diff.only_stored == () and diff.only_probe == () and diff.typos == 1
    diff = token_diff("Give me a short antonym for happy.", "Give me a short synonym for happy.", verifier.stopwords)
    assert diff.only_stored == ("antonym",) and diff.only_probe == ("synonym",)


def test_verifier_scores_a_pair(embedder):
    verifier = PairVerifier.load()
    texts = ["What is the capital of France?", "What's the capital city of France?", "How do I bake bread?"]
    u, v, w = (embedder.embed_one(t) for t in texts)
    same = verifier.probability(texts[0], texts[1], u, v)
    other = verifier.probability(texts[0], texts[2], u, w)
    assert 0.0 <= other < 0.5 <= same <= 1.0


def test_eval_says_when_the_test_set_is_missing(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(cache_eval.SETS, "test", [tmp_path / "test_pairs.jsonl"])
    assert cache_eval.main(["--set", "test"]) == 2
    assert "TEST SET MISSING" in capsys.readouterr().out


def test_wilson_interval():
    low, high = cache_eval.wilson(0, 15)
    assert low == 0.0 and high == pytest.approx(0.204, abs=0.001)
    low, high = cache_eval.wilson(50, 100)
    assert low < 0.5 < high and np.isclose(0.5 - low, high - 0.5)


def test_eval_has_a_dev_holdout_apart_from_dev():
    dev, holdout = set(cache_eval.SETS["dev"]), set(cache_eval.SETS["dev-holdout"])
    assert holdout and not dev & holdout and all(cache_eval._file_and_part(p)[0].exists() for p in dev | holdout)
    assert not any("test" in path.name for path in dev | holdout)


def test_dev_v3_split_is_deterministic_and_disjoint():
    tune = cache_eval.load_pairs([cache_eval.Path(f"{cache_eval.DEV_V3}#tune")])
    holdout = cache_eval.load_pairs([cache_eval.Path(f"{cache_eval.DEV_V3}#holdout")])
    assert tune and holdout and not {p.stored for p in tune} & {p.stored for p in holdout}
    assert cache_eval.split_part("any text") == cache_eval.split_part("any text")
