"""The FastAPI app: OpenAI endpoints, health, metrics, API key, OpenAI-style errors.

Auth and request counting are plain ASGI middleware (not ``BaseHTTPMiddleware``), so a
streaming response still sees its client disconnect.
"""
from __future__ import annotations

import contextlib
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from neurips25.serve import generation
from neurips25.serve.metrics import CONTENT_TYPE
from neurips25.serve.protocol import (
    ChatRequest,
    CompletionRequest,
    error_body,
    validation_message,
)
from neurips25.serve.state import ApiError, ServerState

ENDPOINTS = ("/v1/completions", "/v1/chat/completions", "/v1/models", "/health", "/metrics")


class _Guard:
    """API key check on ``/v1/*`` and per-endpoint request counts and latency."""

    def __init__(self, app: Any, state: ServerState) -> None:
        self.app, self.state = app, state

    def _authorized(self, scope: dict) -> bool:
        key = self.state.api_key
        if key is None or not scope["path"].startswith("/v1"):
            return True
        headers = dict(scope.get("headers") or [])
        got = headers.get(b"authorization", b"").decode("latin-1")
        return secrets.compare_digest(got.encode(), f"Bearer {key}".encode())

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"] if scope["path"] in ENDPOINTS else "other"
        status, t0 = 500, time.perf_counter()

        async def counting_send(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            if not self._authorized(scope):
                body = error_body("missing or wrong API key (send 'Authorization: Bearer KEY')",
                                  "authentication_error", code="invalid_api_key")
                await JSONResponse(body, status_code=401)(scope, receive, counting_send)
            else:
                await self.app(scope, receive, counting_send)
        finally:
            m = self.state.metrics
            m.requests.labels(endpoint=path, status=str(status)).inc()
            if path.startswith("/v1/") and path != "/v1/models":
                m.latency.labels(endpoint=path).observe(time.perf_counter() - t0)


def create_app(state: ServerState) -> Any:
    """The ASGI app for ``state``; its lifespan starts and stops the model thread."""

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if not state.worker.alive:
            state.worker.start()
        try:
            yield
        finally:
            state.worker.stop()
            if state.on_shutdown is not None:
                state.on_shutdown()

    app = FastAPI(title="neurips25 serve", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=None)
    _routes(app, state)
    _errors(app)
    return _Guard(app, state)


def _routes(app: FastAPI, state: ServerState) -> None:
    @app.get("/health")
    async def health() -> Response:
        if not state.worker.alive:
            return JSONResponse({"status": "model thread stopped"}, status_code=503)
        return JSONResponse({"status": "ok"})

    @app.get("/metrics")
    async def metrics() -> Response:
        return Response(state.metrics.render(), media_type=CONTENT_TYPE)

    @app.get("/v1/models")
    async def models() -> Response:
        return JSONResponse({"object": "list", "data": [
            {"id": state.model_name, "object": "model", "created": 0, "owned_by": "neurips25",
             "max_model_len": state.engine.positions}]})

    @app.post("/v1/completions")
    async def completions(req: CompletionRequest, request: Request) -> Any:
        tok = state.tokenizer
        prompts = [tok(p)["input_ids"] if isinstance(p, str) else list(p)
                   for p in req.prompt_list()]
        call = generation.start(state, req, prompts, chat=False)
        return await generation.respond(request, call, bool(req.stream), _usage(req))

    @app.post("/v1/chat/completions")
    async def chat(req: ChatRequest, request: Request) -> Any:
        call = generation.start(state, req, [_chat_ids(state, req)], chat=True)
        return await generation.respond(request, call, bool(req.stream), _usage(req))


def _usage(req: Any) -> bool:
    return bool(req.stream_options and req.stream_options.include_usage)


def _chat_ids(state: ServerState, req: ChatRequest) -> list[int]:
    tok = state.tokenizer
    if not getattr(tok, "chat_template", None):
        raise ApiError(400, f"the model '{state.model_name}' has no chat template; use "
                            "/v1/completions with a plain prompt", param="messages")
    try:
        text = tok.apply_chat_template(req.template_messages(), tokenize=False,
                                       add_generation_prompt=True)
    except Exception as exc:  # a template may raise for roles or orders it does not accept
        raise ApiError(400, f"the chat template rejected the messages: {exc}",
                       param="messages") from None
    return tok(text, add_special_tokens=False)["input_ids"]


def _errors(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> Response:
        message, param = validation_message(exc)
        return JSONResponse(error_body(message, param=param), status_code=400)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> Response:
        type_ = "not_found_error" if exc.status_code == 404 else "invalid_request_error"
        return JSONResponse(error_body(str(exc.detail), type_), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> Response:
        return JSONResponse(error_body(exc.message, exc.type, exc.param, exc.code),
                            status_code=exc.status, headers=exc.headers)
