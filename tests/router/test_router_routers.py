"""Shipped feature-router weights: loading, registry, ordering of easy vs hard requests, decisions."""

import json

import pytest

from router import ROUTER_REGISTRY, FeatureRouter, RouteDecision, load_router
from router.routers import default_weights_path

EASY = [
    "hi!",
    "What is the capital of France?",
    "Thanks, that's all.",
    "What's 6 times 7?",
    "Translate 'good night' into Spanish.",
]
HARD = [
    "Write a Python function that finds all strongly connected components in a directed graph using Tarjan's algorithm, with tests.",
    "Prove that there are infinitely many primes of the form 4k+3.",
    "Draft a detailed 2,000-word report comparing the tax treatment of stock options in the US and the UK, with a summary table.",
    "A 67-year-old woman on metformin and lisinopril presents with confusion and a potassium of 6.8. Walk through the differential diagnosis and immediate management.",
]


def user(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


@pytest.fixture(scope="module")
def router() -> FeatureRouter:
    return load_router("features")


def test_unknown_kind_fails_with_the_registered_kinds():
    with pytest.raises(ValueError, match=r"unknown router kind 'bert'.*embedding.*features"):
        load_router("bert")


def test_registry_holds_both_kinds():
    assert set(ROUTER_REGISTRY) == {"features", "embedding"}


def test_shipped_weights_are_portable_json_with_heldout_scores(router):
    weights = json.loads(default_weights_path("features").read_text())
    assert weights["kind"] == "features"
    assert len(router.heldout_scores) == len(weights["heldout_ids"]) > 100
    assert all(0.0 <= s <= 1.0 for s in router.heldout_scores)


def test_every_hard_request_scores_above_every_easy_one(router):
    easy = router.score_batch([user(t) for t in EASY])
    hard = router.score_batch([user(t) for t in HARD])
    assert max(easy) < min(hard)
    assert max(easy) < 0.5 < min(hard)


def test_batch_scores_match_single_scores(router):
    conversations = [user(t) for t in EASY + HARD]
    assert router.score_batch(conversations) == pytest.approx([router.score(c) for c in conversations])
    assert router.score_batch([]) == []


def test_decide_routes_by_threshold_and_explains(router):
    messages = user(HARD[0])
    decision = router.decide(messages, threshold=0.5)
    assert isinstance(decision, RouteDecision)
    assert decision.route == "large" and decision.score >= 0.5 and decision.threshold == 0.5
    assert decision.signals["router"] == "features"
    assert "code_request" in decision.signals["top_signals"]
    assert all(isinstance(v, (int, float, str, bool)) for v in decision.signals.values())
    assert router.decide(messages, threshold=decision.score + 1e-6).route == "small"


def test_weights_for_another_kind_are_refused():
    weights = json.loads(default_weights_path("features").read_text())
    weights["kind"] = "embedding"
    with pytest.raises(ValueError, match="kind"):
        FeatureRouter(weights)


def test_decide_batch_matches_decide_one_by_one():
    from router import load_router

    router = load_router("features")
    conversations = [
        [{"role": "user", "content": "hello!"}],
        [{"role": "user", "content": "Prove that there are infinitely many primes, step by step."}],
    ]
    batch = router.decide_batch(conversations, 0.5)
    assert [d.route for d in batch] == [router.decide(c, 0.5).route for c in conversations] == ["small", "large"]


def test_weights_read_their_own_features_by_name(router):
    """Features added after training leave older weights usable: they read their columns by name."""
    weights = json.loads(default_weights_path("features").read_text())
    assert list(router.columns) == [__import__("router.features", fromlist=["x"]).FEATURE_NAMES.index(n)
                                    for n in weights["feature_names"]]
    weights["feature_names"] = [*weights["feature_names"][:-1], "no_such_feature"]
    with pytest.raises(ValueError, match="no_such_feature"):
        FeatureRouter(weights)


def test_issue_14_borderline_kinds_go_where_the_labelling_rule_says(router):
    large = ["What's 47 times 86?", "My toddler swallowed a button battery, what do I do?",
             "Should I put my savings in bitcoin?"]
    small = ["Explain photosynthesis in one sentence to a child.", "What's 7 times 86?", "What is a Roth IRA?"]
    assert min(router.score_batch([user(t) for t in large])) >= 0.5 > max(router.score_batch([user(t) for t in small]))
