"""engines.batching.batch_stream: the first chunks at once, the rest per interval, errors after the items
before them, cancellation reaching the source. Driven by events, never by sleeping."""

import asyncio

import pytest

from engines.batching import batch_stream

LONG_S = 30.0  # an interval no test waits out: a batch that comes early did not come from the tick


class Source:
    """An engine stream the test steps: `release(n)` lets the next n-item step out."""

    def __init__(self, steps: list[list[str]], error: Exception | None = None):
        self.steps, self.error = steps, error
        self.gate = asyncio.Queue()
        self.cancelled = False

    async def __aiter__(self):
        try:
            for step in self.steps:
                await self.gate.get()
                for item in step:
                    yield item  # several items of one step come without an await between them
            await self.gate.get()
            if self.error is not None:
                raise self.error
        except asyncio.CancelledError:
            self.cancelled = True
            raise

    def release(self):
        self.gate.put_nowait(None)


async def _next(stream, timeout_s: float = 5.0):
    return await asyncio.wait_for(stream.__anext__(), timeout_s)


def test_first_step_flushes_at_once_and_the_end_flushes_the_rest():
    async def run():
        source = Source([["role", "Hel"], ["lo"], [" world"]])
        stream = batch_stream(source.__aiter__(), LONG_S)
        source.release()
        assert await _next(stream) == ["role", "Hel"]  # long before the 30 s tick
        source.release(), source.release(), source.release()
        assert await _next(stream) == ["lo", " world"]  # the source ended: flushed without the tick
        with pytest.raises(StopAsyncIteration):
            await _next(stream)

    asyncio.run(run())


def test_later_items_are_batched_per_interval():
    async def run():
        source = Source([["a"], ["b"], ["c"], ["d"]])
        stream = batch_stream(source.__aiter__(), 0.2)
        source.release()
        assert await _next(stream) == ["a"]
        source.release(), source.release()  # two steps inside one interval
        assert await _next(stream) == ["b", "c"]  # one message, at the tick
        source.release(), source.release()
        assert await _next(stream) == ["d"]

    asyncio.run(run())


def test_an_error_comes_after_the_items_before_it():
    async def run():
        source = Source([["a", "b"]], error=ValueError("engine failed"))
        stream = batch_stream(source.__aiter__(), LONG_S)
        source.release()
        assert await _next(stream) == ["a", "b"]
        source.release()
        with pytest.raises(ValueError, match="engine failed"):
            await _next(stream)

    asyncio.run(run())


def test_an_empty_source_yields_nothing():
    async def run():
        source = Source([])
        stream = batch_stream(source.__aiter__(), LONG_S)
        source.release()
        with pytest.raises(StopAsyncIteration):
            await _next(stream)

    asyncio.run(run())


def test_closing_the_stream_cancels_the_source():
    async def run():
        source = Source([["a"], ["b"]])
        stream = batch_stream(source.__aiter__(), LONG_S)
        source.release()
        assert await _next(stream) == ["a"]
        await stream.aclose()  # the client went away
        for _ in range(100):
            if source.cancelled:
                break
            await asyncio.sleep(0)
        assert source.cancelled

    asyncio.run(run())
