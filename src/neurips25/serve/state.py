"""What one running server holds, and the error type its handlers raise."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from neurips25.serve.engine import Engine
from neurips25.serve.metrics import Metrics
from neurips25.serve.worker import Worker


@dataclass
class ServerState:
    engine: Engine
    worker: Worker
    tokenizer: Any
    metrics: Metrics
    model_name: str
    api_key: str | None = None
    default_max_tokens: int = 16  # /v1/completions without max_tokens (OpenAI's default)
    on_shutdown: Callable[[], None] | None = None  # e.g. save the suffix cache


class ApiError(Exception):
    """An OpenAI-style error response: status, message, type, param, code, headers."""

    def __init__(self, status: int, message: str, type_: str = "invalid_request_error",
                 param: str | None = None, code: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.type, self.param = status, message, type_, param
        self.code, self.headers = code, headers
