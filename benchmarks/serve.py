"""``neurips25 serve`` end to end: tokens/s of greedy, prompt lookup and suffix decoding.

Three real servers (``neurips25 serve`` subprocesses on 127.0.0.1, one torch thread
each) on the demo Llama, fed the agentic multi-turn trace (tool calls and code edits)
through the official ``openai`` client at temperature 0:

1. history: the suffix server's global cache is warmed with the demo's history requests,
   as an agent's earlier turns would (greedy and prompt lookup keep nothing across
   requests, so they only get two warm-up calls);
2. timed passes: each pass sends its own held-out requests (never in training or history,
   never repeated across passes; later passes draft from earlier passes' responses, as a
   growing agent history does). Request-major with a rotating method order, so machine
   load hits all servers alike. Tokens/s = completion tokens / client-side latency (wall);
   tokens per server CPU-second from each server's ``process_cpu_seconds_total`` (robust
   to other people's load on a shared machine);
3. server overhead: the same requests also run through the library directly
   (``serve.engine.Engine`` in this process, one thread, text in and text out, a cache
   warmed with the same history and fed the same requests, so it drafts exactly what the
   suffix server drafts), right before or after the suffix server's call (alternating);
   overhead = (server time - direct time) / direct time per pass. Also shown: the time a
   request spends outside the server's decoding loop (client latency over the server's
   ``generation_seconds``), which machine noise between two processes does not blur;
4. load: 8 concurrent clients x 50 requests of the agentic trace against the suffix
   server (``serve.loadgen``): errors, p50/p99 latency, server RSS before/after.

Targets (issue 18): suffix >= 2x greedy and >= 1.25x prompt lookup on the agentic trace;
server overhead <= 10%. Ratios are medians over passes measured in this one run.
Usage: python benchmarks/serve.py [--repeats 3] [--eval 8] [--history 40] [--no-load]
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from typing import Any

METHODS = ("greedy", "prompt-lookup", "suffix")
FLAGS = ["--spec-factor", "2.0", "--max-spec-tokens", "32", "--pld-k", "8", "--threads", "1",
         "--log-level", "warning", "--max-queue", "64"]


def start_server(model_dir: str, method: str) -> tuple[subprocess.Popen, str]:
    """``neurips25 serve`` on a free loopback port; its stderr is drained in a thread."""
    proc = subprocess.Popen([sys.executable, "-m", "neurips25", "serve", "--model", model_dir,
                             "--method", method, "--host", "127.0.0.1", "--port", "0", *FLAGS],
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line and proc.poll() is not None:
            raise RuntimeError(f"{method} server exited with {proc.returncode}")
        m = re.search(r"at (http://\S+/v1)", line)
        if m:
            threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
            return proc, m.group(1)
    proc.kill()
    raise RuntimeError(f"{method} server did not start")


def trace(n_history: int, n_eval: int, repeats: int, seed: int = 0
          ) -> tuple[list[str], list[list[str]]]:
    """History prompts and, per pass, ``2 * n_eval`` held-out prompts (tool/edit alternate)."""
    from neurips25.suffix_decoding.demo.model import training_requests
    from neurips25.suffix_decoding.demo.tasks import held_out, make_requests
    from neurips25.suffix_decoding.e2e import E2EConfig

    kinds = ("tool", "edit")
    hist = [q.prompt for k in kinds for q in make_requests(k, n_history, seed, "history")]
    seen = set(hist) | {q.prompt for q in training_requests(E2EConfig.quick().model_config())}
    need = n_eval * repeats
    per_kind = {}
    for k in kinds:
        pool = list(dict.fromkeys(q.prompt for q in held_out(
            make_requests(k, 3 * need, seed, "eval"), seen)))
        if len(pool) < need:
            raise RuntimeError(f"only {len(pool)} distinct held-out {k} requests")
        per_kind[k] = pool[:need]
    evals = [p for i in range(need) for p in (per_kind["tool"][i], per_kind["edit"][i])]
    return hist, [evals[2 * n_eval * r: 2 * n_eval * (r + 1)] for r in range(repeats)]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="serve")
    ap.add_argument("--repeats", type=int, default=3, help="timed passes (distinct requests)")
    ap.add_argument("--history", type=int, default=40, help="history requests per kind")
    ap.add_argument("--eval", type=int, default=8, help="held-out requests per kind per pass")
    ap.add_argument("--max-tokens", type=int, default=120)
    ap.add_argument("--no-load", action="store_true", help="skip the 8 x 50 load run")
    ap.add_argument("--load-max-tokens", type=int, default=32)
    ap.add_argument("--model", help="another local model folder with a tokenizer (default: the "
                                    "demo model, trained and cached on first use)")
    args = ap.parse_args(argv)

    from neurips25.serve.engine import DecodeOptions, Engine
    from neurips25.serve.loading import inspect_model, load_weights, resolve_eos

    if args.model:
        folder = args.model
    else:
        from neurips25.suffix_decoding.demo.model import load_or_train
        from neurips25.suffix_decoding.e2e import E2EConfig

        folder = load_or_train(E2EConfig.quick().model_config())[2]["path"]
    info = inspect_model(folder, need_tokenizer=True)
    model = load_weights(info)
    direct = Engine(model, DecodeOptions("suffix", spec_factor=2.0), resolve_eos(info, None))
    hist, passes = trace(args.history, args.eval, args.repeats)
    servers: dict[str, tuple[subprocess.Popen, str]] = {}
    try:
        for m in METHODS:
            servers[m] = start_server(folder, m)
        results = _run(servers, direct, info.tokenizer, hist, passes, args)
        load = None if args.no_load else _load(servers["suffix"][1], results["name"], passes,
                                               args)
    finally:
        for proc, _ in servers.values():
            proc.terminate()
        for proc, _ in servers.values():
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    _report(results, load, args, sum(p.numel() for p in model.parameters()))
    return 0


def _call(api: Any, name: str, prompt: str, max_tokens: int) -> tuple[str, int]:
    r = api.completions.create(model=name, prompt=prompt, max_tokens=max_tokens, temperature=0)
    return r.choices[0].text, r.usage.completion_tokens


def _run(servers: dict, direct: Any, tok: Any, hist: list[str], passes: list[list[str]],
         args: argparse.Namespace) -> dict[str, Any]:
    from openai import OpenAI

    from neurips25.common.threads import threads

    apis = {m: OpenAI(base_url=url, api_key="x", max_retries=0, timeout=600)
            for m, (_, url) in servers.items()}
    name = apis["suffix"].models.list().data[0].id  # the servers answer to the folder's name
    with threads(1):
        for p in hist:  # warm the suffix server's global cache and the direct engine's alike
            _call(apis["suffix"], name, p, args.max_tokens)
            direct.generate(tok(p)["input_ids"], args.max_tokens)
        for m in ("greedy", "prompt-lookup"):
            for p in hist[:2]:
                _call(apis[m], name, p, args.max_tokens)
        out = [_pass(apis, servers, name, direct, tok, prompts, args, r)
               for r, prompts in enumerate(passes)]
    return {"name": name, "passes": out}


def _pass(apis: dict, servers: dict, name: str, direct: Any, tok: Any, prompts: list[str],
          args: argparse.Namespace, r: int) -> dict[str, Any]:
    """One timed pass; per request the three servers in a rotating order, the direct call
    right before or after the suffix server's (alternating), so both see the same load."""
    from neurips25.serve.loadgen import scrape_metrics

    keys = (*METHODS, "direct")
    tokens, secs = dict.fromkeys(keys, 0), dict.fromkeys(keys, 0.0)
    texts: dict[str, list[str]] = {m: [] for m in keys}
    cpu = {"direct": 0.0}
    m0 = {m: scrape_metrics(url) for m, (_, url) in servers.items()}
    for i, p in enumerate(prompts):
        pair = ("suffix", "direct") if (i + r) % 2 == 0 else ("direct", "suffix")
        slots = ["greedy", "prompt-lookup", pair]
        shift = (i + r) % len(slots)
        for slot in slots[shift:] + slots[:shift]:
            for m in (slot,) if isinstance(slot, str) else slot:
                c0, t0 = time.process_time(), time.perf_counter()
                if m == "direct":
                    text, n = _direct(direct, tok, p, args.max_tokens)
                    cpu["direct"] += time.process_time() - c0
                else:
                    text, n = _call(apis[m], name, p, args.max_tokens)
                secs[m] += time.perf_counter() - t0
                tokens[m] += n
                texts[m].append(text)
    m1 = {m: scrape_metrics(url) for m, (_, url) in servers.items()}
    for m in METHODS:
        cpu[m] = m1[m]["process_cpu_seconds_total"] - m0[m]["process_cpu_seconds_total"]
    engine_s = (m1["suffix"]["neurips25_serve_generation_seconds_total"]
                - m0["suffix"]["neurips25_serve_generation_seconds_total"])
    same = all(texts[m] == texts["greedy"] for m in keys)
    return {"tokens": tokens, "secs": secs, "cpu": cpu, "same": same, "engine_s": engine_s}


