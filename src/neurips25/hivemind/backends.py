"""Where samples come from: an OpenAI-compatible endpoint (through the official ``openai``
client) or a local Hugging Face model folder.

A backend's ``generate(prompt, n)`` returns up to ``n`` texts, or raises one of three
kinds of error, so the collector knows what to do with it:
- ``ReplyError``: a transient or malformed reply (timeout, dropped or truncated connection,
  bad status line, HTTP 408/409/429/5xx, JSON of the wrong shape): retried with backoff;
- ``FatalRequestError``: a request retrying cannot fix (HTTP 4xx: bad model name, bad key);
- ``UserError``: bad input found before any request (no URL scheme, no tokenizer).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from neurips25.common.errors import UserError


class ReplyError(Exception):
    """The endpoint failed or answered with something an OpenAI server does not send."""


class FatalRequestError(Exception):
    """A request that retrying cannot fix (bad model name, bad key: HTTP 4xx)."""


class Backend(Protocol):
    model: str  # the label written into each row

    def generate(self, prompt: str, n: int) -> list[str]: ...


def check_base_url(url: str) -> str:
    """``http(s)://host[:port]/path``, or a UserError (a URL that can never work)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(f"--base-url {url!r}: need http:// or https:// and a host, "
                        "e.g. http://127.0.0.1:8000/v1")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise UserError(f"--base-url {url!r}: the port is not a number") from None
    return url


def _choices_text(data: Any) -> list[str]:
    """The ``message.content`` strings of a chat-completion body, or ReplyError."""
    choices = data.get("choices") if isinstance(data, dict) else None
    if not isinstance(choices, list) or not choices:
        raise ReplyError("reply has no 'choices' list")
    out = []
    for c in choices:
        message = c.get("message") if isinstance(c, dict) else None
        if not isinstance(message, dict):
            raise ReplyError("a choice's 'message' is not an object")
        if not isinstance(message.get("content"), str):
            raise ReplyError("a choice has no message.content string")
        out.append(message["content"])
    return out


def _describe(exc: BaseException) -> str:
    cause = exc.__cause__ or exc.__context__
    detail = f" ({type(cause).__name__}: {cause})" if cause is not None else ""
    return f"{type(exc).__name__}: {exc}{detail}"[:300]


@dataclass
class OpenAIBackend:
    """``chat.completions`` with ``n`` choices per request via the ``openai`` client.

    The client's own retries are off: the collector retries every kind of failure the
    same way (malformed replies too) and reports a prompt that keeps failing."""

    base_url: str
    model: str
    temperature: float = 1.0
    top_p: float = 0.9
    max_tokens: int = 256
    api_key: str | None = None
    timeout: float = 60.0
    max_n_per_request: int = 16
    _client: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        check_base_url(self.base_url)

    def _get_client(self) -> Any:
        if self._client is None:
            try:
                import openai
            except ImportError:
                raise UserError("--base-url needs the openai package: "
                                "pip install 'neurips25[hivemind]'") from None
            # local servers take any key; the client insists on one
            self._client = openai.OpenAI(base_url=self.base_url, api_key=self.api_key or "none",
                                         timeout=self.timeout, max_retries=0)
        return self._client

    def generate(self, prompt: str, n: int) -> list[str]:
        import openai

        client = self._get_client()
        try:
            raw = client.chat.completions.with_raw_response.create(
                model=self.model, messages=[{"role": "user", "content": prompt}],
                temperature=self.temperature, top_p=self.top_p, max_tokens=self.max_tokens,
                n=min(n, self.max_n_per_request))
            body = raw.http_response.json()
        except openai.APIStatusError as exc:
            code = exc.status_code
            if 400 <= code < 500 and code not in (408, 409, 429):
                raise FatalRequestError(f"HTTP {code}: {exc.message}"[:300]) from None
            raise ReplyError(f"HTTP {code}: {exc.message}"[:300]) from None
        except openai.APIError as exc:  # timeouts, refused/dropped/truncated connections
            raise ReplyError(_describe(exc)) from None
        except ValueError as exc:  # a body that is not JSON
            raise ReplyError(f"reply is not JSON ({exc})") from None
        return _choices_text(body)[:n]  # servers that ignore n send one: we ask again


@dataclass
class HFBackend:
    """A local Hugging Face causal LM folder (never downloaded: ``local_files_only``).

    ``load()`` reads the tokenizer and weights; the collector calls it before the first
    request, so a folder without a tokenizer fails at once, not once per prompt."""

    path: str
    model: str = ""
    temperature: float = 1.0
    top_p: float = 0.9
    max_tokens: int = 256
    _loaded: tuple | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not Path(self.path).is_dir():
            raise UserError(f"{self.path}: not a model folder")
        self.model = self.model or Path(self.path).name

    def load(self) -> None:
        if self._loaded is not None:
            return
        from transformers import AutoModelForCausalLM, AutoTokenizer

        try:
            tok = AutoTokenizer.from_pretrained(self.path, local_files_only=True)
        except (OSError, ValueError, TypeError) as exc:
            raise UserError(f"{self.path}: no usable tokenizer "
                            f"({' '.join(str(exc).split())[:160]})") from None
        if len(tok) < 2 or not tok("a b")["input_ids"]:  # an empty stand-in, no vocabulary
            raise UserError(f"{self.path}: no usable tokenizer (no vocabulary in the folder)")
        try:
            lm = AutoModelForCausalLM.from_pretrained(self.path, local_files_only=True).eval()
        except (OSError, ValueError, TypeError, RuntimeError) as exc:
            raise UserError(f"{self.path}: cannot load the model "
                            f"({' '.join(str(exc).split())[:160]})") from None
        self._loaded = (tok, lm)

    def generate(self, prompt: str, n: int) -> list[str]:
        import torch

        self.load()
        tok, lm = self._loaded
        if getattr(tok, "chat_template", None):
            text = tok.apply_chat_template([{"role": "user", "content": prompt}], tokenize=False,
                                           add_generation_prompt=True)
        else:
            text = prompt
        enc = tok(text, return_tensors="pt")
        try:
            with torch.no_grad():
                out = lm.generate(**enc, do_sample=True, temperature=self.temperature,
                                  top_p=self.top_p, max_new_tokens=self.max_tokens,
                                  num_return_sequences=n,
                                  pad_token_id=tok.pad_token_id or tok.eos_token_id)
        except (RuntimeError, IndexError, ValueError) as exc:  # same input, same failure
            raise FatalRequestError(f"generation failed: {type(exc).__name__}: {exc}"[:300]) \
                from None
        return tok.batch_decode(out[:, enc["input_ids"].shape[1]:], skip_special_tokens=True)
