"""Deterministic agentic request traces built from Python's own stdlib sources.

Four workloads in the spirit of the paper's evaluation (Sec. 4: SWE-Bench edits,
AgenticSQL, and open-ended chat as the low-reuse control):

- ``code_edit``: rename an identifier and make local edits to a stdlib function; the
  output repeats the prompt almost verbatim.
- ``sql_tools``: templated JSON tool calls carrying SQL over random schemas; the
  repetition is *across* requests (the templates), not inside one.
- ``self_refine``: multi-turn refinement; each turn's answer repeats most of the last.
- ``open_ended``: write a stdlib function from a one-line description: little reuse.

Every workload has a strict split: ``history`` requests (whose responses warm the
global tree) come from one set of source files and random seeds, ``evaluation``
requests from a disjoint set, and no evaluation output occurs verbatim in history
(overlap gives bogus acceptance, see the research notes). Tokens come from
``WordTokenizer``: identifiers, numbers, whitespace runs and punctuation as pieces,
the most frequent pieces of the history text as the vocabulary, bytes as fallback.
"""
from __future__ import annotations

import ast
import json
import random
import re
import sysconfig
import textwrap
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

WORKLOADS = ("code_edit", "sql_tools", "self_refine", "open_ended")
T = TypeVar("T", str, list[int])
_PIECE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+| +|\n[ \t]*|[^\sA-Za-z0-9_]|\s")


class WordTokenizer:
    """Word-level tokenizer with byte fallback, trained on a text sample (deterministic)."""

    def __init__(self, pieces: list[str]) -> None:
        self.pieces = pieces
        self._id = {p: 256 + i for i, p in enumerate(pieces)}

    @classmethod
    def train(cls, texts: list[str], vocab_size: int = 4096) -> WordTokenizer:
        counts = Counter(p for t in texts for p in _PIECE.findall(t))
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return cls([p for p, _ in ranked[: max(0, vocab_size - 256)]])

    @property
    def vocab_size(self) -> int:
        return 256 + len(self.pieces)

    def encode(self, text: str) -> list[int]:
        out: list[int] = []
        for piece in _PIECE.findall(text):
            i = self._id.get(piece)
            if i is None:
                out.extend(piece.encode("utf-8"))
            else:
                out.append(i)
        return out

    def decode(self, ids: list[int]) -> str:
        out, buf = [], bytearray()
        for i in ids:
            if i < 256:
                buf.append(i)
                continue
            if buf:
                out.append(buf.decode("utf-8", "replace"))
                buf.clear()
            out.append(self.pieces[i - 256])
        if buf:
            out.append(buf.decode("utf-8", "replace"))
        return "".join(out)


@dataclass(frozen=True)
class Request(Generic[T]):
    """One request and its reference output, as text or as token ids (one type for both);
    ``kind`` names the workload it belongs to."""

    prompt: T
    output: T
    kind: str = ""

    @property
    def text(self) -> T:
        return self.prompt + self.output  # type: ignore[operator]


@dataclass(frozen=True)
class Workload:
    name: str
    history: tuple[Request, ...]
    evaluation: tuple[Request, ...]


# --------------------------------------------------------------------- sources
_NEWLINE = re.compile(r"\r\n|\r|\n")


def _source_lines(text: str) -> list[str]:
    """``text`` split at \\r\\n, \\r and \\n with the ends kept (as ``ast`` splits it)."""
    out, start = [], 0
    for m in _NEWLINE.finditer(text):
        out.append(text[start: m.end()])
        start = m.end()
    if start < len(text):
        out.append(text[start:])
    return out


def source_segment(lines: list[str], node: ast.AST) -> str:
    """``ast.get_source_segment`` on pre-split lines: that one splits the whole file on
    every call, which made parsing the stdlib quadratic (~10 CPU-s of the quick preset)."""
    first, last = node.lineno - 1, node.end_lineno - 1  # type: ignore[attr-defined]
    col, end_col = node.col_offset, node.end_col_offset  # type: ignore[attr-defined]
    if first == last:
        return lines[first].encode()[col:end_col].decode()
    return "".join([lines[first].encode()[col:].decode(), *lines[first + 1: last],
                    lines[last].encode()[:end_col].decode()])


def _functions_in(path: Path, min_lines: int, max_lines: int) -> list[tuple[str, str, str]]:
    try:
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return []
    out = []
    lines = _source_lines(text)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.end_lineno is not None:
            if min_lines <= node.end_lineno - node.lineno + 1 <= max_lines:
                src = source_segment(lines, node)
                if src and "\t" not in src:
                    src = textwrap.dedent(" " * node.col_offset + src)
                    out.append((path.name, node.name, src))
    return out


