"""From a validated request to a job on the model thread, and back to OpenAI responses.

Both endpoints share this path; they differ only in how a prompt becomes token ids and
in the shape of a choice (``text`` vs ``message`` / ``delta``). A client that goes away
(a closed stream, a dropped connection) cancels its job: the model thread stops after
the current step.
"""
from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse

from neurips25.serve.engine import Sampling
from neurips25.serve.protocol import ChatRequest, error_body
from neurips25.serve.state import ApiError, ServerState
from neurips25.serve.worker import Delta, Done, End, Failed, Job, QueueFull

POLL_S = 0.2  # how often a waiting non-streaming request checks that its client is there


@dataclass
class Call:
    """One request in flight: its job, its event queue, and the answer built so far."""

    chat: bool
    model: str
    prompts: list[list[int]]
    job: Job
    events: asyncio.Queue
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    created: int = field(default_factory=lambda: int(time.time()))

    @property
    def object(self) -> str:
        return "chat.completion" if self.chat else "text_completion"

    def usage(self, completion_tokens: int) -> dict[str, int]:
        prompt = sum(len(p) for p in self.prompts)
        return {"prompt_tokens": prompt, "completion_tokens": completion_tokens,
                "total_tokens": prompt + completion_tokens}


def resolve_max_tokens(state: ServerState, req: Any, prompts: list[list[int]]) -> int:
    """``max_tokens`` or its default; a 400 if the prompt plus it exceeds the context."""
    asked = req.max_tokens
    if isinstance(req, ChatRequest) and req.max_completion_tokens is not None:
        asked = req.max_completion_tokens
    limit, longest = state.engine.positions, max(len(p) for p in prompts)
    if limit is not None and longest >= limit:
        raise ApiError(400, f"the prompt is {longest} tokens; this model's context is {limit} "
                            "tokens and needs room for at least one more", param="messages"
                       if isinstance(req, ChatRequest) else "prompt")
    if asked is None:
        room = None if limit is None else limit - longest
        default = None if isinstance(req, ChatRequest) else state.default_max_tokens
        asked = min(x for x in (room, default, 4096) if x is not None)
    if limit is not None and longest + asked > limit:
        raise ApiError(400, f"this model's context is {limit} tokens; the prompt ({longest}) plus "
                            f"max_tokens ({asked}) exceeds it", param="max_tokens")
    return asked


def check_ids(state: ServerState, prompts: list[list[int]]) -> None:
    vocab = state.engine.vocab_size
    for ids in prompts:
        if not ids:
            raise ApiError(400, "the prompt is empty after tokenization", param="prompt")
        if max(ids) >= vocab:
            raise ApiError(400, f"token id {max(ids)} is outside the vocabulary (size {vocab})",
                           param="prompt")


def start(state: ServerState, req: Any, prompts: list[list[int]], chat: bool) -> Call:
    """Validate against the model, queue the job (503 when the queue is full)."""
    if req.model != state.model_name:
        raise ApiError(404, f"the model '{req.model}' does not exist; this server serves "
                            f"'{state.model_name}'", type_="NotFoundError", param="model",
                       code="model_not_found")
    check_ids(state, prompts)
    max_tokens = resolve_max_tokens(state, req, prompts)
    top_k = req.top_k if req.top_k and req.top_k > 0 else 0
    sampling = Sampling(temperature=1.0 if req.temperature is None else req.temperature,
                        top_p=1.0 if req.top_p is None else req.top_p, top_k=top_k)
    loop, events = asyncio.get_running_loop(), asyncio.Queue()
    job = Job(prompts=prompts, max_tokens=max_tokens, sampling=sampling, n=req.n or 1,
              seed=req.seed, stop=tuple(req.stops), stream=bool(req.stream),
              emit=lambda ev: loop.call_soon_threadsafe(events.put_nowait, ev))
    try:
        state.worker.submit(job)
    except QueueFull:
        raise ApiError(503, "the server is busy (request queue full); retry later",
                       type_="server_overloaded", code="queue_full",
                       headers={"Retry-After": "1"}) from None
    prefix = "chatcmpl-" if chat else "cmpl-"
    call = Call(chat=chat, model=state.model_name, prompts=prompts, job=job, events=events)
    call.id = prefix + call.id
    state.metrics.prompt_tokens.inc(sum(len(p) for p in prompts) * job.n)
    return call


