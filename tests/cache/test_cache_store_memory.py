import json
import tracemalloc

import numpy as np
import pytest

from cache import CacheConfig, ResponseCacheStore, StoreOutcome
from cache.entry import CacheEntry
from cache.memory_backend import MemoryBackend


@pytest.fixture
def store(embedder, clock):
    return ResponseCacheStore(CacheConfig(ttl_s=60), embedder=embedder, clock=clock)


def test_exact_hit_returns_a_copy_of_the_stored_response(store, make_query, make_response):
    response = make_response("Paris.")
    assert store.store(make_query("What is the capital of France?"), response=response) == (True, StoreOutcome.STORED)
    hit = store.lookup(make_query("What is the capital of France?"))
    assert hit.kind == "exact" and hit.similarity == 1.0 and hit.response == response
    hit.response["choices"].clear()  # the caller may rewrite it; the cache keeps its own
    assert store.lookup(make_query("What is the capital of France?")).response == response
    assert store.stats()["hits"] == {"exact": 2, "semantic": 0}


def test_semantic_hit_on_a_paraphrase(store, make_query, make_response):
    store.store(make_query("What is the capital of France?"), response=make_response("Paris."))
    hit = store.lookup(make_query("What's the capital city of France?"))
    assert hit.kind == "semantic" and hit.similarity >= store.config.similarity_threshold
    assert hit.response["choices"][0]["message"]["content"] == "Paris."


def test_a_query_that_shares_no_answer_with_paraphrases_only_hits_exactly(store, make_query, make_response):
    """Raw text completions (paraphrases=False): "The capital of France is" and the same with a trailing space
    are continued differently by the model."""
    prompt = make_query("The capital of France is").model_copy(update={"paraphrases": False})
    store.store(prompt, response=make_response(" Paris."))
    assert store.lookup(prompt).kind == "exact"
    for probe in ("The capital of France is ", "The capital city of France is"):
        assert store.lookup(make_query(probe).model_copy(update={"paraphrases": False})) is None


def test_semantic_lookup_needs_the_same_conversation_and_sampling(store, make_query, make_response):
    store.store(make_query("What is the capital of France?"), response=make_response("Paris."))
    paraphrase = "What's the capital city of France?"
    assert store.lookup(make_query(paraphrase, history=[{"role": "system", "content": "Answer in French."}])) is None
    assert store.lookup(make_query(paraphrase, max_tokens=512)) is None
    assert store.lookup(make_query(paraphrase, model="large")) is None
    assert store.lookup(make_query(paraphrase)) is not None


def test_semantic_disabled_keeps_exact_hits(embedder, make_query, make_response):
    store = ResponseCacheStore(CacheConfig(semantic_enabled=False), embedder=embedder)
    store.store(make_query("What is the capital of France?"), response=make_response("Paris."))
    assert store.lookup(make_query("What's the capital city of France?")) is None
    assert store.lookup(make_query("What is the capital of France?")).kind == "exact"


def test_entries_expire_after_ttl(store, clock, make_query, make_response):
    store.store(make_query("What is the capital of France?"), response=make_response("Paris."))
    clock.advance(59)
    assert store.lookup(make_query("What is the capital of France?")).kind == "exact"
    assert store.lookup(make_query("What's the capital city of France?")).kind == "semantic"
    clock.advance(2)
    assert store.lookup(make_query("What is the capital of France?")) is None
    assert store.lookup(make_query("What's the capital city of France?")) is None
    assert store.stats()["entries"] == 0 and store.stats()["bytes_used"] == 0


def test_byte_bound_evicts_least_recently_used(embedder, clock, make_query, make_response):
    one_entry = ResponseCacheStore(CacheConfig(), embedder=embedder, clock=clock)
    one_entry.store(make_query("question 0"), response=make_response("x" * 500))
    entry_bytes = one_entry.stats()["bytes_used"]

    store = ResponseCacheStore(CacheConfig(max_bytes=int(entry_bytes * 3.5)), embedder=embedder, clock=clock)
    for i in range(3):
        store.store(make_query(f"question {i}"), response=make_response("x" * 500))
    assert store.stats()["entries"] == 3
    assert store.lookup(make_query("question 0")) is not None  # now the most recently used
    store.store(make_query("question 3"), response=make_response("x" * 500))

    stats = store.stats()
    assert stats["entries"] == 3 and stats["evictions"] == 1 and stats["bytes_used"] <= store.config.max_bytes
    assert store.lookup(make_query("question 1")) is None  # the least recently used went
    for kept in ("question 0", "question 2", "question 3"):
        assert store.lookup(make_query(kept)).kind == "exact"