def stdlib_functions(seed: int, n_history: int, n_eval: int, min_lines: int = 8,
                     max_lines: int = 60, root: Path | None = None) -> tuple[list, list]:
    """(file, name, source) of stdlib functions: history and evaluation halves.

    Files of the running interpreter's stdlib are shuffled by ``seed``; every third file
    goes to evaluation, the rest to history, so the halves never share a file. Files are
    parsed only until both halves are full (parsing the whole stdlib is slow).
    """
    root = Path(sysconfig.get_paths()["stdlib"]) if root is None else root
    files = sorted(root.glob("*.py"))
    random.Random(seed).shuffle(files)
    hist: list = []
    ev: list = []
    for k, path in enumerate(files):
        half, want = (ev, n_eval) if k % 3 == 2 else (hist, n_history)
        if len(half) < want:
            half.extend(_functions_in(path, min_lines, max_lines))
        if len(hist) >= n_history and len(ev) >= n_eval:
            break
    else:
        raise ValueError(f"the sources at {root} have too few functions for {n_history} history "
                         f"and {n_eval} evaluation requests")
    rng = random.Random(seed + 1)
    rng.shuffle(hist)
    rng.shuffle(ev)
    return hist[:n_history], ev[:n_eval]


_IDENT = re.compile(r"(?<![\\\w])[a-z_][a-z0-9_]{2,}\b")
_KEYWORDS = set(__import__("keyword").kwlist) | {"self", "cls", "None", "True", "False"}
_NEW_NAMES = ["value", "item", "entry", "result", "buffer", "record", "node", "token", "chunk",
              "target", "source", "payload", "handle", "options", "state", "context"]
_CRITIQUES = ["Add a docstring line that explains the return value.",
              "Validate the arguments at the top of the function.",
              "Rename the local variable `{old}` to `{new}` for clarity.",
              "Add a comment explaining the main loop.",
              "Use a clearer name than `{old}`: call it `{new}`."]


def _rename(src: str, rng: random.Random) -> tuple[str, str, str]:
    names = [n for n, c in Counter(_IDENT.findall(src)).items() if c >= 2 and n not in _KEYWORDS]
    if not names:
        return src, "x", "x"
    old = rng.choice(sorted(names))
    new = f"{rng.choice(_NEW_NAMES)}_{old}"
    return re.sub(rf"\b{re.escape(old)}\b", new, src), old, new


def _insert_line(src: str, line: str, rng: random.Random) -> str:
    lines = src.split("\n")
    if len(lines) < 3:
        return src + "\n" + line
    i = rng.randrange(1, len(lines) - 1)
    indent = re.match(r"\s*", lines[i]).group(0)  # type: ignore[union-attr]
    return "\n".join(lines[:i] + [indent + line] + lines[i:])


def code_edit(fn: tuple[str, str, str], rng: random.Random) -> Request:
    fname, name, src = fn
    edited, old, new = _rename(src, rng)
    edited = _insert_line(edited, f"# edited: {old} -> {new}", rng)
    prompt = (f"<task>In {fname}, rename `{old}` to `{new}` in `{name}` and mark the edit "
              f"with a comment. Reply with the whole function.</task>\n<code>\n{src}\n</code>\n")
    return Request(prompt, f"<code>\n{edited}\n</code>\n")


def self_refine_chain(fn: tuple[str, str, str], rng: random.Random, turns: int) -> list[Request]:
    """Turn t answers with the previous answer slightly revised (one edit per turn)."""
    answer, chain = fn[2], []
    for _ in range(turns):
        template = rng.choice(_CRITIQUES)
        revised, old, new = _rename(answer, rng) if "{old}" in template else (answer, "", "")
        if "{old}" not in template:
            revised = _insert_line(answer, "# " + template.split(".")[0].lower(), rng)
        critique = template.format(old=old, new=new)
        prompt = (f"<previous_answer>\n{answer}\n</previous_answer>\n"
                  f"<feedback>{critique}</feedback>\n")
        chain.append(Request(prompt, f"<answer>\n{revised}\n</answer>\n"))
        answer = revised
    return chain


def open_ended(fn: tuple[str, str, str], rng: random.Random) -> Request:
    fname, name, src = fn
    body = ast.parse(src).body[0]
    doc = ast.get_docstring(body) if isinstance(body, ast.FunctionDef) else None  # type: ignore[arg-type]
    hint = (doc or f"the helper used by {fname}").split("\n")[0]
    return Request(f"<task>Write a Python function `{name}`: {hint}</task>\n", src + "\n")


# ----------------------------------------------------------- templated tool calls
_WORDS = ["orders", "customers", "products", "invoices", "payments", "shipments", "users",
          "sessions", "events", "reviews", "stores", "employees", "tickets", "accounts",
          "regions", "suppliers", "returns", "coupons", "carts", "visits"]
_COLS = ["id", "name", "email", "amount", "price", "quantity", "status", "created_at",
         "updated_at", "country", "city", "category", "score", "total", "discount", "rating",
         "region_id", "user_id", "product_id", "store_id"]
