"""The Redis backend against a real redis-server (started per test on a free port)."""

import logging

import pytest
import redis

from cache import CacheConfig, ResponseCacheStore, StoreOutcome


@pytest.fixture
def make_store(redis_server, embedder, clock):
    """make_store(**config) -> a ResponseCacheStore on the test's Redis; each call is another replica
    (`embedder=` gives it another embedder)."""
    stores = []

    def make(embedder=embedder, **config) -> ResponseCacheStore:
        store = ResponseCacheStore(
            CacheConfig(backend="redis", redis_url=redis_server.url, **config), embedder=embedder, clock=clock
        )
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.close()


def test_exact_and_semantic_hits(make_store, make_query, make_response):
    store = make_store()
    assert store.store(make_query("What is the capital of France?"), response=make_response("Paris.")) == (
        True, StoreOutcome.STORED)
    assert store.lookup(make_query("What is the capital of France?")).kind == "exact"
    hit = store.lookup(make_query("What's the capital city of France?"))
    assert hit.kind == "semantic" and hit.response["choices"][0]["message"]["content"] == "Paris."
    assert store.lookup(make_query("What is the capital of Germany?")) is None
    assert store.stats()["entries"] == 1 and store.stats()["bytes_used"] > 0


def test_replicas_share_exact_and_semantic_entries(make_store, make_query, make_response):
    replica_a, replica_b = make_store(), make_store()
    assert replica_b.lookup(make_query("What's the capital city of France?")) is None  # b has synced once
    replica_a.store(make_query("What is the capital of France?"), response=make_response("Paris."))
    assert replica_b.lookup(make_query("What is the capital of France?")).kind == "exact"
    assert replica_b.lookup(make_query("What's the capital city of France?")).kind == "semantic"
    replica_b.store(make_query("How do I reverse a list in Python?"), response=make_response("lst[::-1]"))
    assert replica_a.lookup(make_query("What's the way to reverse a Python list?")).kind == "semantic"


def test_a_new_replica_loads_existing_semantic_entries(make_store, make_query, make_response):
    make_store().store(make_query("What is the capital of France?"), response=make_response("Paris."))
    assert make_store().lookup(make_query("What's the capital city of France?")).kind == "semantic"


def test_tenants_never_share_entries(make_store, make_query, make_response):
    replica_a, replica_b = make_store(), make_store()
    replica_a.store(make_query("What is the capital of France?", tenant="acme"), response=make_response("Paris."))
    assert replica_b.lookup(make_query("What is the capital of France?", tenant="globex")) is None
    assert replica_b.lookup(make_query("What's the capital city of France?", tenant="globex")) is None
    assert replica_b.lookup(make_query("What's the capital city of France?", tenant="acme")).kind == "semantic"


def test_ttl_is_a_redis_expiry_and_is_honoured_by_lookup(make_store, redis_server, clock, make_query, make_response):
    store = make_store(ttl_s=30)
    store.store(make_query("What is the capital of France?"), response=make_response("Paris."))
    client = redis.Redis.from_url(redis_server.url)
    entry_keys = list(client.scan_iter(match="{llmcache}:entry:*"))
    assert len(entry_keys) == 1 and 0 < client.pttl(entry_keys[0]) <= 30_000
    clock.advance(31)  # Redis would drop the key by itself at that time; the lookup does not wait for it
    assert store.lookup(make_query("What is the capital of France?")) is None
    assert store.lookup(make_query("What's the capital city of France?")) is None


def test_byte_bound_is_shared_and_evicts_least_recently_used(make_store, clock, make_query, make_response):
    probe = make_store(redis_key_prefix="sizing")
    probe.store(make_query("question 0"), response=make_response("x" * 500))
    entry_bytes = probe.stats()["bytes_used"]

    replica_a = make_store(max_bytes=int(entry_bytes * 3.5))
    replica_b = make_store(max_bytes=int(entry_bytes * 3.5))
    for i in range(3):
        clock.advance(1)
        replica_a.store(make_query(f"question {i}"), response=make_response("x" * 500))
    clock.advance(1)
    assert replica_b.lookup(make_query("question 0")) is not None  # touched: now the most recent
    clock.advance(1)
    replica_b.store(make_query("question 3"), response=make_response("x" * 500))

    stats = replica_a.stats()
    assert stats["entries"] == 3 and stats["bytes_used"] <= int(entry_bytes * 3.5)
    assert replica_a.lookup(make_query("question 1")) is None
    for kept in ("question 0", "question 2", "question 3"):
        assert replica_a.lookup(make_query(kept)).kind == "exact"


