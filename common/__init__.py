"""Small Ray-free pieces shared by the libraries (router, cache, validators, guardrails) and the pipeline:
the one conversion from OpenAI message content to text, and the shared sentence embedder."""

from common.messages import Message, content_text, last_user_text

__all__ = ["Message", "content_text", "last_user_text"]
