"""SuffixDecoding, part 1: the paper's workload findings by trace-driven simulation.

Sweeps (arXiv 2411.04975, Sec. 4): methods (suffix path, suffix tree, suffix without the
global tree, prompt lookup with k in ``pld_ks``) on four workloads; alpha x tau for the
suffix path; and the number of cached responses in the global tree. Every evaluation
request is decoded against the same warmed cache (its own response is evicted after it),
and history and evaluation never share a source file or a seed.
"""
from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neurips25.common.executor import Arm, default_backend, run_beside
from neurips25.common.progress import NullProgress, Progress
from neurips25.common.threads import cpu_count
from neurips25.suffix_decoding.cache import SuffixDecodingCache, warm_cache
from neurips25.suffix_decoding.e2e import E2EConfig, run_end_to_end
from neurips25.suffix_decoding.simulate import Method, simulate
from neurips25.suffix_decoding.workloads import WORKLOADS, build_workloads

AGENTIC = ("code_edit", "sql_tools", "self_refine")


@dataclass(frozen=True)
class Config:
    seed: int = 0
    n_history: int = 200  # cached responses per workload in the method comparison
    n_eval: int = 20  # evaluation requests per workload
    cached_sweep: tuple[int, ...] = (0, 10, 30, 100, 300, 1000)
    cache_sweep_workloads: tuple[str, ...] = ("sql_tools",)
    max_output_tokens: int = 400
    max_depth: int = 24
    max_spec_tokens: int = 24
    alpha: float = 1.0  # max_spec_factor of the main comparison (vLLM's default)
    tau: float = 0.1  # min_token_prob of the main comparison (vLLM's default)
    alphas: tuple[float, ...] = (1.0, 2.0, 4.0)
    taus: tuple[float, ...] = (0.0, 0.1)
    alpha_workloads: tuple[str, ...] = ("code_edit", "sql_tools")
    pld_ks: tuple[int, ...] = (4, 8)  # prompt lookup's fixed k; plus k = max_spec_tokens
    equal_cap: int = 8  # suffix capped at prompt lookup's k, for the equal-cap comparison
    workloads: tuple[str, ...] = WORKLOADS
    vocab_size: int = 4096
    # part 2: the demo model end to end (None skips it); its seed follows ``seed``
    e2e: E2EConfig | None = field(default_factory=E2EConfig.quick)

    def __post_init__(self) -> None:
        unknown = set(self.workloads) - set(WORKLOADS)
        if unknown:
            raise ValueError(f"unknown workloads {sorted(unknown)}; choose from {WORKLOADS}")

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        return cls(n_history=600, n_eval=60, cached_sweep=(0, 10, 30, 100, 300, 1000, 3000),
                   cache_sweep_workloads=("sql_tools", "self_refine"), max_output_tokens=800,
                   e2e=E2EConfig.full())


def methods(cfg: Config) -> list[Method]:
    """The method comparison: suffix variants side by side with prompt lookup."""
    base = dict(alpha=cfg.alpha, tau=cfg.tau, max_spec_tokens=cfg.max_spec_tokens)
    out = [
        Method("suffix", **base),
        Method("suffix-tree", proposer="suffix-tree", **base),
        Method("suffix-no-global", use_global=False, **base),
        Method(f"suffix-cap{cfg.equal_cap}", **{**base, "max_spec_tokens": cfg.equal_cap}),
    ]
    ks = sorted({*cfg.pld_ks, cfg.equal_cap, cfg.max_spec_tokens})
    out += [Method(f"prompt-lookup-k{k}", proposer="prompt-lookup", max_spec_tokens=k) for k in ks]
    return out


