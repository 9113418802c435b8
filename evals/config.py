"""What one evaluation run does: which deployment, which pools, which set, how many items, what prices."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

REPO_ROOT = Path(__file__).resolve().parents[1]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PoolPrices(StrictModel):
    """USD per million tokens (the shape of serve_config.yaml's `pools.<pool>.prices`)."""

    input_per_million: float = Field(ge=0)
    output_per_million: float = Field(ge=0)


class EvalConfig(StrictModel):
    url: str = Field("http://127.0.0.1:8000", description="Base URL of the deployment's OpenAI API.")
    api_key: str | None = Field(None, description="Bearer key; the run is one tenant's traffic.")
    weak: str = Field("small", description="`model` of the cheap pool (RouteLLM's weak model).")
    strong: str = Field("large", description="`model` of the expensive pool (the strong model).")
    set: str = Field("dev", description="dev | test | a folder in the same format.")
    limit: int | None = Field(None, ge=1, description="Items per task (the first N of each file).")
    tasks: list[str] = Field(default_factory=lambda: ["perplexity", "qa", "translation", "summarization"])
    concurrency: int = Field(4, ge=1, le=256, description="Requests in flight.")
    timeout_s: float = Field(300.0, gt=0)
    bootstrap_samples: int = Field(1000, ge=0, description="Resamples for the 95 % intervals (0: none).")
    seed: int = 0
    prices: dict[str, PoolPrices] = Field(
        default_factory=dict, description="Per pool; overrides the prices file. GET /v1/models `pricing` wins.")
    prices_file: Path | None = Field(REPO_ROOT / "serve_config.yaml",
                                     description="A serve config to read `pools.*.prices` from when neither "
                                                 "/v1/models nor `prices` has them.")

    @field_validator("tasks")
    @classmethod
    def _known_tasks(cls, tasks: list[str]) -> list[str]:
        from evals.tasks import TASKS

        unknown = [task for task in tasks if task not in TASKS]
        if unknown:
            raise ValueError(f"unknown task(s) {unknown}; known: {sorted(TASKS)}")
        if not tasks:
            raise ValueError("at least one task")
        return tasks

    @model_validator(mode="after")
    def _two_pools(self) -> "EvalConfig":
        if self.weak == self.strong:
            raise ValueError("weak and strong must be different pools")
        return self

    @property
    def pools(self) -> tuple[str, str]:
        return (self.weak, self.strong)
