"""Redaction of a streamed answer, chunk by chunk, such that no redacted span leaves split across chunks.

    stream = guardrails.output_stream(tenant)
    for delta in model_deltas:
        safe = stream.feed(delta)       # emit `safe` (maybe "")
        if stream.blocked: break        # end the stream with finish_reason "content_filter"
    rest = stream.finish()              # emit `rest`; stream.result() has the findings of the whole answer

How much is held back: the stream keeps unemitted the last `hold_back_chars` characters (136 with the
default PII scanner: the longest prefix an e-mail of RFC 5321 lengths needs before the pattern matches; 104
for secrets alone; 0 when no scanner redacts or blocks output). Besides:
- a finding that starts before that point and ends after it is held whole;
- open-ended secrets (PEM blocks, JWTs, sk- keys) keep matching up to the end of the held text and are
  held until they end;
- with toxicity on redact or block, the open sentence is held until it ends (at most `max_sentence_chars`).
Why it is safe: a pattern that can match at position p needs at most `hold_back_chars` characters after p
to start matching; emitted text is at least that far from the end, so any match overlapping it has been seen
whole (and is redacted) or is held with its start.

Cost: the held text (~hold_back_chars + `stream_scan_every_chars`) is rescanned every
`stream_scan_every_chars` new characters (default 32, i.e. every ~8 tokens), by the holding scanners only.
"""

from __future__ import annotations

from guardrails.guard import GuardResult, Guardrails, redact

LEFT_CONTEXT_CHARS = 32  # already-emitted raw text rescanned for look-behinds (\b, (?<!\w)) at the cut


class OutputStream:
    def __init__(self, guardrails: Guardrails, tenant: str):
        self.guardrails = guardrails
        self.tenant = tenant
        self.holding = guardrails.holding_scanners(tenant) if guardrails.config.enabled else set()
        self.hold_back_chars = guardrails.hold_back_chars(tenant) if self.holding else 0
        self.blocked = False
        self.blocked_kinds: list[str] = []
        self._full: list[str] = []  # the raw answer, for result()
        self._left = ""  # raw tail of what was emitted
        self._buffer = ""  # raw text not emitted yet
        self._unscanned = 0
        self._finished = False
        self._result: GuardResult | None = None

    def feed(self, delta: str) -> str:
        """Add the next piece of the answer; returns the text that is safe to emit now (maybe "")."""
        if self._finished:
            raise RuntimeError("feed() after finish()")
        self._full.append(delta)
        if self.blocked:
            return ""
        if not self.holding:
            return delta
        self._buffer += delta
        self._unscanned += len(delta)
        if self._unscanned < self.guardrails.config.stream_scan_every_chars:
            return ""
        return self._release(final=False)

    def finish(self) -> str:
        """The end of the answer: returns the rest, redacted ("" if blocked)."""
        if self._finished:
            return ""
        self._finished = True
        if self.blocked or not self.holding:
            return ""
        return self._release(final=True)

    def result(self) -> GuardResult:
        """Findings and actions of the whole answer (for the header, the body field, logs, metrics); after finish."""
        if self._result is None:
            self._result = self.guardrails.scan("".join(self._full), "output", self.tenant)
        return self._result

    def _release(self, final: bool) -> str:
        self._unscanned = 0
        text = self._left + self._buffer
        offset = len(self._left)
        acted = [a for a in self.guardrails.findings(text, "output", self.tenant, only=self.holding)
                 if a.finding.end > offset]
        blocking = sorted({a.finding.kind for a in acted if a.action == "block"})
        if blocking:
            self.blocked, self.blocked_kinds, self._buffer = True, blocking, ""
            return ""
        hidden = [a.finding for a in acted if a.action == "redact"]
        cut = len(text)
        if not final:
            cut = min(self.guardrails.scanners[name].stream_cut(text) for name in self.holding)
            moved = True
            while moved:  # a span across the cut is held whole (moving the cut can catch another span)
                moved = False
                for finding in hidden:
                    if finding.start < cut < finding.end:
                        cut, moved = finding.start, True
            cut = max(cut, offset)
        # A span that began in already-emitted context is clipped to what is left (over-redaction, never a leak).
        emit = [f.shifted(-offset) for f in hidden if f.start < cut]
        emit = [type(f)(f.scanner, f.kind, max(0, f.start), min(f.end, cut - offset), f.score) for f in emit]
        out = redact(text[offset:cut], emit) if emit else text[offset:cut]
        self._left = text[max(0, cut - LEFT_CONTEXT_CHARS):cut]
        self._buffer = text[cut:]
        return out
