"""`Guardrails`: run the configured scanners on a text and apply each finding's action.

    guardrails = Guardrails(GuardrailsConfig())
    result = guardrails.scan("mail me at bob@example.com", direction="input", tenant="acme")
    result.text            # "mail me at <EMAIL_ADDRESS>"
    result.blocked         # False
    result.header_value()  # "redacted=EMAIL_ADDRESS"
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from guardrails.config import ACTION_STRENGTH, Action, Direction, GuardrailsConfig
from guardrails.scanners import SCANNERS, Finding, Scanner


def placeholder(kind: str) -> str:
    return f"<{kind}>"


def redact(text: str, findings: list[Finding]) -> str:
    """`text` with every finding's span replaced by `<KIND>`. Overlapping spans (from different scanners)
    merge into one placeholder, of the longest span's kind, so no piece of either value survives."""
    merged: list[list] = []  # [start, end, kind, longest length]
    for finding in sorted(findings, key=lambda f: f.start):
        length = finding.end - finding.start
        if merged and finding.start < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], finding.end)
            if length > last[3]:
                last[2], last[3] = finding.kind, length
        else:
            merged.append([finding.start, finding.end, finding.kind, length])
    pieces, position = [], 0
    for start, end, kind, _ in merged:
        pieces += [text[position:start], placeholder(kind)]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


@dataclass(frozen=True)
class ActedFinding:
    finding: Finding
    action: Action


@dataclass(frozen=True)
class GuardResult:
    """The outcome of one scan.

    text: the scanned text with redact and block spans replaced by `<KIND>` (block spans too, so that a
        blocked text that still reaches a log holds no raw value).
    findings: what was found and acted on (action not `off`), sorted by start.
    actions_taken: kind -> the strongest action applied to it.
    blocked / blocked_kinds: whether a `block` action fired, and for which kinds (sorted)."""

    text: str
    findings: list[Finding] = field(default_factory=list)
    actions_taken: dict[str, Action] = field(default_factory=dict)
    blocked: bool = False
    blocked_kinds: list[str] = field(default_factory=list)

    def header_value(self) -> str:
        """For the `x-guardrails` response header, e.g. `redacted=EMAIL_ADDRESS,PHONE_NUMBER; annotated=TOXICITY`;
        empty when nothing was found. Kinds only, never values."""
        parts = []
        for action, label in (("block", "blocked"), ("redact", "redacted"), ("annotate", "annotated")):
            kinds = sorted(kind for kind, taken in self.actions_taken.items() if taken == action)
            if kinds:
                parts.append(f"{label}={','.join(kinds)}")
        return "; ".join(parts)

    def summary(self) -> dict:
        """Safe for logs and metrics: `{"blocked", "actions": {kind: action}, "counts": {kind: n}}`."""
        return {"blocked": self.blocked, "actions": dict(sorted(self.actions_taken.items())),
                "counts": dict(sorted(Counter(f.kind for f in self.findings).items()))}


@dataclass(frozen=True)
class ScannerRule:
    """One scanner's resolved policy for one tenant and direction."""

    kinds: frozenset[str]
    threshold: float
    actions: dict[str, Action]  # kind -> action (only kinds whose action is not off)


