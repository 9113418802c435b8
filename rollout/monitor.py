"""`CanaryMonitor`: feeds finished requests to one `CanaryAnalyzer` per pool, evaluates them every few
seconds, and when a canary is judged worse (and automatic rollback is on) sends its traffic back to the
stable version, through the caller's `set_split`. Every decision, with its evidence, stays readable
(`decisions()`), for the ingress' GET /v1/rollout and `make promote`."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Callable

from rollout.analysis import CanaryAnalysisConfig, CanaryAnalyzer, Decision, Outcome
from rollout.split import VersionSplit

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PoolAnalysis:
    config: CanaryAnalysisConfig
    auto_rollback: bool = True


class CanaryMonitor:
    """One per ingress replica. `split_of(pool)` reads the live split, `set_split(pool, split)` changes it;
    `on_rollback(pool, decision)` is told of every automatic rollback (log, metric). `clock`: seconds."""

    def __init__(
        self,
        pools: dict[str, PoolAnalysis],
        split_of: Callable[[str], VersionSplit],
        set_split: Callable[[str, VersionSplit], None],
        on_rollback: Callable[[str, Decision], None] = lambda pool, decision: None,
        evaluate_every_s: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.pools, self.split_of, self.set_split, self.on_rollback = pools, split_of, set_split, on_rollback
        self.evaluate_every_s, self.clock = evaluate_every_s, clock
        self.analyzers: dict[str, CanaryAnalyzer] = {}
        self.last: dict[str, Decision] = {}
        self.rollbacks: dict[str, list[dict[str, Any]]] = {}
        self._next_evaluation: dict[str, float] = {}

    def _analyzer(self, pool: str) -> CanaryAnalyzer:
        split = self.split_of(pool)
        analyzer = self.analyzers.get(pool)
        if analyzer is None:
            analyzer = self.analyzers[pool] = CanaryAnalyzer(self.pools[pool].config, stable=split.stable, canary=split.canary)
        else:
            analyzer.set_arms(stable=split.stable, canary=split.canary)
        return analyzer

    def observe(self, pool: str, version: str, ok: bool, latency_ms: float, contradicted: bool | None,
                escalated: bool, cost_usd: float) -> Decision | None:
        """Record one finished request; evaluate the pool when due. -> the decision when one was made."""
        if pool not in self.pools:
            return None
        now = self.clock()
        analyzer = self._analyzer(pool)
        analyzer.observe(version, Outcome(ok, latency_ms, contradicted, escalated, cost_usd, now))
        if analyzer.canary is None or now < self._next_evaluation.get(pool, 0.0):
            return None
        self._next_evaluation[pool] = now + self.evaluate_every_s
        return self.evaluate(pool, now)

    def evaluate(self, pool: str, now: float | None = None) -> Decision:
        now = self.clock() if now is None else now
        analyzer = self._analyzer(pool)
        decision = analyzer.evaluate(now)
        self.last[pool] = decision
        if decision.action == "rollback" and self.pools[pool].auto_rollback:
            split = self.split_of(pool)
            change = split.rollback(pool=pool)
            self.set_split(pool, change.split)
            analyzer.set_arms(stable=change.split.stable, canary=None)
            self.rollbacks.setdefault(pool, []).append({"diff": change.diff, "decision": decision.to_dict()})
            logger.warning("canary rolled back: %s; %s", change.diff, decision.reason)
            self.on_rollback(pool, decision)
        return decision

    def decisions(self) -> dict[str, Any]:
        """Per pool: the live split, the last decision with its evidence, and the automatic rollbacks so far."""
        out = {}
        for pool in self.pools:
            split = self.split_of(pool)
            out[pool] = {
                "traffic": dict(split.traffic), "stable": split.stable, "canary": split.canary,
                "last_decision": self.last[pool].to_dict() if pool in self.last else None,
                "rollbacks": self.rollbacks.get(pool, []),
            }
        return out
