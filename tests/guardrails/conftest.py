"""Shared fixtures: one Guardrails with the default config (scanners are built once per session)."""

import pytest

from guardrails import Guardrails, GuardrailsConfig


@pytest.fixture(scope="session")
def guardrails() -> Guardrails:
    return Guardrails(GuardrailsConfig())
