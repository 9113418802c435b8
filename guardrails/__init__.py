"""Guardrails library: PII, secret and toxicity scanners with per-tenant actions (no Ray).

    from guardrails import Guardrails, GuardrailsConfig
    guardrails = Guardrails(GuardrailsConfig())
    result = guardrails.scan(prompt, direction="input", tenant=tenant)
    result.text, result.blocked, result.blocked_kinds, result.header_value(), result.summary()

    stream = guardrails.output_stream(tenant)
    safe = stream.feed(delta); ...; rest = stream.finish(); stream.blocked; stream.result()

Evaluation: `python -m guardrails.eval --set dev|test|PATH`.
"""

from guardrails.config import Action, Direction, GuardrailsConfig, KindPolicy, ScannerOverride, ScannerPolicy
from guardrails.guard import GuardResult, Guardrails, placeholder, redact
from guardrails.scanners import SCANNERS, Finding, Scanner
from guardrails.stream import OutputStream

__all__ = ["SCANNERS", "Action", "Direction", "Finding", "GuardResult", "Guardrails", "GuardrailsConfig",
           "KindPolicy", "OutputStream", "Scanner", "ScannerOverride", "ScannerPolicy", "placeholder", "redact"]
