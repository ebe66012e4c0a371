"""End-to-end SuffixDecoding on a real (locally trained) Llama: speed and losslessness.

Side by side on held-out requests, in one process and request-major order (every method
decodes request i before any decodes request i+1, so machine load hits all alike):
vanilla greedy, HF ``generate(prompt_lookup_num_tokens=k)``, our prompt-lookup loop, and
suffix decoding (path and tree drafts) whose global tree was warmed by the model's own
outputs on earlier *history* requests. Each suffix method owns its cache, so no method
ever sees another's output of the same request.

Time is measured as process CPU time with one thread: on a shared machine wall time
mixes in other people's load, CPU time does not. Wall-clock tokens/s is kept beside it.
CPU verification cost grows with the draft size (unlike a GPU, where a forward of 1 or
32 tokens costs about the same); ``cost_curve`` measures it, and the speedup follows
accepted·c(1) / (c(q) + t_spec) (research notes; SuffixDecoding §3.3).
"""
from __future__ import annotations

import dataclasses
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neurips25.common.progress import Progress
from neurips25.suffix_decoding.stats import GenStats

AGENTIC = ("tool", "edit")
METHODS = ("greedy", "hf-prompt-lookup", "prompt-lookup", "suffix", "suffix-tree")


@dataclass(frozen=True)
class E2EConfig:
    seed: int = 0
    train_steps: int = 1500  # demo model training steps (~450 CPU-s; cached by config hash)
    train_requests: int = 6000
    history_requests: int = 40  # per kind, decoded first to warm the global trees
    eval_requests: int = 12  # per kind, held out from training and history
    max_new_tokens: int = 120
    max_spec_tokens: int = 32  # suffix draft cap per step
    spec_factor: float = 2.0  # alpha: budget = alpha * match length (paper §3.2)
    min_token_prob: float = 0.1  # tau
    pld_k: int = 8  # prompt lookup draft length (fixed k)
    cost_sizes: tuple[int, ...] = (0, 1, 2, 4, 8, 16, 32, 64)
    cost_repeats: int = 15
    ref_hidden: int = 512  # a larger random Llama (8 layers) for a second cost curve; 0 = skip

    @classmethod
    def quick(cls) -> E2EConfig:
        return cls()

    @classmethod
    def full(cls) -> E2EConfig:
        return cls(train_steps=4000, history_requests=200, eval_requests=40, cost_repeats=40)

    def model_config(self) -> Any:
        from neurips25.suffix_decoding.demo.model import DemoModelConfig

        return DemoModelConfig(seed=self.seed, steps=self.train_steps,
                               train_requests=self.train_requests)


def decoders(model: Any, cfg: E2EConfig, eos: int) -> dict[str, Any]:
    """One decoder per method, each suffix method with its own cache (vLLM's defaults)."""
    from neurips25.suffix_decoding.cache import SuffixDecodingCache
    from neurips25.suffix_decoding.decoder import SpeculativeDecoder
    from neurips25.suffix_decoding.proposers import make_proposer

    def mk(name: str, cap: int, **opts: Any) -> SpeculativeDecoder:
        if name.startswith("suffix"):
            opts.update(cache=SuffixDecodingCache(24, 10_000), max_spec_factor=cfg.spec_factor,
                        min_token_prob=cfg.min_token_prob)
        return SpeculativeDecoder(model, make_proposer(name, **opts), max_spec_tokens=cap,
                                  eos_token_ids=[eos], clock=time.process_time)

    return {"greedy": mk("greedy", 0), "prompt-lookup": mk("prompt-lookup", cfg.pld_k, k=cfg.pld_k),
            "suffix": mk("suffix", cfg.max_spec_tokens),
            "suffix-tree": mk("suffix-tree", cfg.max_spec_tokens)}


def _timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    c0, w0 = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.process_time() - c0, time.perf_counter() - w0


def _hf_prompt_lookup(model: Any, ids: list[int], cfg: E2EConfig, eos: int) -> list[int]:
    import torch

    x = torch.tensor([ids])
    out = model.generate(x, attention_mask=torch.ones_like(x), do_sample=False,
                         max_new_tokens=cfg.max_new_tokens, prompt_lookup_num_tokens=cfg.pld_k,
                         eos_token_id=eos, pad_token_id=eos)
    return out[0, len(ids):].tolist()


def requests(tok: Any, cfg: E2EConfig) -> tuple[list[list[int]], dict[str, list[Any]]]:
    """(history prompt ids, held-out evaluation requests by kind), never seen in training."""
    from neurips25.suffix_decoding.demo.model import training_requests
    from neurips25.suffix_decoding.demo.tasks import KINDS, held_out, make_requests

    history = [q for k in KINDS
               for q in make_requests(k, cfg.history_requests, cfg.seed, "history")]
    seen = {q.prompt for q in history} | {q.prompt for q in training_requests(cfg.model_config())}
    evals = {k: held_out(make_requests(k, cfg.eval_requests, cfg.seed, "eval"), seen)
             for k in KINDS}
    return [tok(q.prompt)["input_ids"] for q in history], evals


