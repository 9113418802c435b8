"""evals.routing: the RouteLLM cost/quality curve on synthetic prompts whose PGR, APGR and CPT are known."""

from __future__ import annotations

import math

import pytest

from evals.routing import RoutedPrompt, routing_curve, token_cost


def prompts(good_ranks: set[int], n: int = 10) -> list[RoutedPrompt]:
    """n prompts with router scores n-1 .. 0 (rank 0 highest); on the ranks in `good_ranks` the strong pool
    is right (quality 1) and the weak pool wrong (0); elsewhere both are right. Weak calls cost 1, strong 10."""
    return [RoutedPrompt(score=float(n - 1 - rank), weak_quality=0.0 if rank in good_ranks else 1.0,
                         strong_quality=1.0, weak_cost=1.0, strong_cost=10.0) for rank in range(n)]


def test_a_perfect_router_recovers_the_gap_with_the_fewest_strong_calls():
    curve = routing_curve(prompts({0, 1, 2, 3}))
    assert curve.weak_quality == pytest.approx(0.6) and curve.strong_quality == 1.0
    assert curve.gap == pytest.approx(0.4)
    # PGR rises linearly to 1 at 40 % strong calls, then stays: area = 1 - 0.4 / 2
    assert curve.apgr == pytest.approx(0.8)
    assert curve.cpt50 == pytest.approx(0.2)
    assert curve.cpt80 == pytest.approx(0.4)
    assert [p.strong_share for p in curve.points] == pytest.approx([k / 10 for k in range(11)])
    assert curve.points[0].threshold == math.inf and curve.points[0].pgr == 0.0
    assert curve.points[-1].pgr == pytest.approx(1.0)


def test_a_backwards_router_needs_most_calls():
    curve = routing_curve(prompts({6, 7, 8, 9}))
    assert curve.apgr == pytest.approx(0.2)  # PGR 0 until 60 %, then linear to 1: 0.4 / 2
    assert curve.cpt50 == pytest.approx(0.8)
    assert curve.cpt80 == pytest.approx(1.0)


def test_cost_and_the_deployed_threshold():
    curve = routing_curve(prompts({0, 1, 2, 3}), current_threshold=6.5)  # scores 9, 8, 7 route strong
    current = curve.current
    assert current.strong_share == pytest.approx(0.3)
    assert current.pgr == pytest.approx(0.75)
    assert current.cost_per_1k == pytest.approx((3 * 10 + 7 * 1) / 10 * 1000)
    assert curve.points[0].cost_per_1k == pytest.approx(1000) and curve.points[-1].cost_per_1k == pytest.approx(10000)


def test_equal_scores_move_together():
    tied = [RoutedPrompt(0.5, 0.0, 1.0, 1.0, 2.0), RoutedPrompt(0.5, 0.0, 1.0, 1.0, 2.0), RoutedPrompt(0.1, 1.0, 1.0, 1.0, 2.0)]
    curve = routing_curve(tied)
    assert [p.strong_share for p in curve.points] == pytest.approx([0, 2 / 3, 1])


def test_no_quality_gap_leaves_pgr_undefined_but_keeps_the_cost_curve():
    same = [RoutedPrompt(score=s, weak_quality=0.7, strong_quality=0.7, weak_cost=1.0, strong_cost=5.0) for s in (0.9, 0.4, 0.1)]
    curve = routing_curve(same, current_threshold=0.5)
    assert curve.gap == 0 and curve.apgr is None and curve.cpt50 is None and curve.cpt80 is None
    assert all(p.pgr is None for p in curve.points)
    assert [p.cost_per_1k for p in curve.points] == pytest.approx([1000, 7000 / 3, 11000 / 3, 5000])
    assert "gap 0" in curve.notes[0]


def test_no_prompts_is_an_error():
    with pytest.raises(ValueError):
        routing_curve([])


def test_token_cost_uses_per_million_prices():
    assert token_cost(1_000_000, 500_000, input_per_million=0.5, output_per_million=1.5) == pytest.approx(1.25)