class Guardrails:
    """Scanners built once from a `GuardrailsConfig`; `scan` and `output_stream` apply a tenant's policy.

    Scanners detect the union of the kinds any tenant asks for; a tenant's kinds and threshold filter the
    findings afterwards, so one scanner instance serves every tenant. Thread-safe: scanning holds no state."""

    def __init__(self, config: GuardrailsConfig | None = None, scanners: dict[str, Scanner] | None = None):
        """`scanners`: prebuilt instances by name (tests inject doubles); built from the config otherwise."""
        self.config = config or GuardrailsConfig()
        self.scanners: dict[str, Scanner] = dict(scanners or {})
        for name, policy in self.config.scanners.items():
            if name in self.scanners:
                continue
            cls = SCANNERS[name]
            wanted = set(policy.kinds or cls.default_kinds)
            for overrides in self.config.tenants.values():
                if name in overrides and overrides[name].kinds:
                    wanted |= set(overrides[name].kinds)
            kinds = [kind for kind in cls.kinds if kind in wanted]
            self.scanners[name] = cls(kinds=kinds, options=cls.Options(**policy.options))
        self.rules = lru_cache(maxsize=4096)(self._rules)

    def _rules(self, tenant: str, direction: Direction) -> dict[str, ScannerRule]:
        """scanner name -> rule, for scanners with at least one kind not off."""
        rules = {}
        for name, policy in self.config.scanners.items():
            override = self.config.tenants.get(tenant, {}).get(name)
            scanner_cls = SCANNERS[name]
            kinds = (override.kinds if override and override.kinds is not None else None) or policy.kinds \
                or scanner_cls.default_kinds
            threshold = next((t for t in (override and override.threshold, policy.threshold) if t is not None),
                             scanner_cls.default_threshold)
            actions = {}
            for kind in kinds:
                candidates = [
                    override and override.per_kind.get(kind) and getattr(override.per_kind[kind], direction),
                    override and getattr(override, direction),
                    policy.per_kind.get(kind) and getattr(policy.per_kind[kind], direction),
                    getattr(policy, direction),
                ]
                action = next(a for a in candidates if a)
                if action != "off":
                    actions[kind] = action
            if actions:
                rules[name] = ScannerRule(frozenset(kinds), threshold, actions)
        return rules

    def findings(self, text: str, direction: Direction, tenant: str,
                 only: set[str] | None = None) -> list[ActedFinding]:
        """Findings above the tenant's thresholds whose action is not off, sorted by start; `only` limits the
        scanners run (by name)."""
        if not self.config.enabled or not text:
            return []
        acted = []
        for name, rule in self.rules(tenant, direction).items():
            if only is not None and name not in only:
                continue
            for finding in self.scanners[name].scan(text):
                if finding.kind in rule.actions and finding.score >= rule.threshold:
                    acted.append(ActedFinding(finding, rule.actions[finding.kind]))
        return sorted(acted, key=lambda a: a.finding.start)

    def scan(self, text: str, direction: Direction, tenant: str = "default") -> GuardResult:
        """Scan `text` (a prompt or an answer) and apply the tenant's actions for `direction`."""
        if direction not in ("input", "output"):
            raise ValueError(f"direction must be 'input' or 'output', got {direction!r}")
        return result_of(text, self.findings(text, direction, tenant))

    def hold_back_chars(self, tenant: str = "default") -> int:
        """Characters an output stream of this tenant holds back: the longest pattern prefix among the
        scanners that redact or block on output (0 when none does; sentence scanners hold the open sentence)."""
        return max((self.scanners[name].hold_back_chars for name in self.holding_scanners(tenant)
                    if name != "toxicity"), default=0)

    def holding_scanners(self, tenant: str) -> set[str]:
        """Scanners that must see a span whole before it is emitted: those that redact or block on output."""
        return {name for name, rule in self.rules(tenant, "output").items()
                if any(action in ("redact", "block") for action in rule.actions.values())}

    def output_stream(self, tenant: str = "default"):
        """A `guardrails.stream.OutputStream` for one streamed answer of `tenant`."""
        from guardrails.stream import OutputStream

        return OutputStream(self, tenant)


def result_of(text: str, acted: list[ActedFinding]) -> GuardResult:
    actions: dict[str, Action] = {}
    for item in acted:
        kind = item.finding.kind
        if ACTION_STRENGTH[item.action] > ACTION_STRENGTH.get(actions.get(kind, "off"), 0):
            actions[kind] = item.action
    hidden = [item.finding for item in acted if item.action in ("redact", "block")]
    blocked_kinds = sorted({item.finding.kind for item in acted if item.action == "block"})
    return GuardResult(text=redact(text, hidden) if hidden else text, findings=[a.finding for a in acted],
                       actions_taken=actions, blocked=bool(blocked_kinds), blocked_kinds=blocked_kinds)
