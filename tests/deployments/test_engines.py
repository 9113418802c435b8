"""deployments/engines.py: the pool server starts its engine inside the CPU placement (engines/placement.py
is tested with real processes in tests/engines/test_engines_placement.py), with the engine's ranks and
whether it computes in the replica."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from ray.serve.llm import LLMConfig, LLMServer

import deployments.engines as engines
from deployments.engines import PlacedLLMServer, PoolServer, TransformersLLMEngine


class RecordingPlacement:
    def __init__(self, log: list):
        self.log = log

    @contextlib.contextmanager
    def spawning_engine(self, ranks: int = 1, engine_in_process: bool = False):
        self.log.append(("enter", ranks, engine_in_process))
        yield
        self.log.append(("exit",))


class VllmLikeEngine:  # runs its model in processes of its own, as VLLMEngine does
    def __init__(self, llm_config):
        pass


@pytest.mark.parametrize("server_cls", [PlacedLLMServer, PoolServer])
@pytest.mark.parametrize(
    "engine_cls, engine_kwargs, expected",
    [
        (VllmLikeEngine, {}, (1, False)),
        (VllmLikeEngine, {"tensor_parallel_size": 2, "pipeline_parallel_size": 2}, (4, False)),
        (TransformersLLMEngine, {}, (1, True)),
    ],
)
def test_the_engine_starts_inside_the_placement(monkeypatch, server_cls, engine_cls, engine_kwargs, expected):
    log: list = []
    monkeypatch.setattr(engines.CpuPlacement, "current", classmethod(lambda cls: RecordingPlacement(log)))

    async def start(self):  # LLMServer.start: builds and starts the engine
        log.append(("engine start", self._engine_cls))

    monkeypatch.setattr(LLMServer, "start", start)
    server = server_cls.sync_init(LLMConfig(model_loading_config={"model_id": "m"}, engine_kwargs=engine_kwargs),
                                  engine_cls=engine_cls)
    asyncio.run(server.start())
    assert log == [("enter", *expected), ("engine start", engine_cls), ("exit",)]
