"""The routing cost/quality curve, with RouteLLM's definitions (Ong et al., 2024, "RouteLLM: Learning to
Route LLMs with Preference Data", section 5):

- every prompt i was answered by the weak pool (quality w_i, cost cw_i) and the strong pool (s_i, cs_i),
  and the router scored it (score_i: route to the strong pool when score_i >= threshold);
- at a threshold t, the strong-call share is the fraction of prompts with score_i >= t; quality(t) is the
  mean over prompts of the routed answer's quality; cost(t) the mean routed cost;
- PGR(t) = (quality(t) - Q_weak) / (Q_strong - Q_weak): the share of the quality gap recovered;
- APGR: the area under PGR against the strong-call share, from 0 % to 100 % of calls (trapezoids over the
  curve's points; a router that ranks at random scores about 0.5, a perfect one close to 1);
- CPT(x %): the smallest strong-call share whose PGR reaches x % (50 % and 80 % reported).

When Q_strong == Q_weak there is no gap to recover: PGR, APGR and CPT are undefined (None) and only the
cost side of the curve means something."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class RoutedPrompt:
    """One prompt answered by both pools. Qualities are task metrics in [0, 1]; costs in USD."""

    score: float
    weak_quality: float
    strong_quality: float
    weak_cost: float
    strong_cost: float


@dataclass(frozen=True)
class CurvePoint:
    threshold: float  # route strong when score >= threshold
    strong_share: float  # fraction of prompts routed to the strong pool
    quality: float  # mean quality of the routed answers
    cost_per_1k: float  # USD per 1,000 routed prompts
    pgr: float | None  # None when the quality gap is 0


@dataclass
class RoutingCurve:
    points: list[CurvePoint]  # by increasing strong_share: threshold +inf (all weak) ... min score (all strong)
    weak_quality: float
    strong_quality: float
    gap: float  # strong_quality - weak_quality
    apgr: float | None
    cpt50: float | None  # strong-call share needed for 50 % PGR
    cpt80: float | None
    current: CurvePoint | None = None  # the deployment's threshold, where known
    n: int = 0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _point(prompts: Sequence[RoutedPrompt], threshold: float, weak_q: float, gap: float) -> CurvePoint:
    routed_strong = [p.score >= threshold for p in prompts]
    n = len(prompts)
    quality = sum(p.strong_quality if strong else p.weak_quality for p, strong in zip(prompts, routed_strong)) / n
    cost = sum(p.strong_cost if strong else p.weak_cost for p, strong in zip(prompts, routed_strong)) / n
    pgr = (quality - weak_q) / gap if gap != 0 else None
    return CurvePoint(threshold, sum(routed_strong) / n, quality, cost * 1000, pgr)


def calls_for_pgr(points: Sequence[CurvePoint], target: float) -> float | None:
    """The smallest strong-call share among the curve's points whose PGR reaches `target` (0-1)."""
    reaching = [p.strong_share for p in points if p.pgr is not None and p.pgr >= target - 1e-12]
    return min(reaching) if reaching else None


def area_under_pgr(points: Sequence[CurvePoint]) -> float | None:
    """Trapezoidal area under PGR over the strong-call share axis [0, 1] (points must span 0 to 1)."""
    if not points or points[0].pgr is None:
        return None
    area = 0.0
    for left, right in zip(points, points[1:]):
        area += (right.strong_share - left.strong_share) * (left.pgr + right.pgr) / 2
    return area


def routing_curve(prompts: Sequence[RoutedPrompt], current_threshold: float | None = None,
                  gap_epsilon: float = 1e-9) -> RoutingCurve:
    """The curve at every distinct threshold: +inf (no strong calls), then each distinct router score from
    the highest down (prompts with equal scores move together). Raises ValueError on no prompts."""
    if not prompts:
        raise ValueError("the routing curve needs at least one prompt answered by both pools")
    n = len(prompts)
    weak_q = sum(p.weak_quality for p in prompts) / n
    strong_q = sum(p.strong_quality for p in prompts) / n
    gap = strong_q - weak_q
    effective_gap = gap if abs(gap) > gap_epsilon else 0.0
    thresholds = [math.inf, *sorted({p.score for p in prompts}, reverse=True)]
    points = [_point(prompts, t, weak_q, effective_gap) for t in thresholds]
    notes = []
    if effective_gap == 0:
        notes.append("The strong and weak pools have the same mean quality on these prompts (gap 0): PGR, APGR "
                     "and the calls needed for 50 %/80 % of the gap are undefined; only the cost curve applies.")
    elif gap < 0:
        notes.append(f"The weak pool scored higher than the strong pool (gap {gap:+.4f}): PGR is measured "
                     "against a negative gap, so routing more calls to the strong pool lowers it.")
    current = _point(prompts, current_threshold, weak_q, effective_gap) if current_threshold is not None else None
    return RoutingCurve(
        points=points, weak_quality=weak_q, strong_quality=strong_q, gap=gap,
        apgr=area_under_pgr(points), cpt50=calls_for_pgr(points, 0.5), cpt80=calls_for_pgr(points, 0.8),
        current=current, n=n, notes=notes,
    )


def token_cost(prompt_tokens: int, completion_tokens: int, input_per_million: float, output_per_million: float) -> float:
    """USD for one call at per-million-token prices."""
    return (prompt_tokens * input_per_million + completion_tokens * output_per_million) / 1_000_000
