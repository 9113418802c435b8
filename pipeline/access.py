"""Who is calling and what they may spend: the values the authentication and limits stages exchange
with the pipeline (the tenancy library behind them lives in tenancy/, wired in by the ingress)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

# A prompt-size estimate for the up-front token reservation (settled from the real usage later): about 4
# characters per token for English text with BPE tokenizers, plus what chat templates add around each
# message and before the first (SmolLM2's template inserts a ~30-token default system prompt). Erring
# high keeps concurrent requests from overrunning a tpm window; the settlement gives the rest back.
CHARS_PER_TOKEN = 4
TEMPLATE_TOKENS_PER_MESSAGE = 5
TEMPLATE_TOKENS_PER_PROMPT = 32


@dataclass(frozen=True)
class Caller:
    """An authenticated caller. `models`: the `model` values it may request (None: all); `pools`: the
    pools `auto` routing and failover may use for it (None: all)."""

    tenant: str
    key_id: str = ""
    models: tuple[str, ...] | None = None
    pools: tuple[str, ...] | None = None
    record: Any = field(default=None, compare=False, repr=False)  # the key record the limits stage needs

    def may_use(self, model: str) -> bool:
        return self.models is None or model in self.models


class Grant(Protocol):
    """An admission by the limits stage: OpenAI's x-ratelimit-* headers for the response; settled once
    the request ends with the tokens and cost it really used."""

    headers: dict[str, str]


def estimate_prompt_tokens(texts: list[str]) -> int:
    """Tokens a prompt made of these message texts will take, erring high (see above)."""
    return sum(len(t) for t in texts) // CHARS_PER_TOKEN + TEMPLATE_TOKENS_PER_MESSAGE * len(texts) + TEMPLATE_TOKENS_PER_PROMPT