def evaluate(model: Any, tok: Any, cfg: E2EConfig, progress: Progress) -> dict[str, Any]:
    """Per kind and method: throughput, model calls, tokens/step, overhead, losslessness."""
    from neurips25.suffix_decoding.cache import warm_cache
    from neurips25.suffix_decoding.demo.tasks import KINDS

    eos = tok.eos_token_id
    decs = decoders(model, cfg, eos)
    enc = lambda s: tok(s)["input_ids"]  # noqa: E731
    h_prompts, evals = requests(tok, cfg)
    h_out = [decs["suffix"].generate(p, cfg.max_new_tokens)[0]
             for p in progress.track(h_prompts, "decoding history requests")]
    # the "suffix" cache already saw them while decoding; warm the tree method's cache alike
    warm_cache(decs["suffix-tree"].proposer.cache, h_out)
    for p in h_prompts[:2]:  # untimed first calls of the stateless methods (suffix ones are warm)
        decs["greedy"].generate(p, 8)
        decs["prompt-lookup"].generate(p, 8)
        _hf_prompt_lookup(model, p, dataclasses.replace(cfg, max_new_tokens=8), eos)
    rows: dict[str, dict[str, list]] = {k: {m: [] for m in METHODS} for k in KINDS}
    order = [(k, q) for i in range(cfg.eval_requests) for k in KINDS if i < len(evals[k])
             for q in [evals[k][i]]]
    for kind, q in progress.track(order, "evaluating methods", total=len(order)):
        ids = enc(q.prompt)
        ref = None
        for m in METHODS:
            if m == "hf-prompt-lookup":
                out, cpu, wall = _timed(lambda ids=ids: _hf_prompt_lookup(model, ids, cfg, eos))
                st = None
            else:
                (out, st), cpu, wall = _timed(
                    lambda m=m, ids=ids: decs[m].generate(ids, cfg.max_new_tokens))
            ref = out if m == "greedy" else ref
            rows[kind][m].append({"n": len(out), "cpu": cpu, "wall": wall, "same": out == ref,
                                  "stats": st, "out": tuple(out) if m == "greedy" else None,
                                  "exact": tok.decode(out) == q.output if m == "greedy" else None})
    return {"per_kind": {k: {m: _summarize(v) for m, v in by.items()} for k, by in rows.items()},
            "agentic": {m: _summarize([r for k in AGENTIC for r in rows[k][m]]) for m in METHODS},
            "history_requests": len(h_prompts),
            "eval_requests": {k: len(v) for k, v in evals.items()}}


def _summarize(rs: list[dict[str, Any]]) -> dict[str, Any]:
    if not rs:
        return {}
    n, cpu, wall = (sum(r[k] for r in rs) for k in ("n", "cpu", "wall"))
    out = {"requests": len(rs), "tokens": n, "tokens_per_cpu_s": n / max(cpu, 1e-9),
           "tokens_per_wall_s": n / max(wall, 1e-9),
           "identical_to_greedy": sum(r["same"] for r in rs)}
    if rs[0]["stats"] is not None:
        st = GenStats()
        for r in rs:
            st.add(r["stats"])
        total = max(st.total_s, 1e-9)
        out.update(model_calls=st.steps / len(rs), **st.rates(),
                   spec_fraction=st.spec_s / total, index_fraction=st.index_s / total)
    if rs[0]["exact"] is not None:
        out["greedy_equals_reference"] = sum(r["exact"] for r in rs)
        out["distinct_outputs"] = len({r["out"] for r in rs})
    return out


def cost_curve(model: Any, cfg: E2EConfig, prefix_len: int = 64) -> dict[str, list[float]]:
    """Median CPU ms of one verification forward (+ compaction) vs draft size q (path)."""
    import torch

    from neurips25.suffix_decoding.verify import (
        compact_cache,
        forward_tokens,
        forward_tree,
        new_cache,
    )

    g = torch.Generator().manual_seed(cfg.seed)
    vocab = model.config.vocab_size
    prefix = torch.randint(vocab, (prefix_len,), generator=g).tolist()
    cache = new_cache(model)
    forward_tokens(model, cache, prefix[:-1], 0)
    ms = []
    for q in cfg.cost_sizes:
        draft = torch.randint(vocab, (q,), generator=g).tolist()
        times = []
        for _ in range(cfg.cost_repeats + 2):
            c0 = time.process_time()
            logits = forward_tree(model, cache, prefix[-1], draft, list(range(-1, q - 1)))
            logits.argmax(-1).tolist()
            compact_cache(cache, prefix_len - 1, [0])
            times.append(time.process_time() - c0)
            compact_cache(cache, prefix_len - 1, [])
        ms.append(1e3 * statistics.median(times[2:]))
    return {"draft_tokens": list(cfg.cost_sizes), "forward_cpu_ms": ms}


