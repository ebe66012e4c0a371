"""``neurips25 serve`` end to end: tokens/s of greedy, prompt lookup and suffix decoding.

Three real servers (``neurips25 serve`` subprocesses, one thread each) on the demo
Llama, fed the same agentic trace through the official ``openai`` client: first the
history requests (tool calls and code edits from the demo's history split: they warm
each server's global suffix cache, as an agent's earlier turns would), then held-out
requests, timed. Requests go request-major (each eval request to every server in turn)
so machine load hits all alike. Tokens/s = completion tokens / client-side latency.

Server overhead: the same eval requests also run through the library directly
(``serve.engine.Engine`` in this process, one thread, a cache warmed with the same
history, so it drafts exactly what the suffix server drafts); overhead = (server
latency - direct time) / direct time, summed over requests.

Targets (issue 18): suffix >= 2x greedy and >= 1.25x prompt lookup on the agentic
trace; server overhead <= 10%. Usage: python benchmarks/serve.py [--repeats 3] [--eval 12]
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from typing import Any

METHODS = ("greedy", "prompt-lookup", "suffix")
FLAGS = ["--spec-factor", "2.0", "--max-spec-tokens", "32", "--pld-k", "8", "--threads", "1",
         "--log-level", "warning"]


def start_server(model_dir: str, method: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "neurips25", "serve", "--model", model_dir,
                             "--method", method, "--port", "0", *FLAGS],
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line and proc.poll() is not None:
            raise RuntimeError(f"{method} server exited")
        m = re.search(r"at (http://\S+/v1)", line)
        if m:
            return proc, m.group(1)
    proc.kill()
    raise RuntimeError(f"{method} server did not start")


def trace(n_history: int, n_eval: int, seed: int = 0) -> tuple[list[str], list[str]]:
    from neurips25.suffix_decoding.demo.tasks import make_requests

    hist = [q.prompt for k in ("tool", "edit") for q in make_requests(k, n_history, seed, "history")]
    evals = [q.prompt for i in range(n_eval) for k in ("tool", "edit")
             for q in [make_requests(k, n_eval, seed, "eval")[i]]]
    return hist, evals


def timed_call(api: Any, prompt: str, max_tokens: int) -> tuple[int, float]:
    t0 = time.perf_counter()
    r = api.completions.create(model="demo", prompt=prompt, max_tokens=max_tokens, temperature=0)
    return r.usage.completion_tokens, time.perf_counter() - t0


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="serve")
    ap.add_argument("--repeats", type=int, default=3, help="timed passes over the eval requests")
    ap.add_argument("--history", type=int, default=40, help="history requests per kind")
    ap.add_argument("--eval", type=int, default=12, help="eval requests per kind")
    ap.add_argument("--max-tokens", type=int, default=120)
    ap.add_argument("--model", help="another local model folder with a tokenizer (default: the "
                                    "demo model, trained and cached on first use)")
    args = ap.parse_args(argv)

    from openai import OpenAI

    from neurips25.common.threads import threads
    from neurips25.serve.engine import DecodeOptions, Engine
    from neurips25.suffix_decoding.demo.model import load_or_train
    from neurips25.suffix_decoding.e2e import E2EConfig

    if args.model:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        model = AutoModelForCausalLM.from_pretrained(args.model).eval()
        tok = AutoTokenizer.from_pretrained(args.model)
        info = {"path": args.model, "params": sum(p.numel() for p in model.parameters())}
    else:
        model, tok, info = load_or_train(E2EConfig.quick().model_config())
    hist, evals = trace(args.history, args.eval)
    servers = {m: start_server(info["path"], m) for m in METHODS}
    try:
        apis = {m: OpenAI(base_url=url, api_key="x", max_retries=0, timeout=600)
                for m, (_, url) in servers.items()}
        for m in METHODS:  # the servers answer to the folder's name
            apis[m].models.list()
        name = apis["suffix"].models.list().data[0].id
        direct = Engine(model, DecodeOptions("suffix", spec_factor=2.0), [tok.eos_token_id])
        with threads(1):
            results = _run(apis, name, direct, tok, hist, evals, args)
    finally:
        for proc, _ in servers.values():
            proc.terminate()
        for proc, _ in servers.values():
            proc.wait(timeout=60)
    _report(results, args, info)
    return 0


def _run(apis: dict, name: str, direct: Any, tok: Any, hist: list[str], evals: list[str],
         args: argparse.Namespace) -> dict[str, Any]:
    for p in hist:  # warm every server's global cache (and the direct engine's) alike
        for m in METHODS:
            apis[m].completions.create(model=name, prompt=p, max_tokens=args.max_tokens,
                                       temperature=0)
        direct.generate(tok(p)["input_ids"], args.max_tokens)
    passes = []
    for _ in range(args.repeats):
        tokens = {m: 0 for m in (*METHODS, "direct")}
        secs = {m: 0.0 for m in (*METHODS, "direct")}
        for p in evals:
            for m in METHODS:
                t0 = time.perf_counter()
                r = apis[m].completions.create(model=name, prompt=p, max_tokens=args.max_tokens,
                                               temperature=0)
                secs[m] += time.perf_counter() - t0
                tokens[m] += r.usage.completion_tokens
            t0 = time.perf_counter()
            out = direct.generate(tok(p)["input_ids"], args.max_tokens)
            secs["direct"] += time.perf_counter() - t0
            tokens["direct"] += len(out.tokens)
        passes.append({"tokens": tokens, "secs": secs})
    return {"passes": passes}


def _report(results: dict[str, Any], args: argparse.Namespace, info: dict) -> None:
    passes = results["passes"]
    tps = {m: [p["tokens"][m] / p["secs"][m] for p in passes] for m in (*METHODS, "direct")}
    med = {m: statistics.median(v) for m, v in tps.items()}
    ratio = lambda a, b: statistics.median(x / y for x, y in zip(tps[a], tps[b], strict=True))  # noqa: E731
    overhead = statistics.median((p["secs"]["suffix"] - p["secs"]["direct"]) / p["secs"]["direct"]
                                 for p in passes)
    same = all(p["tokens"]["suffix"] == p["tokens"]["direct"] == p["tokens"]["greedy"]
               for p in passes)
    print(f"demo model {info['params'] / 1e6:.2f}M params; {2 * args.history} history + "
          f"{2 * args.eval} eval agentic requests (tool + edit), max_tokens {args.max_tokens}; "
          f"{args.repeats} timed passes, medians; wall-clock, 1 thread per server")
    print(f"{'method':16s} {'tok/s':>8s} {'vs greedy':>10s} {'vs PLD':>8s}")
    for m in METHODS:
        print(f"{m:16s} {med[m]:8.1f} {ratio(m, 'greedy'):9.2f}x {ratio(m, 'prompt-lookup'):7.2f}x")
    print(f"{'direct library':16s} {med['direct']:8.1f}   (suffix, in-process, no HTTP)")
    print(f"\nsuffix vs greedy {ratio('suffix', 'greedy'):.2f}x (target 2.0x), vs prompt lookup "
          f"{ratio('suffix', 'prompt-lookup'):.2f}x (target 1.25x); server overhead over the "
          f"direct call {100 * overhead:.1f}% (target <= 10%); same token counts: {same}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
