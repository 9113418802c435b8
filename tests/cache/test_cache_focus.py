import pytest

from cache import CacheConfig, ResponseCacheStore
from cache.focus import expand_acronyms, pieces, request_focus
from cache.protocol import CacheQuery


@pytest.mark.parametrize(
    ("stored", "probe", "acronym"),
    [
        ("What is the GDP of Japan?", "What is the gross domestic product of Japan?", "GDP"),
        ("How do I set up 2FA on my account?", "How do I set up two-factor authentication on my account?", "2FA"),
        ("What is the UN Security Council?", "what is the united nations security council", "UN"),
        ("What does the Department of Defense do?", "What does the DoD do?", "DoD"),
    ],
)
def test_an_expansion_is_written_as_the_other_texts_acronym(stored, probe, acronym):
    rewritten_stored, rewritten_probe = expand_acronyms(stored, probe)
    assert acronym in rewritten_stored and acronym in rewritten_probe


def test_words_whose_initials_do_not_spell_the_acronym_stay():
    assert expand_acronyms("What is the GDP of Japan?", "What is the growth of Japan?")[1] == "What is the growth of Japan?"
    # a dictionary word in lower case is not an acronym
    assert expand_acronyms("how to bake a pie", "how to bake pastry in electric ovens")[1] == (
        "how to bake pastry in electric ovens")


def test_context_around_the_request_is_dropped_for_the_guards():
    stored = "How do I get rid of hiccups?"
    probe = "I've had hiccups for 20 minutes in a meeting. How do I get rid of hiccups?"
    assert request_focus(stored, probe) == "How do I get rid of hiccups?"
    assert pieces("Hello, I hope this isn't silly, but what is X? Thanks.") == [
        "Hello", "I hope this isn't silly", "what is X?", "Thanks."]


def test_focus_keeps_the_probe_when_no_clause_carries_every_stored_word():
    # "soft" is only in the dropped clause's counterpart: cutting it would hide an opposition
    probe = "For a hard yolk, how long do I boil an egg?"
    assert request_focus("How long do I boil an egg for a soft yolk?", probe) == probe
    assert request_focus("Is it safe?", "Is it safe?") == "Is it safe?"  # one clause: nothing to cut


class _Embedder:
    def embed_one(self, text):
        import numpy as np

        return np.ones(4) / 2.0  # every text the same vector: only the checks decide


class _AlwaysSame:
    def probability(self, *args):
        return 1.0


def _lookup(stored, probe):
    store = ResponseCacheStore(CacheConfig(), embedder=_Embedder(), verifier=_AlwaysSame())
    query = lambda text: CacheQuery(tenant="t", model="auto", messages=[{"role": "user", "content": text}],
                                    sampling={"temperature": 0.0})
    answer = {"choices": [{"index": 0, "message": {"role": "assistant", "content": "."}, "finish_reason": "stop"}]}
    store.store(query(stored), response=answer)
    return store.lookup(query(probe)), store.stats()["guard_rejections"]


def test_store_reads_guards_on_the_request_clause():
    hit, _ = _lookup("What is the chemical formula for table salt?",
                     "Sorry, one more thing please, what's the chemical formula for table salt?")
    assert hit is not None
    hit, rejections = _lookup("How do I convert Celsius to Fahrenheit?",
                              "My friend lives in Texas. How do I convert Fahrenheit to Celsius?")
    assert hit is None and "direction" in rejections