def test_entry_larger_than_the_bound_is_refused(embedder, make_query, make_response):
    store = ResponseCacheStore(CacheConfig(max_bytes=2000), embedder=embedder)
    assert store.store(make_query("hi"), response=make_response("x" * 5000)) == (False, StoreOutcome.TOO_LARGE)


def test_counted_bytes_match_what_python_allocates():
    """The byte bound counts an entry's data plus a measured overhead; it must stay honest."""
    rng = np.random.default_rng(0)
    for semantic in (False, True):
        backend = MemoryBackend(max_bytes=10**12)
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for i in range(3000):
            payload = json.dumps({"choices": [{"message": {"content": f"answer {i} " * 20}}]}).encode()
            entry = CacheEntry(key=f"{i:064x}", tenant="default", payload=payload, expires_at=1e9 + i)
            if semantic:
                vector = rng.standard_normal(384).astype(np.float32)
                entry.partition, entry.text, entry.vector = "p" * 64, f"What is question number {i}?", vector
            backend.put(entry, now=0.0)
        allocated = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        counted = backend.usage()[0]
        assert 0.75 <= counted / allocated <= 1.25, (semantic, counted, allocated)


def test_tenants_never_share_entries(store, make_query, make_response):
    store.store(make_query("What is the capital of France?", tenant="acme"), response=make_response("Paris."))
    assert store.lookup(make_query("What is the capital of France?", tenant="globex")) is None
    assert store.lookup(make_query("What's the capital city of France?", tenant="globex")) is None
    assert store.lookup(make_query("What is the capital of France?", tenant="acme")).kind == "exact"
    assert store.lookup(make_query("What's the capital city of France?", tenant="acme")).kind == "semantic"


@pytest.mark.parametrize(
    ("kwargs", "outcome"),
    [
        ({"error": True}, StoreOutcome.ERROR),
        ({"verdict": "blocked"}, StoreOutcome.BLOCKED),
        ({"verdict": "contradicted"}, StoreOutcome.CONTRADICTED),
        ({"finish_reason": "content_filter"}, StoreOutcome.UNFINISHED),
        ({"finish_reason": None}, StoreOutcome.UNFINISHED),
    ],
)
def test_never_cached(store, make_query, make_response, kwargs, outcome):
    query = make_query("What is the capital of France?")
    assert store.store(query, response=make_response("Paris."), **kwargs) == (False, outcome)
    assert store.lookup(query) is None
    assert store.stats()["skips"] == {outcome.value: 1} and store.stats()["stores"] == 0


def test_length_cut_answers_are_cached_under_their_exact_max_tokens(store, make_query, make_response):
    """Changed deliberately (issue 14): `length` answers used to be refused although max_tokens is in the key."""
    query = make_query("Is Paris in France? Answer yes or no.", max_tokens=1)
    assert store.store(query, response=make_response("Yes", finish_reason="length"), finish_reason="length") == (
        True, StoreOutcome.STORED)
    assert store.lookup(query).kind == "exact"
    assert store.lookup(make_query("Is Paris in France? Answer yes or no.", max_tokens=2)) is None
    assert store.lookup(make_query("Is Paris in France? Answer yes or no.", max_completion_tokens=1)).kind == "exact"
    # semantic matching never crosses budgets either: max_tokens is part of the partition
    assert store.lookup(make_query("Is Paris located in France? Answer yes or no.", max_tokens=8)) is None


def test_length_cut_without_a_budget_is_not_cached(store, make_query, make_response):
    query = make_query("Write a long story.", max_tokens=None)
    assert store.store(query, response=make_response("Once upon", finish_reason="length"), finish_reason="length") == (
        False, StoreOutcome.TRUNCATED)
    assert store.store(query, response=make_response("Once upon", finish_reason="length")) == (
        False, StoreOutcome.TRUNCATED)  # a choice cut by length, whatever finish_reason says


