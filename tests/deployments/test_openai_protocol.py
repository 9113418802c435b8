"""Parsing request bodies with vLLM's request models: every client mistake, of every kind, becomes a
400 in OpenAI's shape naming the field where there is one; never another exception (no Ray needed)."""

import json

import pytest

from deployments.openai_protocol import REQUEST_MODELS, parse_request, request_body_openapi
from pipeline import CHAT, COMPLETION, APIError

CHAT_MODEL, COMPLETION_MODEL = REQUEST_MODELS["chat"], REQUEST_MODELS["completion"]
X = [{"role": "user", "content": "x"}]


def _parse(body, model=CHAT_MODEL):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return parse_request(raw, model)


def _error(body, model=CHAT_MODEL) -> APIError:
    with pytest.raises(APIError) as caught:
        _parse(body, model)
    assert caught.value.status_code == 400
    assert set(caught.value.body()["error"]) == {"message", "type", "param", "code"}
    return caught.value


def test_valid_chat_request_parses_and_is_picklable():
    import pickle

    request = _parse({"model": "auto", "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}],
                      "n": 2, "logprobs": True, "top_logprobs": 2, "presence_penalty": 0, "logit_bias": {"10": 1},
                      "response_format": {"type": "json_object"}, "top_k": 5, "temperature": None, "stream": None})
    assert pickle.loads(pickle.dumps(request)).messages[0]["content"][0]["text"] == "hi"


@pytest.mark.parametrize(
    "body, param",
    [
        ({"model": "small"}, "messages"),
        ({"model": "small", "messages": "hello"}, "messages"),
        ({"model": "small", "messages": X, "temperature": "hot"}, "temperature"),
        ({"model": "small", "messages": X, "seed": 18446744073709551616}, "seed"),
        ({"model": "small", "messages": X, "stop": ["a", "b", "c", "d", "e"]}, "stop"),
        ({"model": "small", "messages": X, "stream_options": {"include_usage": True}}, "stream_options"),
        ({"model": "small", "messages": [{"author": {"role": "user"}}]}, "messages.0.role"),
    ],
)
def test_invalid_field_is_named(body, param):
    assert _error(body).param == param


def test_completions_name_their_own_field():
    assert _error({"model": "small"}, COMPLETION_MODEL).param == "prompt"
    assert _error({"model": "small", "prompt": ""}, COMPLETION_MODEL).param == "prompt"


SURROGATE = b'"Hello \\ud83d world"'


@pytest.mark.parametrize(
    "raw",
    [
        b'{"model": ',
        b"",
        b"[1, 2]",
        b'"just a string"',
        b'{"model":"small","messages":' + b"[" * 1000 + b"]" * 1000 + b"}",  # nested past the parser's limit
        b'{"model":"small","messages":[{"role":"user","content":"x"}],"max_tokens":' + b"9" * 5000 + b"}",  # > 4,300 digits
        b'{"model":"small","messages":[{"role":"user","content":' + SURROGATE + b"}]}",  # lone surrogate in content
        b'{"model":"small","messages":[{"role":"user","content":[{"type":"text","text":' + SURROGATE + b"}]}]}",  # in a part
        b'{"model":"small","messages":[{"role":"user","content":"x"}],"stop":[' + SURROGATE + b"]}",  # in stop
        b"\xff\xfe not utf-8",
    ],
)
def test_malformed_bodies_of_every_kind_are_400s(raw):
    _error(raw)


def test_openapi_describes_request_bodies():
    for endpoint in (CHAT, COMPLETION):
        schema = request_body_openapi(endpoint)["requestBody"]["content"]["application/json"]["schema"]
        assert endpoint.prompt_param in schema["properties"]
        assert "$ref" not in json.dumps(schema)  # inlined: the document has no $defs for openapi_extra


@pytest.mark.parametrize(("body", "param"), [
    # The kind: a token id outside what engines and tokenizers can hold, in every field that carries ids
    # (2**32 with echo crashed vLLM's prompt detokenizer with OverflowError: a 500, found by schemathesis).
    ({"model": "m", "prompt": [4294967296], "echo": True, "max_tokens": 4}, "prompt.0"),
    ({"model": "m", "prompt": [1, -1]}, "prompt.1"),
    ({"model": "m", "prompt": [[1, 2], [3, 2**40]]}, "prompt.1.1"),
    ({"model": "m", "prompt": "hi", "logit_bias": {"4294967296": 1}}, "logit_bias"),
    ({"model": "m", "prompt": "hi", "stop_token_ids": [2**31]}, "stop_token_ids.0"),
    ({"model": "m", "prompt": "hi", "allowed_token_ids": [5, -3]}, "allowed_token_ids.1"),
])
def test_token_ids_out_of_range_are_400s_naming_the_field(body, param):
    error = _error(body, COMPLETION_MODEL)
    assert error.body()["error"]["param"] == param


def test_token_ids_in_range_parse():
    chat = _parse({"model": "m", "messages": X, "logit_bias": {"50": 1}, "stop_token_ids": [2]})
    assert chat.stop_token_ids == [2]
    completion = _parse({"model": "m", "prompt": [[1, 2], [3, 2**31 - 1]]}, COMPLETION_MODEL)
    assert completion.prompt[1][1] == 2**31 - 1
