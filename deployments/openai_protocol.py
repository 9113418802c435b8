"""The OpenAI request models at the HTTP edge: vLLM's own (`vllm.entrypoints.openai.*.protocol`), so
every parameter vLLM's server accepts is accepted here, with the same defaults and nulls; plus the
parse step that turns anything a client got wrong into a 400 naming the field, and the OpenAPI pieces
that describe request bodies and error responses."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError
# Imported with the module, not per request: the first request of a new ingress replica paid ~0.3 s for it.
from ray.llm._internal.serve.core.ingress.utils import _sanitize_chat_completion_request
from vllm.entrypoints.openai.chat_completion.protocol import ChatCompletionRequest
from vllm.entrypoints.openai.completion.protocol import CompletionRequest
from vllm.exceptions import VLLMValidationError

from pipeline import APIError, Endpoint

REQUEST_MODELS: dict[str, type[BaseModel]] = {"chat": ChatCompletionRequest, "completion": CompletionRequest}

_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["message", "type", "param", "code"],
            "properties": {
                "message": {"type": "string"},
                "type": {"type": "string"},
                "param": {"type": ["string", "null"]},
                "code": {"type": ["string", "null"]},
            },
        }
    },
}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"description": description, "content": {"application/json": {"schema": _ERROR_SCHEMA}}}
    for status, description in {
        400: "Invalid request: the message and `param` name the problem.",
        401: "Missing or invalid API key.",
        404: "Unknown model.",
        413: "Request body too large.",
        415: "Content-Type is not application/json.",
        429: "Over a rate limit or budget (with Retry-After).",
        503: "A pool is saturated or unavailable (with Retry-After).",
    }.items()
}


def request_body_openapi(model: Endpoint | type[BaseModel]) -> dict[str, Any]:
    """`openapi_extra` for a route that reads its body itself: the body's JSON schema, inlined."""
    model_class = REQUEST_MODELS[model.name] if isinstance(model, Endpoint) else model
    schema = model_class.model_json_schema(ref_template="#/components/schemas/{model}")
    definitions = schema.pop("$defs", {})
    schema = _inline_refs(schema, definitions, depth=0)
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def _inline_refs(node: Any, definitions: dict[str, Any], depth: int) -> Any:
    """Resolve `$ref`s into the document (FastAPI does not publish `$defs` of an openapi_extra schema);
    recursive types stop at a generic object after a few levels."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[-1]
            if depth > 6 or name not in definitions:
                return {"type": "object"}
            return _inline_refs(definitions[name], definitions, depth + 1)
        return {key: _inline_refs(value, definitions, depth) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline_refs(value, definitions, depth) for value in node]
    return node


def parse_request(raw: bytes, model: type[BaseModel]) -> Any:
    """Validate a JSON body with pydantic's JSON parser (which refuses lone surrogates, nesting past its
    recursion limit and numbers out of range as invalid JSON), turning every failure into a 400 that
    names the field. Chat messages are materialised so the request can be sent to other processes."""
    try:
        request = model.model_validate_json(raw or b"")
    except ValidationError as error:
        raise _bad_request(error) from None
    except VLLMValidationError as error:  # vLLM's own model validators (e.g. stream_options without stream)
        raise APIError(400, str(error.args[0] if error.args else error), param=getattr(error, "parameter", None),
                       code="invalid_value") from None
    except Exception as error:  # noqa: BLE001 - whatever else the client's body triggers is still the client's
        raise APIError(400, f"invalid request: {error}", code="invalid_request") from None
    _check_token_ids(request)
    if isinstance(request, ChatCompletionRequest):
        request = _materialise_messages(request)
        for index, message in enumerate(request.messages):
            # vLLM's union also admits harmony messages ({"author": ...}), which only harmony models read.
            if not isinstance(message, dict) or "role" not in message:
                raise APIError(400, f"Missing required parameter: 'messages.{index}.role'", param=f"messages.{index}.role",
                               code="missing")
    return request


# Engines index embeddings with int32 and Hugging Face tokenizers decode u32: an id past this crashed vLLM's
# echo path with OverflowError (a 500 schemathesis found). Ids past the vocabulary but in range get vLLM's 400.
MAX_TOKEN_ID = 2**31 - 1
_TOKEN_ID_LISTS = ("stop_token_ids", "allowed_token_ids", "logprob_token_ids")


def _check_token_ids(request: BaseModel) -> None:
    """Every token id the client sends (prompt ids, `logit_bias` keys, `stop_token_ids`, `allowed_token_ids`,
    `logprob_token_ids`) lies in [0, MAX_TOKEN_ID]; raises a 400 naming the field otherwise."""
    found: list[tuple[str, object]] = []
    for name in _TOKEN_ID_LISTS:
        found += [(f"{name}.{i}", value) for i, value in enumerate(getattr(request, name, None) or [])]
    found += [("logit_bias", key) for key in getattr(request, "logit_bias", None) or {}]
    prompt = getattr(request, "prompt", None)
    if isinstance(prompt, list):  # token ids, or a batch of token-id lists (text prompts are strings)
        rows = prompt if prompt and isinstance(prompt[0], list) else [prompt]
        found += [(f"prompt.{r}.{i}" if len(rows) > 1 else f"prompt.{i}", value)
                  for r, row in enumerate(rows) for i, value in enumerate(row) if isinstance(value, int)]
    for param, value in found:
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue  # not a number: vLLM's own validation names it
        if not 0 <= number <= MAX_TOKEN_ID:
            raise APIError(400, f"Invalid value for '{param}': token ids must be integers from 0 to {MAX_TOKEN_ID}, "
                                f"got {value}", param=param, code="invalid_value")


def _bad_request(error: ValidationError) -> APIError:
    first = error.errors(include_url=False)[0]
    loc = [str(part) for part in first["loc"]]
    if first["type"] in ("json_invalid", "json_type"):
        return APIError(400, f"request body is not valid JSON: {first['msg']}", code="invalid_json")
    # Unions report the failing branch's name in the path (e.g. messages.0.ChatCompletionUserMessageParam…);
    # keep the fields the client wrote.
    loc = [part for part in loc if not _is_type_name(part)]
    param = ".".join(loc) or None
    if first["type"] == "missing":
        message = f"Missing required parameter: '{param}'"
    elif param is None:  # a rule about the whole body
        message = f"Invalid request: {first['msg']}"
    else:
        message = f"Invalid value for '{param}': {first['msg']}"
    return APIError(400, message, param=param, code=first["type"])


_TYPE_NAMES = {"str", "int", "float", "bool", "dict", "list", "none", "json-or-python", "lax-or-strict"}


def _is_type_name(part: str) -> bool:
    """Pydantic puts the union branch it tried into an error's path (`stop.list[str]`, `messages.0.
    ChatCompletionUserMessageParam...`): not a field the client wrote."""
    return part[:1].isupper() or part in _TYPE_NAMES or "[" in part or part.startswith(("function-", "tagged-union"))


def _materialise_messages(request: ChatCompletionRequest) -> ChatCompletionRequest:
    """Message content and tool calls can be pydantic ValidatorIterators, which do not pickle (a known
    pydantic issue; Ray Serve LLM's own ingress does the same)."""
    try:
        return _sanitize_chat_completion_request(request)
    except ValueError as error:
        raise APIError(400, str(error), param="messages", code="invalid_value") from None