def simulations(cfg: Config, progress: Progress | None = None) -> dict[str, Any]:
    """Part 1: method comparison, alpha x tau and cached-responses sweeps (no figures)."""
    progress = progress or NullProgress()
    n_sql = max([cfg.n_history, *cfg.cached_sweep])
    progress.log(f"building workloads from stdlib sources (seed {cfg.seed})")
    wls, tok = build_workloads(cfg.seed, cfg.n_history, cfg.n_eval, sql_history=n_sql,
                               max_output_tokens=cfg.max_output_tokens, vocab_size=cfg.vocab_size)
    metrics: dict[str, Any] = {
        "tokenizer_vocab": tok.vocab_size,
        "workload_sizes": {
            name: {"history": len(w.history), "evaluation": len(w.evaluation),
                   "eval_output_tokens": sum(len(r.output) for r in w.evaluation),
                   "eval_prompt_tokens": sum(len(r.prompt) for r in w.evaluation)}
            for name, w in wls.items()},
        "main": {}, "alpha_sweep": {}, "cached_sweep": {},
        "config_caps": {"suffix": cfg.max_spec_tokens, "pld_ks": list(cfg.pld_ks),
                        "equal": cfg.equal_cap},
    }
    for name in progress.track(list(cfg.workloads), "methods x workloads"):
        wl = wls[name]
        cache = SuffixDecodingCache(cfg.max_depth, max_cached_requests=-1)
        warm_cache(cache, [r.output for r in wl.history[:cfg.n_history]])
        metrics["main"][name] = {m.name: simulate(wl.evaluation, m, cache, cfg.max_depth)
                                 for m in methods(cfg)}
        if name in cfg.alpha_workloads:
            rows = []
            for alpha in cfg.alphas:
                for tau in cfg.taus:
                    m = Method("suffix", alpha=alpha, tau=tau, max_spec_tokens=cfg.max_spec_tokens)
                    res = simulate(wl.evaluation, m, cache, cfg.max_depth)
                    rows.append({"alpha": alpha, "tau": tau, **res})
            metrics["alpha_sweep"][name] = rows
    suffix = Method("suffix", alpha=cfg.alpha, tau=cfg.tau, max_spec_tokens=cfg.max_spec_tokens)
    for name in progress.track(list(cfg.cache_sweep_workloads), "cached-responses sweep"):
        wl = wls[name]
        cache = SuffixDecodingCache(cfg.max_depth, max_cached_requests=-1)
        rows, have = [], 0
        for n in sorted({min(n, len(wl.history)) for n in cfg.cached_sweep}):
            have += warm_cache(cache, [r.output for r in wl.history[have:n]], prefix=f"h{have}")
            rows.append({"cached": have, **simulate(wl.evaluation, suffix, cache, cfg.max_depth)})
        metrics["cached_sweep"][name] = rows
    return metrics


def run(config: Config, out_dir: Path, progress: Progress) -> dict[str, Any]:
    """Both parts; with the end-to-end part and >= 2 cores, part 1 runs in a second process.

    Part 1 is pure Python on one core and independent of part 2, so on a 2-core machine it
    runs beside part 2's evaluation instead of before it. The demo model trains first, on
    every core: its worker processes meet at a barrier each step, so a neighbour process
    would stall them all. Part 2 measures CPU time per request, request-major, so the
    neighbour does not bias its ratios."""
    cfg = config
    if cfg.e2e is None or cpu_count() < 2 or default_backend() != "local":
        metrics = simulations(cfg, progress)
        e2e = None
    else:
        trained_now = _ensure_demo_model(_e2e_config(cfg), progress)
        progress.log("part 1 (trace-driven simulations) runs in a second process")
        metrics, e2e = run_beside(Arm("simulations", simulations, (cfg,)),
                                  lambda: _end_to_end(cfg, out_dir, progress))
        e2e["demo_model"]["cached"] = not trained_now
    from neurips25.suffix_decoding.plots import save_figures

    metrics["figures"] = save_figures(metrics, out_dir)
    metrics["config_note"] = (f"alpha={cfg.alpha}, tau={cfg.tau}, depth={cfg.max_depth}; "
                              "tokens/step = (accepted + bonus) per verification step")
    if cfg.e2e is not None:
        metrics["e2e"] = e2e if e2e is not None else _end_to_end(cfg, out_dir, progress)
    return metrics


def prepare(config: Config) -> Callable[[], Any] | None:
    """What ``reproduce`` may run in the background before this study's turn: training the
    demo model in one process on one thread (no data-parallel workers, so no barrier to
    stall on a busy machine), unless part 2 is off or the model is cached already."""
    from neurips25.suffix_decoding.demo.model import ensure_trained, info_path

    if config.e2e is None:
        return None
    model_cfg = _e2e_config(config).model_config()
    if info_path(model_cfg).is_file():
        return None
    return functools.partial(ensure_trained, model_cfg, None, 1)


def _e2e_config(cfg: Config) -> E2EConfig:
    """Part 2's config: its seed (and so the demo model's) follows the study's ``seed``."""
    assert cfg.e2e is not None
    return dataclasses.replace(cfg.e2e, seed=cfg.seed)


def _ensure_demo_model(cfg: E2EConfig, progress: Progress) -> bool:
    """Train and cache the demo model if it is not cached yet; True if it trained now."""
    from neurips25.suffix_decoding.demo.model import ensure_trained

    return not ensure_trained(cfg.model_config(), progress)["cached"]


def _end_to_end(cfg: Config, out_dir: Path, progress: Progress) -> dict[str, Any]:
    assert cfg.e2e is not None
    progress.log("end to end: demo Llama model, greedy vs prompt lookup vs suffix decoding")
    return run_end_to_end(_e2e_config(cfg), out_dir, progress)
