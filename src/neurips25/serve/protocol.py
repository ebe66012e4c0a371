"""OpenAI request bodies (the subset served here) and OpenAI-style error bodies.

Strict types: a string where a number belongs is a 400, never silently converted.
Unknown fields are ignored as OpenAI-compatible servers do, except options that would
change the output and are not implemented here: those are refused, not ignored.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

MAX_N = 16  # choices per request
MAX_STOP = 4  # stop strings per request (OpenAI's limit)

# options whose non-default value changes the output; refused rather than ignored
_UNSUPPORTED = ("logprobs", "top_logprobs", "echo", "suffix", "logit_bias", "presence_penalty",
                "frequency_penalty", "tools", "functions", "response_format", "best_of")


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow", allow_inf_nan=False)


class StreamOptions(_Strict):
    include_usage: bool = False


class _Common(_Strict):
    model: str
    max_tokens: int | None = Field(None, ge=1)
    temperature: float | None = Field(None, ge=0, le=2)
    top_p: float | None = Field(None, gt=0, le=1)
    top_k: int | None = Field(None, ge=-1)  # vLLM's extension; 0 or -1 = off
    n: int | None = Field(None, ge=1, le=MAX_N)
    stop: str | list[str] | None = None
    seed: int | None = Field(None, ge=-(2**63), lt=2**64)
    stream: bool | None = False
    stream_options: StreamOptions | None = None

    @field_validator("stop")
    @classmethod
    def _stop(cls, v: str | list[str] | None) -> list[str]:
        stops = [] if v is None else [v] if isinstance(v, str) else v
        if len(stops) > MAX_STOP:
            raise ValueError(f"at most {MAX_STOP} stop strings")
        if any(s == "" for s in stops):
            raise ValueError("stop strings must not be empty")
        return stops

    @model_validator(mode="after")
    def _refuse_unsupported(self) -> _Common:
        for name in _UNSUPPORTED:
            v = (self.model_extra or {}).get(name)
            harmless = (not v or (name == "best_of" and v == 1)
                        or (name == "response_format" and v == {"type": "text"}))
            if not harmless:
                raise ValueError(f"'{name}' is not supported by this server")
        return self

    @property
    def stops(self) -> list[str]:
        return list(self.stop or [])


def _check_ids(ids: list[int]) -> list[int]:
    if not ids:
        raise ValueError("a token-id prompt must not be empty")
    if min(ids) < 0:
        raise ValueError("token ids must be >= 0")
    return ids


class CompletionRequest(_Common):
    prompt: str | list[int] | list[str] | list[list[int]]

    @field_validator("prompt")
    @classmethod
    def _prompt(cls, v: Any) -> Any:
        if isinstance(v, list):
            if not v:
                raise ValueError("prompt must not be an empty list")
            if isinstance(v[0], int):
                _check_ids(v)
            elif isinstance(v[0], list):
                for ids in v:
                    _check_ids(ids)
        return v

    def prompt_list(self) -> list[str | list[int]]:
        """One entry per prompt: text, or token ids."""
        p = self.prompt
        if isinstance(p, str) or (p and isinstance(p[0], int)):
            return [p]
        return list(p)


class ContentPart(_Strict):
    type: Literal["text"]
    text: str


class Message(_Strict):
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(part.text for part in self.content)
        return self.content or ""


class ChatRequest(_Common):
    messages: list[Message] = Field(min_length=1)
    max_completion_tokens: int | None = Field(None, ge=1)

    def template_messages(self) -> list[dict[str, str]]:
        return [{"role": m.role, "content": m.text()} for m in self.messages]


def error_body(message: str, type_: str = "invalid_request_error", param: str | None = None,
               code: str | None = None) -> dict[str, Any]:
    """The OpenAI error shape: ``{"error": {message, type, param, code}}``."""
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def validation_message(exc: ValidationError | Any) -> tuple[str, str | None]:
    """A one-line message and the offending parameter from a pydantic/FastAPI error."""
    errors = exc.errors()
    if not errors:
        return "invalid request", None
    err = errors[0]
    loc = [str(x) for x in err.get("loc", ()) if x not in ("body",)]
    # drop pydantic's union-branch names (e.g. 'str', 'list[int]') from the location
    loc = [x for x in loc if not any(c in x for c in "[]") and x not in ("str", "int", "float",
                                                                          "bool", "list")]
    param = ".".join(loc) or None
    msg = err.get("msg", "invalid value")
    if err.get("type") == "json_invalid":
        return "the request body is not valid JSON", None
    return (f"{param}: {msg}" if param else msg), param
