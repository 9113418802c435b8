from cache.keys import canonical_sampling, exact_key, is_deterministic, semantic_key


def test_exact_key_ignores_whitespace_but_not_wording(make_query):
    assert exact_key(make_query("What is  the capital\nof France? ")) == exact_key(make_query("What is the capital of France?"))
    assert exact_key(make_query("What is the capital of France?")) != exact_key(make_query("What is the capital of Spain?"))


def test_exact_key_includes_tenant_model_and_output_changing_sampling(make_query):
    base = exact_key(make_query("hi"))
    assert exact_key(make_query("hi", tenant="acme")) != base
    assert exact_key(make_query("hi", model="large")) != base
    assert exact_key(make_query("hi", max_tokens=65)) != base
    assert exact_key(make_query("hi", seed=7)) != base
    assert exact_key(make_query("hi", stop=["\n"])) != base


def test_sampling_is_canonical(make_query):
    assert exact_key(make_query("hi", temperature=0)) == exact_key(make_query("hi", temperature=0.0))
    assert exact_key(make_query("hi", stop="END")) == exact_key(make_query("hi", stop=["END"]))
    assert exact_key(make_query("hi", stream=True, user="u1")) == exact_key(make_query("hi"))
    assert canonical_sampling({"max_completion_tokens": 5}) == {"max_tokens": 5.0}


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