async def respond(request: Request, call: Call, stream: bool, include_usage: bool) -> Any:
    if stream:
        return StreamingResponse(_sse(call, include_usage), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache"})
    return await _collect(request, call)


async def _collect(request: Request, call: Call) -> JSONResponse:
    """Wait for every choice; stop the job if the client disconnects meanwhile."""
    n = len(call.prompts) * call.job.n
    texts, reasons, tokens = [""] * n, ["length"] * n, 0
    finished, loop = False, asyncio.get_running_loop()
    checked = loop.time()
    try:
        while True:
            try:
                ev = await asyncio.wait_for(call.events.get(), POLL_S)
            except TimeoutError:
                ev = None
            if loop.time() - checked >= POLL_S:  # events may flow without pause: check by clock
                checked = loop.time()
                if await request.is_disconnected():
                    return JSONResponse(error_body("client disconnected"), status_code=499)
            if ev is None:
                continue
            if isinstance(ev, Delta):
                texts[ev.index] += ev.text
            elif isinstance(ev, Done):
                reasons[ev.index], tokens = ev.finish_reason, tokens + ev.completion_tokens
            elif isinstance(ev, Failed):
                finished = True
                return JSONResponse(error_body(ev.message, "server_error"), status_code=500)
            elif isinstance(ev, End):
                finished = True
                break
    finally:
        if not finished:
            call.job.cancelled.set()
    choices = [_choice(call, i, texts[i], reasons[i]) for i in range(n)]
    return JSONResponse({"id": call.id, "object": call.object, "created": call.created,
                         "model": call.model, "choices": choices, "usage": call.usage(tokens)})


def _choice(call: Call, index: int, text: str, reason: str) -> dict[str, Any]:
    if call.chat:
        return {"index": index, "message": {"role": "assistant", "content": text},
                "finish_reason": reason, "logprobs": None}
    return {"index": index, "text": text, "finish_reason": reason, "logprobs": None}


def _chunk(call: Call, choices: list[dict[str, Any]], usage: dict | None = None) -> str:
    body = {"id": call.id, "object": call.object + ".chunk" if call.chat else call.object,
            "created": call.created, "model": call.model, "choices": choices}
    if usage is not None:
        body["usage"] = usage
    return f"data: {json.dumps(body)}\n\n"


def _delta(call: Call, index: int, text: str | None, reason: str | None,
           first: bool = False) -> dict[str, Any]:
    if not call.chat:
        return {"index": index, "text": text or "", "finish_reason": reason, "logprobs": None}
    delta: dict[str, Any] = {"role": "assistant"} if first else {}
    if text is not None:
        delta["content"] = text
    return {"index": index, "delta": delta, "finish_reason": reason, "logprobs": None}


async def _sse(call: Call, include_usage: bool) -> AsyncIterator[str]:
    """Server-sent events; the job is cancelled if the client closes the stream."""
    finished, tokens = False, 0
    try:
        if call.chat:
            n = len(call.prompts) * call.job.n
            yield _chunk(call, [_delta(call, i, "", None, first=True) for i in range(n)])
        while True:
            ev = await call.events.get()
            if isinstance(ev, Delta):
                yield _chunk(call, [_delta(call, ev.index, ev.text, None)])
            elif isinstance(ev, Done):
                tokens += ev.completion_tokens
                yield _chunk(call, [_delta(call, ev.index, None, ev.finish_reason)])
            elif isinstance(ev, Failed):
                finished = True
                yield f"data: {json.dumps(error_body(ev.message, 'server_error'))}\n\n"
                return
            elif isinstance(ev, End):
                finished = True
                break
        if include_usage:
            yield _chunk(call, [], usage=call.usage(tokens))
        yield "data: [DONE]\n\n"
    finally:
        if not finished:
            call.job.cancelled.set()
