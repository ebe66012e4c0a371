"""Agentic-style text requests for the demo model, deterministic by seed.

Three kinds, after part 1's workloads (SuffixDecoding §4: AgenticSQL, SWE-Bench-like
edits, and open-ended chat as the control):

- ``tool``: a natural-language request -> a templated JSON tool call / SQL query.
  Responses repeat across requests (the template) and copy slot values from the
  prompt: the case for the *global* suffix tree.
- ``edit``: "rename A to B" over a short Python function -> the edited function. The
  output repeats the input: prompt lookup and the per-request tree both help.
- ``chat``: a topic -> a free-form sentence sampled from a random word chain. Little
  reuse across requests: the honest control.

Each ``Request`` has a ``split`` derived from its seed stream, so training data, the
history that warms the global tree and the evaluation requests never overlap.
"""
from __future__ import annotations

import random
import re

from neurips25.suffix_decoding.workloads import Request

KINDS = ("tool", "edit", "chat")
EOS = "<|end|>"

_CITIES = ["paris", "berlin", "tokyo", "lima", "oslo", "cairo", "delhi", "quito", "rome",
           "austin", "denver", "madrid", "dublin", "seoul", "accra", "hanoi"]
_NAMES = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan",
          "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil"]
_CATEGORIES = ["books", "shoes", "games", "tools", "toys", "music", "garden", "coffee"]
_TOPICS = ["invoice", "meeting", "refund", "launch", "outage", "budget", "hiring", "review"]
_IDENTS = ["data", "value", "items", "count", "total", "result", "index", "buf", "line",
           "name", "path", "text", "size", "key", "node", "item", "acc", "parts", "chunk"]
_FUNCS = ["parse", "merge", "scale", "split", "clean", "load", "pack", "walk", "sum_up",
          "encode", "flatten", "render"]
_WORDS = ("the a an of to in on with for from by as at is was are be this that it we they "
          "river stone light quiet market garden window morning story music paper road city "
          "old new small bright cold warm green slow open long early late simple strange "
          "walks sings opens waits falls turns grows moves holds finds keeps brings leaves "
          "and but or so then while because after before under over near across between").split()


def _date(r: random.Random) -> str:
    return f"2024-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"


def tool_request(r: random.Random) -> Request:
    """One of five tool-call templates with random slot values."""
    t = r.randrange(5)
    if t == 0:
        cid, d, n = r.randint(100, 9999), _date(r), r.choice([5, 10, 20, 50])
        ask = r.choice(["orders of customer {c} since {d}, top {n} by total",
                        "top {n} orders by total for customer {c} after {d}"])
        ask = ask.format(c=cid, d=d, n=n)
        call = ('{"tool": "sql", "query": "SELECT id, total FROM orders WHERE customer_id = '
                f"{cid} AND created_at >= '{d}' ORDER BY total DESC LIMIT {n};\"}}")
    elif t == 1:
        city, d = r.choice(_CITIES), _date(r)
        ask = r.choice(["how many users in {c} signed up after {d}",
                        "count users from {c} who joined after {d}"]).format(c=city, d=d)
        call = ('{"tool": "sql", "query": "SELECT COUNT(*) FROM users WHERE city = '
                f"'{city}' AND signup_date > '{d}';\"}}")
    elif t == 2:
        cat, lo = r.choice(_CATEGORIES), r.randint(1, 999)
        ask = r.choice(["average price of {c} above {p} dollars",
                        "mean price for {c} priced over {p}"]).format(c=cat, p=lo)
        call = ('{"tool": "sql", "query": "SELECT AVG(price) FROM products WHERE category = '
                f"'{cat}' AND price > {lo};\"}}")
    elif t == 3:
        city, d = r.choice(_CITIES), _date(r)
        ask = r.choice(["weather in {c} on {d}", "forecast for {c} on {d}"]).format(c=city, d=d)
        call = (f'{{"tool": "get_weather", "args": {{"city": "{city}", "date": "{d}", '
                '"units": "metric"}}')
    else:
        name, topic, tid = r.choice(_NAMES), r.choice(_TOPICS), r.randint(100, 9999)
        ask = r.choice(["email {n} about the {t} #{i}", "send {n} a note on {t} #{i}"]).format(
            n=name, t=topic, i=tid)
        call = (f'{{"tool": "send_email", "args": {{"to": "{name}@example.com", "subject": '
                f'"Re: {topic} #{tid}", "body": "Hi {name}, following up on the {topic}."}}}}')
    return Request(f"### request\n{ask}\n### call\n", call + "\n" + EOS, "tool")


def _function(r: random.Random) -> tuple[str, list[str]]:
    a, b, c = r.sample(_IDENTS, 3)
    f = r.choice(_FUNCS)
    body = r.choice([
        [f"def {f}({a}, {b}):", f"    {c} = []", f"    for x in {a}:",
         f"        {c}.append(x + {b})", f"    return {c}"],
        [f"def {f}({a}, {b}=0):", f"    {c} = {b}", f"    for x in {a}:",
         "        if x:", f"            {c} += len(x)", f"    return {c}"],
        [f"def {f}({a}):", f"    {c} = {{}}", f"    for {b} in {a}:",
         f"        {c}[{b}] = {c}.get({b}, 0) + 1", f"    return {c}"],
        [f"def {f}({a}, {b}):", f"    if not {a}:", f"        return {b}",
         f"    {c} = {a}[0]", f"    return {f}({a}[1:], {b} + {c})"],
    ])
    return "\n".join(body), [a, b, c]


def edit_request(r: random.Random) -> Request:
    """Rename one identifier in a short Python function (output repeats the input)."""
    code, names = _function(r)
    old = r.choice(names)
    new = r.choice([n for n in _IDENTS if n not in names])
    edited = re.sub(rf"\b{old}\b", new, code)
    return Request(f"### edit: rename {old} to {new}\n{code}\n### result\n",
                   edited + "\n" + EOS, "edit")


def chat_request(r: random.Random) -> Request:
    """A topic and a sentence from a random word chain: little reuse (control)."""
    topic = r.choice(_TOPICS + _CATEGORIES)
    keys = " ".join(r.sample(_WORDS, 3))
    words = [r.choice(_WORDS) for _ in range(r.randint(12, 20))]
    return Request(f"### note on {topic}, keywords: {keys}\n", " ".join(words) + ".\n" + EOS,
                   "chat")


_MAKERS = {"tool": tool_request, "edit": edit_request, "chat": chat_request}
_SPLIT_OFFSET = {"train": 0, "history": 1_000_003, "eval": 2_000_003}


def make_requests(kind: str, n: int, seed: int, split: str) -> list[Request]:
    """``n`` requests of ``kind`` from the ``split`` stream (train / history / eval)."""
    if kind not in _MAKERS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    if split not in _SPLIT_OFFSET:
        raise ValueError(f"split must be one of {tuple(_SPLIT_OFFSET)}, got {split!r}")
    r = random.Random(seed * 7919 + _SPLIT_OFFSET[split] + KINDS.index(kind))
    return [_MAKERS[kind](r) for _ in range(n)]


def held_out(requests: list[Request], seen: set[str]) -> list[Request]:
    """Drop requests whose prompt occurs in ``seen`` (no overlap with history/training)."""
    return [q for q in requests if q.prompt not in seen]
