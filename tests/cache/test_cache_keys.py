from hypothesis import given, settings
from hypothesis import strategies as st

from cache import CacheQuery
from cache.keys import canonical_sampling, exact_key, is_deterministic, max_tokens_of, semantic_key
from common.messages import content_text


def test_exact_key_keeps_whitespace_inside_content(make_query):
    """Changed deliberately (issue 14): whitespace used to be folded, merging "x =     1" and "x = 1"."""
    assert exact_key(make_query("Copy this line exactly: x =     1")) != exact_key(make_query("Copy this line exactly: x = 1"))
    assert exact_key(make_query("a:\n  b: 1")) != exact_key(make_query("a:\n    b: 1"))
    assert exact_key(make_query("What is the capital of France?")) != exact_key(make_query("What is the capital of Spain?"))


def test_text_parts_are_joined_as_the_model_sees_them():
    def key(content):
        return exact_key(CacheQuery(tenant="t", model="auto", messages=[{"role": "user", "content": content}],
                                    sampling={"temperature": 0}))

    parts = [{"type": "text", "text": "Hello"}, {"type": "text", "text": "world"}]
    assert key(parts) != key([{"type": "text", "text": "Hello "}, {"type": "text", "text": "world"}])
    assert key(parts) == key("Hello\nworld")  # vLLM joins text parts with "\n": the same model input
    assert key(parts) != key("Hello world")
    image = {"type": "image_url", "image_url": {"url": "http://x/cat.png"}}
    assert key([image, *parts]) != key(parts) != key([{"type": "image_url", "image_url": {"url": "http://x/dog.png"}}, *parts])


def test_exact_key_includes_tenant_model_and_output_changing_sampling(make_query):
    base = exact_key(make_query("hi"))
    assert exact_key(make_query("hi", tenant="acme")) != base
    assert exact_key(make_query("hi", model="large")) != base
    assert exact_key(make_query("hi", max_tokens=65)) != base
    assert exact_key(make_query("hi", seed=7)) != base
    assert exact_key(make_query("hi", stop=["\n"])) != base
    assert exact_key(make_query("hi", history=[{"role": "system", "content": "x", "name": "a"}])) != exact_key(
        make_query("hi", history=[{"role": "system", "content": "x", "name": "b"}]))


def test_sampling_is_canonical(make_query):
    assert exact_key(make_query("hi", temperature=0)) == exact_key(make_query("hi", temperature=0.0))
    assert exact_key(make_query("hi", stop="END")) == exact_key(make_query("hi", stop=["END"]))
    assert exact_key(make_query("hi", stop=["a", "b", "a"])) == exact_key(make_query("hi", stop=["b", "a"]))
    assert exact_key(make_query("hi", stream=True, user="u1")) == exact_key(make_query("hi"))
    assert canonical_sampling({"max_completion_tokens": 5}) == {"max_tokens": 5}
    assert exact_key(make_query("hi", seed=2**60)) != exact_key(make_query("hi", seed=2**60 + 1))  # no float rounding
    assert max_tokens_of({"max_completion_tokens": 8.0}) == 8 and max_tokens_of({}) is None


def test_determinism():
    assert is_deterministic({"temperature": 0})
    assert is_deterministic({"temperature": 0.9, "seed": 3})
    assert is_deterministic({"top_k": 1})
    assert not is_deterministic({"temperature": 0.7})
    assert not is_deterministic({})  # OpenAI's default temperature is 1


def test_semantic_partition_holds_everything_but_the_last_user_turn(make_query):
    history = [{"role": "system", "content": "Be brief."}]
    a = semantic_key(make_query("What is the capital of France?", history=history))
    b = semantic_key(make_query("Capital of France?", history=history))
    assert a.partition == b.partition and a.text != b.text
    other_history = semantic_key(make_query("Capital of France?", history=[{"role": "system", "content": "Be long."}]))
    assert other_history.partition != a.partition
    assert semantic_key(make_query("Capital of France?", tenant="acme")).partition != semantic_key(
        make_query("Capital of France?")).partition
    assert semantic_key(make_query("Capital of France?", max_tokens=8)).partition != semantic_key(
        make_query("Capital of France?", max_tokens=9)).partition


# --- property: different model inputs never share an exact key -----------------------------------------

_text = st.text(alphabet=st.sampled_from(list("ab xy\n\t:=1")), max_size=12)
_part = st.builds(lambda t: {"type": "text", "text": t}, _text)
_content = st.one_of(_text, st.lists(_part, min_size=1, max_size=3))
_message = st.fixed_dictionaries({"role": st.sampled_from(["system", "user", "assistant"]), "content": _content})
_sampling = st.fixed_dictionaries(
    {"temperature": st.sampled_from([0, 0.0, 0.5]), "max_tokens": st.sampled_from([1, 1.0, 8, 64])},
    optional={"stop": st.one_of(st.sampled_from(["x", "\n"]), st.lists(st.sampled_from(["x", "y", "\n"]), max_size=3)),
              "seed": st.integers(0, 2**62)},
)


def _model_input(query: CacheQuery) -> tuple:
    """What the engine receives: each message's role and text (parts joined by "\\n"), and the sampling
    parameters as vLLM reads them (numbers by value, stop strings as a set)."""
    sampling = {}
    for name, value in query.sampling.items():
        if name == "stop":
            value = frozenset([value] if isinstance(value, str) else value)
        sampling[name] = value
    return (tuple((m["role"], content_text(m["content"])) for m in query.messages), tuple(sorted(sampling.items(), key=str)))


@settings(max_examples=400, deadline=None)
@given(st.lists(_message, min_size=1, max_size=3), _sampling, st.lists(_message, min_size=1, max_size=3), _sampling)
def test_different_model_inputs_never_share_an_exact_key(messages_a, sampling_a, messages_b, sampling_b):
    a = CacheQuery(tenant="t", model="auto", messages=messages_a, sampling=sampling_a)
    b = CacheQuery(tenant="t", model="auto", messages=messages_b, sampling=sampling_b)
    if _model_input(a) != _model_input(b):
        assert exact_key(a) != exact_key(b)
    else:
        assert exact_key(a) == exact_key(b)  # and the normalisation still merges what is provably the same


@given(_text, _text)
def test_whitespace_variants_never_share_an_exact_key(first, second):
    a = CacheQuery(tenant="t", model="auto", messages=[{"role": "user", "content": first}], sampling={})
    b = CacheQuery(tenant="t", model="auto", messages=[{"role": "user", "content": second}], sampling={})
    assert (exact_key(a) == exact_key(b)) == (first == second)
