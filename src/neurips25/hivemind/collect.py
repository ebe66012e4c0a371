"""Resumable collection of N samples per prompt per model into a JSONL file.

Backends: any OpenAI-compatible ``/chat/completions`` endpoint (vLLM, llama.cpp,
OpenRouter-like gateways...) or a local Hugging Face model folder. The paper samples
with top-p 0.9, T = 1.0 (the defaults here). Each prompt's batch is appended with one
write + fsync; on restart, rows already on disk are counted per (model, prompt) and only
the missing samples are requested, and a line cut off by a kill is dropped, so nothing
collected is lost and nothing is duplicated. A dead endpoint or a malformed reply is
retried with backoff, then reported; the other prompts go on.
"""
from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from neurips25.common.errors import UserError
from neurips25.common.progress import NullProgress, Progress


class ReplyError(Exception):
    """The endpoint answered, but not with what an OpenAI-compatible server sends."""


class FatalRequestError(Exception):
    """A request that retrying cannot fix (bad model name, bad key: HTTP 4xx)."""


class Backend(Protocol):
    model: str  # the label written into each row

    def generate(self, prompt: str, n: int) -> list[str]: ...


@dataclass
class OpenAIBackend:
    """POST ``{base_url}/chat/completions`` with ``n`` choices per request."""

    base_url: str
    model: str
    temperature: float = 1.0
    top_p: float = 0.9
    max_tokens: int = 256
    api_key: str | None = None
    timeout: float = 60.0
    max_n_per_request: int = 16

    def _post(self, body: dict) -> dict:
        req = urllib.request.Request(
            self.base_url.rstrip("/") + "/chat/completions",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json",
                     **({"Authorization": f"Bearer {self.api_key}"} if self.api_key else {})},
            method="POST",
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            if 400 <= exc.code < 500 and exc.code not in (408, 429):
                raise FatalRequestError(f"HTTP {exc.code} {exc.reason}") from None
            raise
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            raise ReplyError(f"reply is not JSON: {raw[:80]!r}") from None

    def generate(self, prompt: str, n: int) -> list[str]:
        body = {"model": self.model, "messages": [{"role": "user", "content": prompt}],
                "temperature": self.temperature, "top_p": self.top_p,
                "max_tokens": self.max_tokens, "n": min(n, self.max_n_per_request)}
        reply = self._post(body)
        choices = reply.get("choices") if isinstance(reply, dict) else None
        if not isinstance(choices, list) or not choices:
            raise ReplyError("reply has no 'choices' list")
        out = []
        for c in choices:
            content = c.get("message", {}).get("content") if isinstance(c, dict) else None
            if not isinstance(content, str):
                raise ReplyError("a choice has no message.content string")
            out.append(content)
        return out[:n]  # servers that ignore n send one choice: we ask again for the rest


@dataclass
class HFBackend:
    """A local Hugging Face causal LM folder (never downloaded: ``local_files_only``)."""

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

    def generate(self, prompt: str, n: int) -> list[str]:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if self._loaded is None:
            tok = AutoTokenizer.from_pretrained(self.path, local_files_only=True)
            lm = AutoModelForCausalLM.from_pretrained(self.path, local_files_only=True).eval()
            self._loaded = (tok, lm)
        tok, lm = self._loaded
        if getattr(tok, "chat_template", None):
            text = tok.apply_chat_template([{"role": "user", "content": prompt}], tokenize=False,
                                           add_generation_prompt=True)
        else:
            text = prompt
        enc = tok(text, return_tensors="pt")
        with torch.no_grad():
            out = lm.generate(**enc, do_sample=True, temperature=self.temperature, top_p=self.top_p,
                              max_new_tokens=self.max_tokens, num_return_sequences=n,
                              pad_token_id=tok.pad_token_id or tok.eos_token_id)
        return tok.batch_decode(out[:, enc["input_ids"].shape[1]:], skip_special_tokens=True)