_SQL = [
    ("How many rows of {t} have {c1} equal to '{v}'?",
     "SELECT COUNT(*) FROM {t} WHERE {c1} = '{v}';"),
    ("What are the top {n} {t} by {c2}?",
     "SELECT {c1}, {c2} FROM {t} ORDER BY {c2} DESC LIMIT {n};"),
    ("What is the average {c2} of {t} per {c1}?",
     "SELECT {c1}, AVG({c2}) AS avg_{c2} FROM {t} GROUP BY {c1} ORDER BY avg_{c2} DESC;"),
    ("List {t} created after {d} with {c2} above {n}.",
     "SELECT * FROM {t} WHERE created_at > '{d}' AND {c2} > {n} ORDER BY created_at;"),
    ("Join {t} with {t2} and total {c2} per {c1}.",
     "SELECT {t}.{c1}, SUM({t2}.{c2}) AS total_{c2} FROM {t} JOIN {t2} ON {t}.id = {t2}.{c3} "
     "GROUP BY {t}.{c1};"),
]


def sql_request(rng: random.Random) -> Request:
    t, t2 = rng.sample(_WORDS, 2)
    c1, c2, c3 = rng.sample(_COLS, 3)
    cols = sorted(set(rng.sample(_COLS, 6)) | {c1, c2, c3})
    slots = dict(t=t, t2=t2, c1=c1, c2=c2, c3=c3, n=rng.randrange(2, 50),
                 v=rng.choice(["active", "pending", "closed", "new", "gold"]),
                 d=f"2024-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}")
    question, sql = rng.choice(_SQL)
    question, sql = question.format(**slots), sql.format(**slots)
    schema = "\n".join(f"TABLE {x} ({', '.join(cols)})" for x in (t, t2))
    prompt = f"<schema>\n{schema}\n</schema>\n<question>{question}</question>\n"
    answer = f"The query over {t} returned the requested rows."
    calls = [
        {"tool": "list_tables", "arguments": {}},
        {"tool": "describe_table", "arguments": {"table": t}},
        {"tool": "run_sql", "arguments": {"query": sql}},
        {"tool": "final_answer", "arguments": {"answer": answer, "sql": sql}},
    ]
    return Request(prompt, "\n".join(json.dumps(c) for c in calls) + "\n")


# ------------------------------------------------------------------ assembly
def text_workloads(seed: int, n_history: int, n_eval: int, sql_history: int | None = None,
                   turns: int = 3) -> dict[str, tuple[list[Request], list[Request]]]:
    """(history, evaluation) text requests per workload; disjoint files and seeds."""
    e_chains = max(1, -(-n_eval // turns))
    hist_fns, eval_fns = stdlib_functions(seed, n_history, 2 * n_eval + e_chains)
    h_rng, e_rng = random.Random(seed * 7919 + 1), random.Random(seed * 7919 + 2)
    out: dict[str, tuple[list[Request], list[Request]]] = {}
    out["code_edit"] = ([code_edit(f, h_rng) for f in hist_fns[:n_history]],
                        [code_edit(f, e_rng) for f in eval_fns[:n_eval]])
    n_sql = n_history if sql_history is None else sql_history
    out["sql_tools"] = ([sql_request(h_rng) for _ in range(n_sql)],
                        [sql_request(e_rng) for _ in range(n_eval)])
    chains = max(1, n_history // turns)
    hist_refine = [r for f in hist_fns[:chains] for r in self_refine_chain(f, h_rng, turns)]
    eval_refine = [r for f in eval_fns[n_eval:n_eval + e_chains]
                   for r in self_refine_chain(f, e_rng, turns)][:n_eval]
    out["self_refine"] = (hist_refine, eval_refine)
    start = n_eval + e_chains
    out["open_ended"] = ([open_ended(f, h_rng) for f in hist_fns[:n_history]],
                         [open_ended(f, e_rng) for f in eval_fns[start:start + n_eval]])
    return out


def build_workloads(seed: int = 0, n_history: int = 200, n_eval: int = 20,
                    sql_history: int | None = None, max_output_tokens: int = 400,
                    vocab_size: int = 4096) -> tuple[dict[str, Workload], WordTokenizer]:
    """Tokenized workloads (tokenizer trained on the history text only)."""
    texts = text_workloads(seed, n_history, n_eval, sql_history)
    tok = WordTokenizer.train([r.prompt + r.output for h, _ in texts.values() for r in h],
                              vocab_size)

    def enc(x: Request[str]) -> Request[list[int]]:
        return Request(tok.encode(x.prompt), tok.encode(x.output)[:max_output_tokens])

    out = {}
    for name, (hist, ev) in texts.items():
        h = tuple(enc(r) for r in hist)
        seen = {tuple(r.output) for r in h}
        e = tuple(r for r in map(enc, ev) if tuple(r.output) not in seen)
        out[name] = Workload(name, h, e)
    return out, tok
