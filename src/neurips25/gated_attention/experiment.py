"""Does a G1 output gate remove the attention sink and massive activations?

Arms on identical seeds, data and (matched) parameter counts train TinyLMs on
Bigram-Backcopy (a sink forms there within minutes on CPU); an optional pair of arms
trains on byte-level Python stdlib source. Each arm runs in its own single-thread
process. Compared with Table 4 of arXiv 2505.06708.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from neurips25.common.progress import Progress
from neurips25.gated_attention.gate_config import GateConfig

if TYPE_CHECKING:
    from neurips25.gated_attention.train import ArmSpec

# torch-backed modules (data, model, train) load inside the functions that use them, so
# that importing this module (``neurips25 list``) stays free of torch

ARMS: dict[str, GateConfig | None] = {
    "baseline": None,
    "g1_elementwise": GateConfig(),
    "g1_headwise": GateConfig(granularity="headwise"),
    "head_shared": GateConfig(head_specific=False),
    "input_independent": GateConfig(input_dependent=False),
    "g2_value": GateConfig(position="g2"),
    "ns_sigmoid": GateConfig(activation="ns_sigmoid"),
}
ACT_ARMS = {"act_baseline": None, "act_g1": GateConfig()}
TEXT_ARMS = {"text_baseline": None, "text_g1": GateConfig()}
H2 = "h2_"  # name prefix of the 2-head arms
SAVED_ARMS = ("baseline", "g1_elementwise", "act_baseline", "act_g1")  # for `neurips25 diagnose`


@dataclass(frozen=True)
class Config:
    """Four parts, all on the same seed and data:
    sink: attention-only 1-layer, 1-head TinyLMs on Bigram-Backcopy, one arm per gate;
    h2:   the same with 2 heads, where head-shared differs from head-specific (Table 4);
    act:  2-layer, 2-head TinyLMs with SwiGLU FFNs (massive activations live in the FFN path);
    text: act-shaped TinyLMs on byte-level Python stdlib source (0 steps: skipped)."""

    seed: int = 0
    lr: float = 3e-3
    min_lr_frac: float = 1.0  # 1.0: constant lr after warmup (sinks form sooner)
    batch: int = 32
    seq_len: int = 64
    d_model: int = 64
    n_head: int = 1  # the sink part
    sink_steps: int = 1000
    sink_weight_decay: float = 0.0
    arms: tuple[str, ...] = ("baseline", "g1_elementwise", "g1_headwise", "input_independent",
                             "g2_value")
    h2_arms: tuple[str, ...] = ("baseline", "g1_elementwise", "head_shared", "input_independent")
    h2_heads: int = 2
    act_steps: int = 1000
    act_layers: int = 2
    act_weight_decay: float = 0.1
    act_lr: float = 1e-2  # at 3e-3 the baseline's max |h| stays small (6.6): nothing to remove
    text_steps: int = 0
    text_seq_len: int = 128
    eval_every: int = 250
    workers: int = 2

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        """3x longer runs, all arms, plus the byte-level text part: 681 s wall on 2 idle cores."""
        return cls(sink_steps=3000, arms=tuple(a for a in ARMS if a != "head_shared"),
                   h2_arms=tuple(ARMS), act_steps=4000, text_steps=3000, eval_every=500)


def arm_specs(cfg: Config) -> list[ArmSpec]:
    from neurips25.gated_attention.data import BackcopyTask
    from neurips25.gated_attention.model import TinyLMConfig, equal_param_config
    from neurips25.gated_attention.train import ArmSpec

    unknown = [a for a in (*cfg.arms, *cfg.h2_arms) if a not in ARMS]
    if unknown:
        raise ValueError(f"unknown arm(s) {unknown}; choose from {list(ARMS)}")
    task = BackcopyTask(seq_len=cfg.seq_len, seed=cfg.seed)
    common = dict(batch=cfg.batch, lr=cfg.lr, seed=cfg.seed, eval_every=cfg.eval_every,
                  min_lr_frac=cfg.min_lr_frac)
    sink = TinyLMConfig(vocab_size=task.vocab_size, max_len=cfg.seq_len, n_layer=1,
                        d_model=cfg.d_model, n_head=cfg.n_head, ffn=False, tie_embeddings=False)
    specs = [ArmSpec(name, equal_param_config(sink, ARMS[name]), task, cfg.sink_steps,
                     weight_decay=cfg.sink_weight_decay, keep_weights=name in SAVED_ARMS, **common)
             for name in cfg.arms]
    h2 = dataclasses.replace(sink, n_head=cfg.h2_heads)
    specs += [ArmSpec(H2 + name, equal_param_config(h2, ARMS[name]), task, cfg.sink_steps,
                      weight_decay=cfg.sink_weight_decay, **common)
              for name in cfg.h2_arms]
    act = dataclasses.replace(h2, n_layer=cfg.act_layers, ffn=True)
    if cfg.act_steps:
        specs += [ArmSpec(name, equal_param_config(act, gate), task, cfg.act_steps,
                          weight_decay=cfg.act_weight_decay, keep_weights=name in SAVED_ARMS,
                          **{**common, "lr": cfg.act_lr})
                  for name, gate in ACT_ARMS.items()]
    if cfg.text_steps:
        from neurips25.gated_attention.text import STDLIB, VOCAB_SIZE

        text = dataclasses.replace(act, vocab_size=VOCAB_SIZE, max_len=cfg.text_seq_len)
        specs += [ArmSpec(name, equal_param_config(text, gate), None, cfg.text_steps,
                          weight_decay=cfg.act_weight_decay, eval_batch=32, text_source=STDLIB,
                          **common)
                  for name, gate in TEXT_ARMS.items()]
    return specs


def run_arms(specs: list[ArmSpec], workers: int, progress: Progress) -> dict[str, dict[str, Any]]:
    """Train every arm, in ``workers`` spawned single-thread processes when workers > 1.

    Spawned workers re-import the caller's main module: scripts that call ``run`` with
    workers > 1 need the usual ``if __name__ == "__main__":`` guard.
    """
    from neurips25.gated_attention.train import train_arm

    if workers <= 1:
        return {s.name: train_arm(s) for s in progress.track(specs, "arms", total=len(specs))}
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn")) as pool:
        futures = [pool.submit(train_arm, s) for s in specs]
        done = {}
        for fut in progress.track(as_completed(futures), "arms", total=len(futures)):
            res = fut.result()
            done[res["name"]] = res
            progress.log(f"{res['name']}: first-token share {res['final']['first_token_share']:.3f}, "
                         f"max act {res['final']['max_activation']:.1f}, loss {res['final']['loss']:.3f}")
    return {s.name: done[s.name] for s in specs}


def _arm_metrics(res: dict[str, Any]) -> dict[str, Any]:
    f = res["final"]
    diag = res["diagnosis"]
    return {
        "n_params": res["n_params"],
        "loss": f["loss"],
        "copy_accuracy": f.get("copy_accuracy"),
        "first_token_share": f["first_token_share"],
        "share_over_uniform": f["share_over_uniform"],
        "sink_rate": f["sink_rate"],
        "max_activation": f["max_activation"],
        "max_over_median": f["max_over_median"],
        "gate_mean": f["gate_mean"],
        "gate_sparsity": (sum(l["gate_sparsity"] for l in diag["layers"]) / len(diag["layers"])
                          if diag["layers"][0]["gate_sparsity"] is not None else None),
        "per_layer_share": [sum(l["first_token_share"]) / len(l["first_token_share"])
                            for l in diag["layers"]],
        "per_layer_max_activation": [l["max_activation"] for l in diag["layers"]],
        "per_layer_max_over_median": [l["max_activation"] / max(l["median_activation"], 1e-12)
                                      for l in diag["layers"]],
        "value_norm_first_over_rest": [
            l["value_norm_first"] / l["value_norm_rest"] if l["value_norm_rest"] else None
            for l in diag["layers"]],
        "history": [{k: h[k] for k in ("step", "loss", "first_token_share", "max_activation")}
                    for h in res["history"]],
    }


def run(config: Config, out_dir: Path, progress: Progress) -> dict[str, Any]:
    import numpy as np

    from neurips25.gated_attention import figures
    from neurips25.gated_attention.model import TinyLM, save_checkpoint

    specs = arm_specs(config)
    progress.log(f"training {len(specs)} arms in {max(1, config.workers)} process(es)")
    results = run_arms(specs, config.workers, progress)
    parts: dict[str, dict[str, dict[str, Any]]] = {"sink": {}, "h2": {}, "act": {}, "text": {}}
    for name, res in results.items():
        if name.startswith(H2):
            parts["h2"][name.removeprefix(H2)] = res
        else:
            parts["act" if name in ACT_ARMS else "text" if name in TEXT_ARMS else "sink"][name] = res

    rng = np.random.default_rng(config.seed + 1)
    for spec in specs:
        res = results[spec.name]
        if res["state_dict"] is not None and spec.task is not None:
            model = TinyLM(spec.model)
            model.load_state_dict(res["state_dict"])
            example = spec.task.sample(4, rng)
            save_checkpoint(model, out_dir / f"{spec.name}.pt", {"example_ids": example.tolist()})

    sink = parts["sink"]
    uniform = next(iter(sink.values()))["final"]["uniform_share"]
    figures.heatmaps(sink, ["baseline", "g1_elementwise"], out_dir / "attention_heatmaps.png")
    figures.arm_bars(sink, "first_token_share", "first-token attention share (1-layer, Backcopy)",
                     out_dir / "first_token_share.png", uniform, f"uniform {uniform:.3f}")
    if any(r.get("gate_histogram") for r in sink.values()):
        figures.gate_histograms(sink, out_dir / "gate_histogram.png")
    figures.share_over_training(sink, uniform, out_dir / "first_token_share_training.png")
    metrics: dict[str, Any] = {
        "task": "bigram_backcopy",
        "uniform_share": uniform,
        "arms": {n: _arm_metrics(r) for n, r in sink.items()},
    }
    for part in ("h2", "act", "text"):
        if parts[part]:
            arms = parts[part]
            metrics[part] = {"uniform_share": next(iter(arms.values()))["final"]["uniform_share"],
                             "arms": {n: _arm_metrics(r) for n, r in arms.items()}}
    if parts["h2"]:
        u2 = metrics["h2"]["uniform_share"]
        figures.arm_bars(parts["h2"], "first_token_share", "first-token share (1-layer, 2 heads)",
                         out_dir / "h2_first_token_share.png", u2, f"uniform {u2:.3f}")
        if {"baseline", "g1_elementwise"} <= set(parts["h2"]):
            figures.heatmaps(parts["h2"], ["baseline", "g1_elementwise"],
                             out_dir / "h2_attention_heatmaps.png")
    if parts["act"]:
        figures.per_layer(parts["act"], "max_activation", "max |hidden| per layer (log)",
                          out_dir / "max_activation.png", log=True)
        figures.per_layer(parts["act"], "first_token_share", "first-token attention share",
                          out_dir / "act_first_token_share.png",
                          uniform=metrics["act"]["uniform_share"])
    return metrics
