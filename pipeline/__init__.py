"""The request pipeline, Ray-free: authenticate -> cache -> route -> generate -> validate -> store.

The Ray Serve ingress (deployments/ingress.py) parses HTTP, wires DeploymentHandles in as plain async
callables (`Collaborators`) and renders what `Pipeline.run` returns."""

from pipeline.access import Caller, Grant
from pipeline.endpoints import CHAT, COMPLETION, ENDPOINTS, Endpoint
from pipeline.errors import APIError, PoolUnavailable
from pipeline.pipeline import Collaborators, Job, Pipeline, Pools, Reply, StreamReply, sse
from pipeline.policies import VALIDATION_POLICIES, Validation, ValidationPolicy
from pipeline.settings import PipelineSettings, PoolSpec
from pipeline.trace import Trace

__all__ = [
    "APIError", "CHAT", "Caller", "Grant", "COMPLETION", "Collaborators", "ENDPOINTS", "Endpoint", "Job", "Pipeline", "PipelineSettings",
    "PoolSpec", "PoolUnavailable", "Pools", "Reply", "StreamReply", "Trace", "VALIDATION_POLICIES", "Validation",
    "ValidationPolicy", "sse",
]
