"""Request validation turns every client mistake into a 400 naming the field (no Ray needed)."""

import json

import pytest

from deployments.openai_protocol import APIError, ChatCompletionRequest, CompletionRequest, parse_request


def _parse(body, model=ChatCompletionRequest):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return parse_request(raw, model)


def _error(body, model=ChatCompletionRequest) -> APIError:
    with pytest.raises(APIError) as caught:
        _parse(body, model)
    assert caught.value.status_code == 400
    return caught.value


def test_valid_chat_request_parses():
    request = _parse({"model": "auto", "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]})
    assert request.plain_messages() == [{"role": "user", "content": "hi"}]


@pytest.mark.parametrize(
    "body, param",
    [
        ({"model": "small"}, "messages"),
        ({"model": "small", "messages": []}, "messages"),
        ({"model": "small", "messages": [{"role": "wizard", "content": "x"}]}, "messages.0.role"),
        ({"model": "small", "messages": [{"role": "user", "content": "x"}], "max_tokens": -3}, "max_tokens"),
        ({"model": "small", "messages": [{"role": "user", "content": "x"}], "temperature": 7}, "temperature"),
        ({"model": "small", "messages": [{"role": "user", "content": "x"}], "n": 2}, "n"),
        ({"model": "small", "messages": [{"role": "user", "content": "x"}], "max_token": 5}, "max_token"),
        ({"messages": [{"role": "user", "content": "x"}]}, "model"),
    ],
)
def test_invalid_field_is_named(body, param):
    assert _error(body).param == param


def test_malformed_json_and_non_object():
    assert _error(b'{"model": ').code == "invalid_json"
    assert _error(b"[1, 2]").code == "invalid_json"


def test_max_completion_tokens_is_accepted_but_not_with_max_tokens():
    request = _parse({"model": "small", "messages": [{"role": "user", "content": "x"}], "max_completion_tokens": 9})
    assert request.max_tokens == 9
    _error({"model": "small", "messages": [{"role": "user", "content": "x"}], "max_tokens": 1, "max_completion_tokens": 2})


def test_completion_request_needs_prompt():
    assert _error({"model": "small"}, CompletionRequest).param == "prompt"


def test_error_body_has_openai_shape():
    body = _error({"model": "small"}).body()
    assert set(body["error"]) == {"message", "type", "param", "code"}