def _reference_cost(cfg: E2EConfig, ag: dict[str, Any]) -> dict[str, Any]:
    """Cost curve of a larger random Llama, and the speedup the measured acceptance would give.

    Predicted speedup = tokens/call · c(0) / (c(mean draft) + t_spec): the same
    acceptance (it depends on the text, not the model size), a steeper CPU cost curve.
    """
    import numpy as np
    from transformers import LlamaConfig, LlamaForCausalLM

    h = cfg.ref_hidden
    mc = LlamaConfig(vocab_size=1024, hidden_size=h, intermediate_size=int(2.75 * h),
                     num_hidden_layers=8, num_attention_heads=max(1, h // 64),
                     num_key_value_heads=max(1, h // 64), max_position_embeddings=512)
    mc._attn_implementation = "sdpa"
    model = LlamaForCausalLM(mc).eval()
    cc = cost_curve(model, cfg)
    params = sum(p.numel() for p in model.parameters())
    sizes, ms = np.array(cc["draft_tokens"], float), np.array(cc["forward_cpu_ms"])
    pred = {}
    for meth in ("prompt-lookup", "suffix", "suffix-tree"):
        s = ag[meth]
        c_q = float(np.interp(s["drafted_per_step"], sizes, ms))
        pred[meth] = s["tokens_per_step"] * ms[0] / c_q
    return {**cc, "params": params, "predicted_speedup_vs_greedy": pred}


def run_end_to_end(cfg: E2EConfig, out_dir: Path, progress: Progress) -> dict[str, Any]:
    """Train/load the demo model, evaluate all methods, save figures, return metrics."""
    from neurips25.common.threads import threads

    with threads(1):  # one thread per process: fastest on a loaded small machine
        return _run_end_to_end(cfg, out_dir, progress)


def _run_end_to_end(cfg: E2EConfig, out_dir: Path, progress: Progress) -> dict[str, Any]:
    import torch

    from neurips25.suffix_decoding.demo.model import load_or_train
    from neurips25.suffix_decoding.demo.plots import plot_all

    torch.manual_seed(cfg.seed)
    model, tok, info = load_or_train(cfg.model_config(), progress)
    progress.log(f"demo model: {info['params'] / 1e6:.2f}M params, vocab {info['vocab']}, "
                 f"{'cached' if info['cached'] else 'trained'} "
                 f"({info['train_cpu_s']:.0f} CPU-s) at {info['path']}")
    ev = evaluate(model, tok, cfg, progress)
    cc = cost_curve(model, cfg)
    ag, ch = ev["agentic"], ev["per_kind"]["chat"]
    ref = _reference_cost(cfg, ag) if cfg.ref_hidden else None
    metrics = {
        "config": dataclasses.asdict(cfg),
        "demo_model": {k: v for k, v in info.items() if k != "loss_curve"},
        "final_train_loss": statistics.fmean(info["loss_curve"][-20:]),
        **ev,
        "cost_curve": cc,
        "reference_cost_curve": ref,
        "speedup": _speedups(ag, ch),
    }
    plot_all(metrics, info["loss_curve"], out_dir)
    return metrics


def _speedups(ag: dict[str, Any], ch: dict[str, Any]) -> dict[str, float]:
    def r(d: dict[str, Any], a: str, b: str, key: str = "tokens_per_cpu_s") -> float:
        return d[a][key] / d[b][key]

    return {"agentic_suffix_vs_greedy": r(ag, "suffix", "greedy"),
            "agentic_suffix_tree_vs_greedy": r(ag, "suffix-tree", "greedy"),
            "agentic_suffix_vs_prompt_lookup": r(ag, "suffix", "prompt-lookup"),
            "agentic_best_suffix_vs_greedy": max(r(ag, "suffix", "greedy"),
                                                 r(ag, "suffix-tree", "greedy")),
            "agentic_best_suffix_vs_prompt_lookup": max(r(ag, "suffix", "prompt-lookup"),
                                                        r(ag, "suffix-tree", "prompt-lookup")),
            "agentic_prompt_lookup_vs_greedy": r(ag, "prompt-lookup", "greedy"),
            "agentic_hf_prompt_lookup_vs_greedy": r(ag, "hf-prompt-lookup", "greedy"),
            "agentic_suffix_vs_greedy_wall": r(ag, "suffix", "greedy", "tokens_per_wall_s"),
            "chat_suffix_vs_greedy": r(ch, "suffix", "greedy"),
            "chat_prompt_lookup_vs_greedy": r(ch, "prompt-lookup", "greedy")}
