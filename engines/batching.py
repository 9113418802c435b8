"""Stream batching for a pool's answers: the first chunks go out as soon as they exist, the rest in batches.

Ray Serve LLM sends a stream as one Ray message per `stream_batching_interval_ms`, so that a replica, the
ingress and the proxy handle a message per batch instead of one per token. Its batcher flushes on a fixed
tick, including the first one, so the first token waits up to a whole interval (on average half: measured
+86 ms of time to first token at concurrency 1 with 200 ms). `batch_stream` flushes the first batch once the
first chunk is there and ticks from then on.
"""

from __future__ import annotations

import asyncio
from typing import AsyncIterator, TypeVar

T = TypeVar("T")


async def batch_stream(items: AsyncIterator[T], interval_s: float) -> AsyncIterator[list[T]]:
    """Yield `items` in lists, never an empty one: the first list as soon as the first item has arrived
    (with whatever the source produced in the same step: vLLM yields the role chunk and the first token
    together), then everything that arrived in each following `interval_s` (seconds), and the rest when
    the source ends. An error of the source is raised after the items before it. Closing this generator
    cancels the source (a client that went away stops the generation)."""
    if interval_s <= 0:  # no batching: a message per item
        async for item in items:
            yield [item]
        return
    queue: asyncio.Queue[T] = asyncio.Queue()
    first_arrived, done = asyncio.Event(), asyncio.Event()

    async def read() -> None:
        try:
            async for item in items:
                queue.put_nowait(item)
                first_arrived.set()
        finally:
            done.set()

    def drain() -> list[T]:
        batch = []
        while not queue.empty():
            batch.append(queue.get_nowait())
        return batch

    reader = asyncio.create_task(read())
    try:
        # The source's first step runs to its first await inside the reader's own loop turn, so by the time
        # this waiter runs, everything produced in that step is queued.
        first = asyncio.ensure_future(first_arrived.wait())
        try:
            await asyncio.wait({first, reader}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            first.cancel()
        while True:
            batch, finished = drain(), reader.done()  # no await in between: nothing can arrive unseen
            if batch:
                yield batch
            if finished:
                reader.result()  # the source's error, after its items
                return
            try:
                await asyncio.wait_for(done.wait(), timeout=interval_s)
            except asyncio.TimeoutError:
                pass
    finally:
        if not reader.done():
            reader.cancel()