def _direct(engine: Any, tok: Any, prompt: str, max_tokens: int) -> tuple[str, int]:
    """The library call a script would make: text in, text out, no HTTP."""
    res = engine.generate(tok(prompt)["input_ids"], max_tokens)
    text = tok.decode([t for t in res.tokens if t not in engine.eos_ids],
                      skip_special_tokens=True)
    return text, len(res.tokens)


def _load(url: str, name: str, passes: list[list[str]], args: argparse.Namespace) -> dict:
    from neurips25.serve.loadgen import run_load, scrape_metrics

    prompts = [p for ps in passes for p in ps]
    traces = [[prompts[(7 * c + i) % len(prompts)] for i in range(50)] for c in range(8)]
    before = scrape_metrics(url)
    res = run_load(url, name, traces, max_tokens=args.load_max_tokens, deadline_s=1200,
                   timeout_s=600)
    after = scrape_metrics(url)
    answered = sum(t is not None for t in res.texts.values())
    return {"res": res, "answered": answered, "sent": 8 * 50,
            "rss": (before["process_resident_memory_bytes"],
                    after["process_resident_memory_bytes"]),
            "tpf": after["neurips25_serve_tokens_per_forward"],
            "acc": after["neurips25_serve_acceptance_rate"],
            "share": after["neurips25_serve_speculation_share"]}


