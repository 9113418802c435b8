"""What every scanner shares: the `Finding` it returns and the `Scanner` interface."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import ClassVar

from pydantic import BaseModel, ConfigDict


@dataclass(frozen=True)
class Finding:
    """One detection: `text[start:end]` (character offsets into the scanned text) is of `kind`.

    `scanner` is the registry name of the scanner that found it; `score` in [0, 1] is the scanner's
    confidence (Presidio's score for PII, 1.0 for secret patterns, the toxicity probability)."""

    scanner: str
    kind: str
    start: int
    end: int
    score: float

    def shifted(self, offset: int) -> Finding:
        return Finding(self.scanner, self.kind, self.start + offset, self.end + offset, self.score)


class ScannerOptions(BaseModel):
    """Scanner-specific construction options (a scanner subclasses this); none by default."""

    model_config = ConfigDict(extra="forbid")


class Scanner(ABC):
    """Finds spans of some kinds in a text. Subclasses set the class variables and implement `scan`.

    Streams: `stream_cut(text)` is the earliest offset of `text` that a finding could still cover once
    more text is appended; everything before it is final. Pattern scanners hold back `hold_back_chars`
    (the longest prefix a pattern needs before it matches); sentence scanners hold the open sentence."""

    name: ClassVar[str]
    kinds: ClassVar[tuple[str, ...]]  # every kind this scanner can report
    default_kinds: ClassVar[tuple[str, ...]]  # the kinds reported when the config names none
    default_threshold: ClassVar[float]  # findings scoring below are dropped
    hold_back_chars: ClassVar[int]
    Options: ClassVar[type[ScannerOptions]] = ScannerOptions

    def __init__(self, kinds: Collection[str] | None = None, options: ScannerOptions | None = None):
        """`kinds`: the kinds to report (default `default_kinds`); ValueError names an unknown kind."""
        self.active_kinds = tuple(kinds) if kinds is not None else self.default_kinds
        unknown = sorted(set(self.active_kinds) - set(self.kinds))
        if unknown:
            raise ValueError(f"scanner {self.name!r} knows no kind {unknown}; known: {list(self.kinds)}")
        self.options = options if options is not None else self.Options()

    @abstractmethod
    def scan(self, text: str) -> list[Finding]:
        """Findings in `text`, sorted by start, without overlaps between them."""

    def stream_cut(self, text: str) -> int:
        return max(0, len(text) - self.hold_back_chars)


def resolve_overlaps(findings: Iterable[Finding]) -> list[Finding]:
    """Keep, among overlapping findings, the highest-scoring, then the longest; sorted by start.

    Why: one span is one thing (a card number is not also a phone number), so precision per kind counts it
    once and a redaction gets one placeholder."""
    kept: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (-f.score, -(f.end - f.start), f.start)):
        if all(finding.end <= other.start or finding.start >= other.end for other in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: f.start)