def load_prompts(path: str | Path) -> list[tuple[str, str]]:
    """``(prompt_id, prompt)`` pairs from a JSONL of ``{prompt_id, prompt}`` rows."""
    from neurips25.common.jsonl import iter_jsonl

    out = [(str(r["prompt_id"]), str(r["prompt"])) for r in iter_jsonl(path, ("prompt_id", "prompt"))]
    if not out:
        raise UserError(f"{path}: no prompts")
    dup = [k for k, c in Counter(p for p, _ in out).items() if c > 1]
    if dup:
        raise UserError(f"{path}: duplicate prompt_id {dup[0]!r}")
    return out


def _parse_row(line: bytes, where: str) -> dict:
    from neurips25.common.jsonl import decode_line, parse_line

    row = parse_line(decode_line(line, where), where)
    if not isinstance(row, dict) or not {"prompt_id", "model", "response"} <= row.keys():
        raise UserError(f"{where}: not a collected row (needs prompt_id, model, response)")
    return row


def read_collected(path: Path) -> list[dict]:
    """Rows already collected. A last line without a newline is kept when it is a whole row
    (the newline is added) and cut when it does not parse (a write torn by a kill); a
    malformed line elsewhere is a ``file:line`` UserError."""
    if not path.exists():
        return []
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        keep = data.rfind(b"\n") + 1
        try:
            _parse_row(data[keep:], "")
            torn = False
        except UserError:
            torn = True
        with path.open("r+b") as fh:
            if torn:
                fh.truncate(keep)
            else:
                fh.seek(0, os.SEEK_END)
                fh.write(b"\n")
        data = data[:keep] if torn else data + b"\n"
    rows = []
    for lineno, line in enumerate(data.split(b"\n"), start=1):
        if line.strip():
            rows.append(_parse_row(line, f"{path}:{lineno}"))
    return rows


def _append(path: Path, rows: list[dict]) -> None:
    """One write per batch, flushed to disk, so a kill loses at most a partial last line."""
    blob = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
    with path.open("ab") as fh:
        fh.write(blob)
        fh.flush()
        os.fsync(fh.fileno())


@dataclass
class CollectSummary:
    requested: int = 0
    written: int = 0
    already: int = 0
    failures: list[dict] = field(default_factory=list)


def collect(
    prompts: Sequence[tuple[str, str]],
    backends: Sequence[Backend],
    n: int,
    out_path: str | Path,
    retries: int = 3,
    backoff: float = 1.0,
    progress: Progress | None = None,
) -> CollectSummary:
    """Fill ``out_path`` up to ``n`` samples for every (model, prompt); resumable."""
    if n < 1:
        raise UserError(f"--n must be >= 1, got {n}")
    progress = progress or NullProgress()
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    have = Counter((r["model"], str(r["prompt_id"])) for r in read_collected(out_path))
    summary = CollectSummary(already=sum(have.values()))
    jobs = [(b, pid, text) for b in backends for pid, text in prompts]
    for backend, pid, text in progress.track(jobs, "collecting", total=len(jobs)):
        done = have[(backend.model, pid)]
        attempt = 0
        while done < n:
            summary.requested += 1
            try:
                got = backend.generate(text, n - done)
                if not got:
                    raise ReplyError("no samples in reply")
            except FatalRequestError as exc:
                summary.failures.append({"model": backend.model, "prompt_id": pid, "error": str(exc)})
                break
            except (OSError, ReplyError, ValueError) as exc:  # URLError, timeouts, resets, bad replies
                attempt += 1
                if attempt > retries:
                    summary.failures.append({"model": backend.model, "prompt_id": pid,
                                             "error": f"{type(exc).__name__}: {exc}"})
                    break
                time.sleep(backoff * 2 ** (attempt - 1))
                continue
            attempt = 0
            rows = [{"prompt_id": pid, "prompt": text, "model": backend.model, "sample": done + j,
                     "response": r} for j, r in enumerate(got[: n - done])]
            _append(out_path, rows)
            done += len(rows)
            summary.written += len(rows)
        have[(backend.model, pid)] = done
    return summary