def test_never_cached_with_redis(make_store, make_query, make_response):
    store = make_store()
    query = make_query("What is the capital of France?")
    assert store.store(query, response=make_response("Paris."), verdict="contradicted") == (
        False, StoreOutcome.CONTRADICTED)
    assert store.store(query, response=make_response("Paris."), finish_reason="content_filter") == (
        False, StoreOutcome.UNFINISHED)  # was a `length` case: length-cut answers are now cached under max_tokens
    no_budget = make_query("What is the capital of France?", max_tokens=None)
    assert store.store(no_budget, response=make_response("Par", finish_reason="length"), finish_reason="length") == (
        False, StoreOutcome.TRUNCATED)
    assert store.lookup(query) is None and store.stats()["entries"] == 0


def test_redis_down_bypasses_the_cache_and_recovers(make_store, redis_server, clock, make_query, make_response, caplog):
    store = make_store(redis_retry_interval_s=5.0)
    store.store(make_query("What is the capital of France?"), response=make_response("Paris."))
    redis_server.stop()

    with caplog.at_level(logging.WARNING, logger="cache.redis_backend"):
        for _ in range(3):
            assert store.lookup(make_query("What is the capital of France?")) is None
            assert store.store(make_query("hi"), response=make_response("Hello!")) == (
                False, StoreOutcome.BACKEND_UNAVAILABLE)
        clock.advance(6)  # past the retry interval: it tries Redis again, fails again, stays quiet
        assert store.lookup(make_query("What's the capital city of France?")) is None
    unreachable_logs = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(unreachable_logs) == 1
    stats = store.stats()
    assert stats["bypassed"] == 7 and stats["entries"] is None and stats["skips"] == {"backend_unavailable": 3}

    redis_server.start()  # same port, empty: persistence is off
    assert store.lookup(make_query("What is the capital of France?")) is None  # still inside the retry interval
    assert store.stats()["bypassed"] == 8
    clock.advance(6)
    assert store.store(make_query("What is the capital of France?"), response=make_response("Paris.")) == (
        True, StoreOutcome.STORED)
    assert store.lookup(make_query("What is the capital of France?")).kind == "exact"
    assert store.lookup(make_query("What's the capital city of France?")).kind == "semantic"


def test_replica_resyncs_after_redis_lost_its_data(make_store, redis_server, clock, make_query, make_response):
    writer, reader = make_store(redis_retry_interval_s=1.0), make_store(redis_retry_interval_s=1.0)
    for i in range(3):
        writer.store(make_query(f"What is fact number {i}?"), response=make_response(str(i)))
    assert reader.lookup(make_query("What is the capital of France?")) is None  # reader synced 3 entries

    redis_server.stop()
    redis_server.start()  # a new, empty Redis: sequence numbers start again at 1
    clock.advance(2)
    writer.store(make_query("What is the capital of France?"), response=make_response("Paris."))
    assert reader.lookup(make_query("What's the capital city of France?")).kind == "semantic"
    assert reader.lookup(make_query("What is fact number 1?")) is None


def _new_key() -> str:
    import base64
    import os

    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def test_entries_are_encrypted_at_rest(make_store, redis_server, monkeypatch, make_query, make_response):
    monkeypatch.setenv("LLM_SERVE_CACHE_KEY", _new_key())
    store = make_store(encryption="required")
    question, answer = "What is the secret capital of Atlantis?", "Poseidonia, beneath the waves."
    store.store(make_query(question, tenant="acme"), response=make_response(answer))
    client = redis.Redis.from_url(redis_server.url)
    dump = b""
    for name in client.scan_iter(match="*"):
        kind = client.type(name)
        if kind == b"hash":
            dump += b"".join(k + v for k, v in client.hgetall(name).items())
        elif kind == b"zset":
            dump += b"".join(member for member, _ in client.zrange(name, 0, -1, withscores=True))
        elif kind == b"string":
            dump += client.get(name) or b""
    assert dump and b"acme" in dump  # the tenant may stay in clear
    for secret in (answer, question, "Poseidonia", "Atlantis"):
        assert secret.encode() not in dump
    assert store.lookup(make_query(question, tenant="acme")).response["choices"][0]["message"]["content"] == answer
    assert store.lookup(make_query("What's the secret capital city of Atlantis?", tenant="acme")).kind == "semantic"


