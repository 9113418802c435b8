"""The guardrails stages: the request's text before the cache and the model see it, the answer before
the client does (streamed answers chunk by chunk). Detection and actions are the guardrails library's;
this module applies its results to requests, responses and stream chunks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.endpoints import Endpoint
from pipeline.errors import APIError

BLOCKED_ANSWER = "I can't share that answer: it was withheld by the content policy ({kinds})."


@dataclass
class GuardReport:
    """What the guardrails found and did in one request, per direction: kinds and counts, never values."""

    results: dict[str, list[Any]] = field(default_factory=lambda: {"input": [], "output": []})

    def add(self, direction: str, result: Any) -> None:
        if result.findings:
            self.results[direction].append(result)

    def header(self) -> str:
        """x-guardrails, e.g. `input redacted=EMAIL_ADDRESS; output annotated=TOXICITY`."""
        parts = []
        for direction, results in self.results.items():
            for value in dict.fromkeys(r.header_value() for r in results if r.header_value()):
                parts.append(f"{direction} {value}")
        return "; ".join(parts)

    def body_field(self) -> dict[str, Any] | None:
        summary = {d: [r.summary() for r in results] for d, results in self.results.items() if results}
        return summary or None

    def findings(self) -> list[tuple[str, str, str, str]]:
        """(scanner, kind, action, direction) per finding, for the metrics."""
        return [(f.scanner, f.kind, r.actions_taken.get(f.kind, "annotate"), direction)
                for direction, results in self.results.items() for r in results for f in r.findings]


def guard_input(guardrails: Any, endpoint: Endpoint, request: Any, tenant: str, report: GuardReport) -> Any:
    """The request with its texts redacted where configured; a 400 `content_policy_violation` naming the
    kinds (never the data) where a block action fires."""
    blocked: list[str] = []

    def change(text: str) -> str:
        result = guardrails.scan(text, "input", tenant)
        report.add("input", result)
        blocked.extend(result.blocked_kinds)
        return result.text

    guarded = endpoint.map_texts(request, change)
    if blocked:
        kinds = ", ".join(sorted(set(blocked)))
        raise APIError(400, f"The request was refused by the content policy: it contains {kinds}.",
                       param=endpoint.prompt_param, code="content_policy_violation")
    return guarded


def guard_output(guardrails: Any, endpoint: Endpoint, body: dict[str, Any], tenant: str, report: GuardReport) -> None:
    """Redact or withhold each choice of a full response in place (withheld: `finish_reason: content_filter`)."""
    finish = dict(zip([c.get("index", 0) for c in body.get("choices", [])], endpoint.finish_reasons(body)))
    for index, text in endpoint.choice_texts(body).items():
        if not text:
            continue
        result = guardrails.scan(text, "output", tenant)
        report.add("output", result)
        if result.blocked:
            endpoint.replace_choice(body, index, BLOCKED_ANSWER.format(kinds=", ".join(result.blocked_kinds)), "content_filter")
        elif result.text != text:
            endpoint.replace_choice(body, index, result.text, finish.get(index) or "stop")


class StreamGuard:
    """Per choice of a stream, the library's OutputStream: each chunk carries only text that can no longer
    become part of a redacted span (the rest is held back, at most `hold_back_chars`); a choice whose
    answer hits a block action gets no more text and ends with `finish_reason: content_filter`."""

    def __init__(self, guardrails: Any, endpoint: Endpoint, tenant: str, report: GuardReport):
        self.guardrails, self.endpoint, self.tenant, self.report = guardrails, endpoint, tenant, report
        self.streams: dict[int, Any] = {}

    def filter(self, chunk: dict[str, Any]) -> None:
        for piece in self.endpoint.chunk_pieces(chunk):
            stream = self.streams.get(piece.index)
            if stream is None:
                stream = self.streams[piece.index] = self.guardrails.output_stream(self.tenant)
            safe = "" if stream.blocked else stream.feed(piece.text)
            if piece.finish_reason is not None and not stream.blocked:
                safe += stream.finish()
            self.endpoint.set_piece_text(chunk, piece.index, safe)
            if stream.blocked and piece.finish_reason is not None:
                self.endpoint.set_piece_finish(chunk, piece.index, "content_filter")
            if piece.finish_reason is not None:
                self.report.add("output", stream.result())
