"""The transformers engine on the real default model (CPU): batching, limits, stop strings, seeds."""

import asyncio

import pytest
from transformers import AutoTokenizer

from engines import GenerationRequest
from engines.transformers_engine import TransformersEngine


@pytest.fixture(scope="module")
def engine_and_tokenizer(model_dir):
    engine = TransformersEngine(str(model_dir))
    asyncio.run(engine.start())
    return engine, AutoTokenizer.from_pretrained(model_dir)


def _request(tokenizer, question, request_id, **sampling):
    ids = tokenizer.apply_chat_template(
        [{"role": "user", "content": question}], add_generation_prompt=True, tokenize=True, return_dict=False
    )
    return GenerationRequest(request_id=request_id, prompt_token_ids=list(ids), **{"temperature": 0.0, **sampling})


def _run_batch(engine, requests):
    async def collect():
        texts, last = [""] * len(requests), [None] * len(requests)
        async for step in engine.generate_batch(requests):
            assert len(step) == len(requests)
            for i, chunk in enumerate(step):
                if chunk is not None:
                    assert last[i] is None or last[i].finish_reason is None, "chunk after the final one"
                    texts[i] += chunk.text
                    last[i] = chunk
        return texts, last

    return asyncio.run(collect())


def test_batched_greedy_output_matches_single_request(engine_and_tokenizer):
    engine, tokenizer = engine_and_tokenizer
    questions = ["What is the capital of France?", "Name three primary colors.", "What is 2 + 2?"]
    batch = [_request(tokenizer, q, f"b{i}", max_tokens=24) for i, q in enumerate(questions)]
    batched_texts, _ = _run_batch(engine, batch)
    alone_texts, _ = _run_batch(engine, [_request(tokenizer, questions[1], "alone", max_tokens=24)])
    # Left padding and per-row positions must not change what a request generates.
    assert batched_texts[1] == alone_texts[0]
    assert "Paris" in batched_texts[0]


def test_each_request_stops_at_its_own_max_tokens(engine_and_tokenizer):
    engine, tokenizer = engine_and_tokenizer
    requests = [
        _request(tokenizer, "Write a long story about a dragon.", "short", max_tokens=3),
        _request(tokenizer, "Write a long story about a dragon.", "long", max_tokens=12),
    ]
    _, last = _run_batch(engine, requests)
    assert (last[0].completion_tokens, last[0].finish_reason) == (3, "length")
    assert (last[1].completion_tokens, last[1].finish_reason) == (12, "length")
    assert last[0].prompt_tokens == len(requests[0].prompt_token_ids)


def test_stop_string_ends_generation_without_it(engine_and_tokenizer):
    engine, tokenizer = engine_and_tokenizer
    free, _ = _run_batch(engine, [_request(tokenizer, "Count from 1 to 10, comma separated.", "free", max_tokens=30)])
    assert "5" in free[0]
    stopped, last = _run_batch(
        engine, [_request(tokenizer, "Count from 1 to 10, comma separated.", "stop", max_tokens=30, stop=["5"])]
    )
    assert "5" not in stopped[0] and last[0].finish_reason == "stop"
    assert free[0].startswith(stopped[0])


def test_same_seed_same_sample(engine_and_tokenizer):
    engine, tokenizer = engine_and_tokenizer
    make = lambda rid, seed: _request(tokenizer, "Invent a name for a cat.", rid, max_tokens=12, temperature=1.0, seed=seed)
    first, _ = _run_batch(engine, [make("a", 7)])
    again, _ = _run_batch(engine, [make("b", 7)])
    assert first == again