def test_whitespace_only_difference_is_not_a_semantic_hit(store, make_query, make_response):
    store.store(make_query("Copy this line exactly: x =     1"), response=make_response("x =     1"))
    assert store.lookup(make_query("Copy this line exactly: x = 1")) is None
    assert store.stats()["guard_rejections"] == {"whitespace": 1}
    assert store.lookup(make_query("Copy this line exactly: x =     1 ")).kind == "semantic"  # trailing only


@pytest.mark.parametrize(
    ("stored", "probe"),
    [
        ("Give me a short antonym for happy.", "Give me a short synonym for happy."),
        ("Give me a word that means the same as big.", "Give me a word that means the opposite of big."),
        ("How do I increase the font size in VS Code?", "How do I decrease the font size in VS Code?"),
    ],
)
def test_opposite_requests_miss(store, make_query, make_response, stored, probe):
    store.store(make_query(stored), response=make_response("stored answer"))
    assert store.lookup(make_query(probe)) is None


@pytest.mark.parametrize(
    ("stored", "probe"),
    [
        ("What is the capital of Australia?", "What is the captial of Australia?"),
        # The rewording: "how long" and "time limit" are one question-form group (cache/alignment.py).
        ("How long do I have to return an item bought online in the EU?",
         "What is the time limit for returning an item bought online in the EU?"),
    ],
)
def test_typos_and_rewordings_hit(store, make_query, make_response, stored, probe):
    store.store(make_query(stored), response=make_response("stored answer"))
    assert store.lookup(make_query(probe)).kind == "semantic"


def test_error_body_is_not_cached(store, make_query):
    assert store.store(make_query("hi"), response={"error": {"message": "boom"}}) == (False, StoreOutcome.ERROR)


@pytest.mark.parametrize("verdict", ["supported", "unverified", "skipped", None])
def test_clean_verdicts_are_cached(store, make_query, make_response, verdict):
    assert store.store(make_query("hi"), response=make_response("Hello!"), verdict=verdict) == (True, StoreOutcome.STORED)


def test_nondeterministic_requests_are_not_cached_unless_configured(embedder, make_query, make_response):
    sampled = make_query("Write a poem about the sea.", temperature=0.8)
    store = ResponseCacheStore(CacheConfig(), embedder=embedder)
    assert store.store(sampled, response=make_response("Waves...")) == (False, StoreOutcome.NONDETERMINISTIC)
    assert store.lookup(sampled) is None
    assert store.stats()["uncacheable_lookups"] == 1

    seeded = make_query("Write a poem about the sea.", temperature=0.8, seed=42)
    assert store.store(seeded, response=make_response("Waves...")) == (True, StoreOutcome.STORED)

    permissive = ResponseCacheStore(CacheConfig(cache_nondeterministic=True), embedder=embedder)
    assert permissive.store(sampled, response=make_response("Waves...")) == (True, StoreOutcome.STORED)
    assert permissive.lookup(sampled).kind == "exact"


def test_stats_count_hits_misses_and_stores(store, make_query, make_response):
    store.lookup(make_query("What is the capital of France?"))
    store.store(make_query("What is the capital of France?"), response=make_response("Paris."))
    store.lookup(make_query("What is the capital of France?"))
    store.lookup(make_query("What's the capital city of France?"))
    store.lookup(make_query("What is the capital of Germany?"))
    stats = store.stats()
    assert stats["hits"] == {"exact": 1, "semantic": 1}
    assert stats["misses"] == 2 and stats["stores"] == 1 and stats["entries"] == 1 and stats["bypassed"] == 0


def test_long_prompts_are_matched_exactly_only(embedder, make_query, make_response):
    store = ResponseCacheStore(CacheConfig(semantic_max_chars=40), embedder=embedder)
    long_question = "Please summarise the following text for me: " + "lorem ipsum " * 10
    store.store(make_query(long_question), response=make_response("Summary."))
    assert store.lookup(make_query(long_question + " Thanks!")) is None
    assert store.lookup(make_query(long_question)).kind == "exact"