def test_rotated_key_makes_old_entries_misses(make_store, monkeypatch, make_query, make_response):
    monkeypatch.setenv("LLM_SERVE_CACHE_KEY", _new_key())
    make_store(encryption="required").store(make_query("What is the capital of France?"), response=make_response("Paris."))
    monkeypatch.setenv("LLM_SERVE_CACHE_KEY", _new_key())
    rotated = make_store(encryption="required")
    assert rotated.lookup(make_query("What is the capital of France?")) is None
    assert rotated.lookup(make_query("What's the capital city of France?")) is None
    assert rotated.store(make_query("What is the capital of France?"), response=make_response("Paris."))[0]
    assert rotated.lookup(make_query("What is the capital of France?")).kind == "exact"


def test_required_encryption_without_a_key_fails_naming_the_variable(redis_server, monkeypatch, embedder):
    monkeypatch.delenv("LLM_SERVE_CACHE_KEY", raising=False)
    with pytest.raises(ValueError, match="LLM_SERVE_CACHE_KEY"):
        ResponseCacheStore(CacheConfig(backend="redis", redis_url=redis_server.url, encryption="required"),
                           embedder=embedder)
    monkeypatch.setenv("LLM_SERVE_CACHE_KEY", "not a key")
    with pytest.raises(ValueError, match="LLM_SERVE_CACHE_KEY"):
        ResponseCacheStore(CacheConfig(backend="redis", redis_url=redis_server.url, encryption="optional"),
                           embedder=embedder)


class CountingEmbedder:
    def __init__(self, embedder):
        self.embedder, self.texts = embedder, []

    def embed_one(self, text):
        self.texts.append(text)
        return self.embedder.embed_one(text)


def test_an_ingress_reads_exact_entries_itself_and_leaves_the_semantic_tier_to_the_cache(
    make_store, make_query, make_response, embedder
):
    """The ingress's exact reader shares Redis with the ResponseCache replicas: it answers exact keys of
    its tenant without embedding anything; after its miss the replica runs only the semantic tier."""
    cache_replica = make_store()
    cache_replica.store(make_query("What is the capital of France?"), response=make_response("Paris."))
    counting = CountingEmbedder(embedder)
    ingress = make_store(embedder=counting)
    assert ingress.lookup_exact(make_query("What is the capital of France?")).response["choices"][0]["message"]["content"] == "Paris."
    assert ingress.lookup_exact(make_query("What is the capital of France?", tenant="globex")) is None
    assert ingress.lookup_exact(make_query("What's the capital city of France?")) is None  # exact tier only
    assert ingress.lookup_exact(make_query("What is the capital of France?", temperature=0.9)) is None  # sampled
    assert counting.texts == [] and ingress.stats()["hits"] == {"exact": 1, "semantic": 0}
    paraphrase = cache_replica.lookup(make_query("What's the capital city of France?"), exact_checked=True)
    assert paraphrase.kind == "semantic"
    assert cache_replica.lookup(make_query("What is the capital of France?"), exact_checked=True).kind == "semantic"


def test_an_exact_hit_embeds_nothing(make_store, make_query, make_response, embedder):
    counting = CountingEmbedder(embedder)
    store = make_store(embedder=counting)
    store.store(make_query("What is the capital of France?"), response=make_response("Paris."))
    embedded = len(counting.texts)
    store._embedding_memo.clear()  # the store call's embedding would otherwise answer from memory
    assert store.lookup(make_query("What is the capital of France?")).kind == "exact"
    assert len(counting.texts) == embedded
    assert store.lookup(make_query("What's the capital city of France?")).kind == "semantic"
    assert len(counting.texts) == embedded + 1
