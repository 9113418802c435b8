"""Configuration of the guardrails: which scanners run, what they do per direction, kind and tenant.

    GuardrailsConfig(scanners={"pii": {"input": "redact", "output": "redact",
                                       "per_kind": {"CREDIT_CARD": {"input": "block"}}}},
                     tenants={"acme": {"pii": {"input": "block"}}})

Actions, weakest to strongest: `off` (not reported), `annotate` (reported in the `x-guardrails` header and
the body), `redact` (the span becomes `<KIND>`), `block` (input: 400 content_policy_violation; output:
finish_reason content_filter). Resolution for (tenant, scanner, kind, direction), first set wins:
tenant per_kind > tenant scanner > global per_kind > global scanner.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from guardrails.scanners import SCANNERS

Action = Literal["off", "annotate", "redact", "block"]
Direction = Literal["input", "output"]
ACTION_STRENGTH: dict[str, int] = {"off": 0, "annotate": 1, "redact": 2, "block": 3}


class KindPolicy(BaseModel):
    """Actions for one kind; unset directions fall back to the scanner's."""

    model_config = ConfigDict(extra="forbid")

    input: Action | None = None
    output: Action | None = None


class ScannerOverride(BaseModel):
    """A tenant's changes to one scanner's policy; every field is optional (unset = the global value)."""

    model_config = ConfigDict(extra="forbid")

    input: Action | None = Field(None, description="Action on the request's text (prompt, messages).")
    output: Action | None = Field(None, description="Action on the model's answer, streamed or not.")
    kinds: list[str] | None = Field(None, description="Kinds reported; the scanner's defaults when unset.")
    per_kind: dict[str, KindPolicy] = Field(default_factory=dict, description="Actions of single kinds.")
    threshold: float | None = Field(None, ge=0.0, le=1.0, description="Findings scoring below are dropped.")


class ScannerPolicy(ScannerOverride):
    """One scanner's global policy, plus its construction options (validated by the scanner's Options)."""

    input: Action = "redact"
    output: Action = "redact"
    options: dict[str, Any] = Field(default_factory=dict, description="Scanner-specific options.")


def default_scanners() -> dict[str, ScannerPolicy]:
    return {
        "pii": ScannerPolicy(input="redact", output="redact"),
        "secrets": ScannerPolicy(input="redact", output="redact"),
        "toxicity": ScannerPolicy(input="annotate", output="annotate"),
    }


def _check_kinds(where: str, scanner: str, policy: ScannerOverride) -> None:
    known = SCANNERS[scanner].kinds
    for kind in [*(policy.kinds or []), *policy.per_kind]:
        if kind not in known:
            raise ValueError(f"{where}: unknown kind {kind!r} for scanner {scanner!r}; known: {list(known)}")


class GuardrailsConfig(BaseModel):
    """Settings of one `Guardrails` (one per ingress replica)."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(default=True, description="False: scan nothing, change nothing.")
    scanners: dict[str, ScannerPolicy] = Field(
        default_factory=default_scanners,
        description="Scanners to run, by registry name (guardrails.scanners.SCANNERS); unlisted ones don't run.",
    )
    tenants: dict[str, dict[str, ScannerOverride]] = Field(
        default_factory=dict, description="Per-tenant overrides: tenant -> scanner name -> override."
    )
    stream_scan_every_chars: int = Field(
        default=32, ge=1,
        description="A stream rescans its held-back text after this many new characters (CPU vs latency).",
    )

    @field_validator("scanners")
    @classmethod
    def _scanners_known(cls, scanners: dict[str, ScannerPolicy]) -> dict[str, ScannerPolicy]:
        for name, policy in scanners.items():
            if name not in SCANNERS:
                raise ValueError(f"scanners.{name}: unknown scanner; known: {sorted(SCANNERS)}")
            _check_kinds(f"scanners.{name}", name, policy)
            try:
                SCANNERS[name].Options(**policy.options)
            except ValidationError as error:
                fields = ", ".join(".".join(map(str, e["loc"])) + f" ({e['msg']})" for e in error.errors())
                raise ValueError(f"scanners.{name}.options: {fields}") from None
        return scanners

    @model_validator(mode="after")
    def _tenants_name_configured_scanners(self) -> GuardrailsConfig:
        for tenant, overrides in self.tenants.items():
            for name, override in overrides.items():
                if name not in self.scanners:
                    raise ValueError(f"tenants.{tenant}.{name}: scanner not in `scanners` "
                                     f"(configured: {sorted(self.scanners)})")
                _check_kinds(f"tenants.{tenant}.{name}", name, override)
        return self