def _report(results: dict, load: dict | None, args: argparse.Namespace, params: int) -> None:
    passes = results["passes"]
    keys = (*METHODS, "direct")
    wall = {m: [p["tokens"][m] / p["secs"][m] for p in passes] for m in keys}
    cpu = {m: [p["tokens"][m] / p["cpu"][m] for p in passes] for m in keys}

    def ratio(d: dict, a: str, b: str) -> float:
        return statistics.median(x / y for x, y in zip(d[a], d[b], strict=True))

    def overhead(kind: str) -> float:
        return statistics.median((p[kind]["suffix"] - p[kind]["direct"]) / p[kind]["direct"]
                                 for p in passes)

    print(f"demo model {params / 1e6:.2f}M params; {2 * args.history} history + "
          f"{args.repeats} x {2 * args.eval} held-out agentic requests (tool + edit), "
          f"max_tokens {args.max_tokens}, temperature 0; 1 thread per server; medians of "
          f"{args.repeats} passes")
    print(f"{'method':16s} {'tok/s':>7s} {'vs greedy':>10s} {'vs PLD':>7s} "
          f"{'tok/CPU-s':>10s} {'vs greedy':>10s} {'vs PLD':>7s}")
    for m in METHODS:
        print(f"{m:16s} {statistics.median(wall[m]):7.1f} {ratio(wall, m, 'greedy'):9.2f}x "
              f"{ratio(wall, m, 'prompt-lookup'):6.2f}x {statistics.median(cpu[m]):10.1f} "
              f"{ratio(cpu, m, 'greedy'):9.2f}x {ratio(cpu, m, 'prompt-lookup'):6.2f}x")
    print(f"{'direct library':16s} {statistics.median(wall['direct']):7.1f} "
          f"{'':18s} {statistics.median(cpu['direct']):10.1f}   (suffix, in-process, no HTTP)")
    same = all(p["same"] for p in passes)
    print(f"\nsuffix vs greedy {ratio(wall, 'suffix', 'greedy'):.2f}x wall, "
          f"{ratio(cpu, 'suffix', 'greedy'):.2f}x CPU (target 2.0x); vs prompt lookup "
          f"{ratio(wall, 'suffix', 'prompt-lookup'):.2f}x wall, "
          f"{ratio(cpu, 'suffix', 'prompt-lookup'):.2f}x CPU (target 1.25x)")
    outside = statistics.median(p["secs"]["suffix"] / p["engine_s"] - 1 for p in passes)
    print(f"server overhead over the direct library call: {100 * overhead('secs'):.1f}% wall, "
          f"{100 * overhead('cpu'):.1f}% CPU (target <= 10%); time outside the server's "
          f"decoding loop (HTTP, JSON, tokenizing, queue) {100 * outside:.1f}% of the loop's")
    per_pass = ", ".join(
        f"{100 * (p['secs']['suffix'] - p['secs']['direct']) / p['secs']['direct']:+.1f}%/"
        f"{100 * (p['cpu']['suffix'] - p['cpu']['direct']) / p['cpu']['direct']:+.1f}%"
        for p in passes)
    spd = ", ".join(f"{w:.2f}x/{c:.2f}x" for w, c in zip(
        [s / g for s, g in zip(wall["suffix"], wall["greedy"], strict=True)],
        [s / g for s, g in zip(cpu["suffix"], cpu["greedy"], strict=True)], strict=True))
    print(f"per pass (wall/CPU): overhead {per_pass}; suffix vs greedy {spd}")
    print(f"identical text from every server and the direct call: {same}")
    if load is not None:
        res, (r0, r1) = load["res"], load["rss"]
        print(f"\nload: 8 clients x 50 requests (max_tokens {args.load_max_tokens}) on the "
              f"suffix server in {res.wall_s:.1f} s: {load['answered']}/{load['sent']} "
              f"answered, {len(res.errors)} errors, p50 {1000 * res.percentile(50):.0f} ms, "
              f"p99 {1000 * res.percentile(99):.0f} ms, RSS {r0 / 2**20:.0f} -> "
              f"{r1 / 2**20:.0f} MiB; lifetime tokens/forward {load['tpf']:.2f}, acceptance "
              f"{load['acc']:.2f}, speculation share {100 * load['share']:.1f}%")
        for e in res.errors[:3]:
            print(f"  error: {e}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
