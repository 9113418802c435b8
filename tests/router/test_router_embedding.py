"""The embedding router with its shipped weights (loads all-MiniLM-L6-v2 once for the module)."""

import pytest

from router import EmbeddingRouter, load_router


@pytest.fixture(scope="module")
def router() -> EmbeddingRouter:
    return load_router("embedding")


def user(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


def test_easy_requests_score_below_hard_ones(router):
    easy = router.score_batch([user("hello there"), user("Who wrote Hamlet?"), user("Fix the typo: 'teh cat'")])
    hard = router.score_batch(
        [
            user("Implement a lock-free single-producer single-consumer ring buffer in C++ and explain the memory ordering."),
            user("Analyze whether our SaaS terms of service comply with GDPR article 28 for processors and draft the missing clauses."),
        ]
    )
    assert max(easy) < min(hard)


def test_decision_reports_the_embedding_contribution(router):
    decision = router.decide(user("Write a detailed business plan for a bakery, with a 3-year budget table."), threshold=0.5)
    assert decision.route == "large"
    assert decision.signals["router"] == "embedding"
    assert isinstance(decision.signals["embedding_contribution"], float)
    assert len(router.heldout_scores) > 100
