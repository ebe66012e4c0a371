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
from typing import Any

from neurips25.common.progress import Progress
from neurips25.gated_attention.data import BackcopyTask
from neurips25.gated_attention.gates import GateConfig
from neurips25.gated_attention.model import TinyLMConfig, equal_param_config
from neurips25.gated_attention.train import ArmSpec, train_arm

ARMS: dict[str, GateConfig | None] = {
    "baseline": None,
    "g1_elementwise": GateConfig(),
    "g1_headwise": GateConfig(granularity="headwise"),
    "head_shared": GateConfig(head_specific=False),
    "input_independent": GateConfig(input_dependent=False),
    "g2_value": GateConfig(position="g2"),
    "ns_sigmoid": GateConfig(activation="ns_sigmoid"),
}
TEXT_ARMS = {"text_baseline": None, "text_g1": GateConfig()}
SAVED_ARMS = ("baseline", "g1_elementwise")  # checkpoints for `neurips25 diagnose`


@dataclass(frozen=True)
class Config:
    seed: int = 0
    steps: int = 1500
    batch: int = 32
    lr: float = 3e-3
    seq_len: int = 64
    n_layer: int = 2
    n_head: int = 2
    d_model: int = 64
    arms: tuple[str, ...] = ("baseline", "g1_elementwise", "g1_headwise", "head_shared",
                             "input_independent", "g2_value")
    text_steps: int = 0  # 0: skip the real-text arms
    text_seq_len: int = 128
    eval_every: int = 250
    workers: int = 2

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        return cls(steps=4000, arms=tuple(ARMS), text_steps=3000, eval_every=500)


def arm_specs(cfg: Config) -> list[ArmSpec]:
    unknown = [a for a in cfg.arms if a not in ARMS]
    if unknown:
        raise ValueError(f"unknown arm(s) {unknown}; choose from {list(ARMS)}")
    task = BackcopyTask(seq_len=cfg.seq_len, seed=cfg.seed)
    base = TinyLMConfig(vocab_size=task.vocab_size, max_len=cfg.seq_len, n_layer=cfg.n_layer,
                        d_model=cfg.d_model, n_head=cfg.n_head)
    specs = [ArmSpec(name, equal_param_config(base, ARMS[name]), task, cfg.steps, cfg.batch,
                     cfg.lr, cfg.seed, eval_every=cfg.eval_every, keep_weights=name in SAVED_ARMS)
             for name in cfg.arms]
    if cfg.text_steps:
        from neurips25.gated_attention.text import STDLIB, VOCAB_SIZE

        tbase = dataclasses.replace(base, vocab_size=VOCAB_SIZE, max_len=cfg.text_seq_len)
        specs += [ArmSpec(name, equal_param_config(tbase, gate), None, cfg.text_steps, cfg.batch,
                          cfg.lr, cfg.seed, eval_every=cfg.eval_every, eval_batch=32,
                          text_source=STDLIB)
                  for name, gate in TEXT_ARMS.items()]
    return specs


def run_arms(specs: list[ArmSpec], workers: int, progress: Progress) -> dict[str, dict[str, Any]]:
    """Train every arm, in ``workers`` spawned single-thread processes when workers > 1."""
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
    from neurips25.gated_attention import figures
    from neurips25.gated_attention.model import TinyLM, save_checkpoint

    specs = arm_specs(config)
    progress.log(f"training {len(specs)} arms ({config.steps} steps each) in "
                 f"{max(1, config.workers)} process(es)")
    results = run_arms(specs, config.workers, progress)
    task_arms = {n: r for n, r in results.items() if not n.startswith("text_")}
    text_arms = {n: r for n, r in results.items() if n.startswith("text_")}
    uniform = next(iter(task_arms.values()))["final"]["uniform_share"]

    for spec in specs:
        res = results[spec.name]
        if res["state_dict"] is not None:
            model = TinyLM(spec.model)
            model.load_state_dict(res["state_dict"])
            example = spec.task.sample(4, __import__("numpy").random.default_rng(config.seed + 1))
            save_checkpoint(model, out_dir / f"{spec.name}.pt", {"example_ids": example.tolist()})

    figures.heatmaps(task_arms, ["baseline", "g1_elementwise"], out_dir / "attention_heatmaps.png")
    figures.per_layer(task_arms, "first_token_share", "first-token attention share",
                      out_dir / "first_token_share.png", uniform=uniform)
    figures.per_layer(task_arms, "max_activation", "max |hidden| (log)",
                      out_dir / "max_activation.png", log=True)
    if any(r.get("gate_histogram") for r in task_arms.values()):
        figures.gate_histograms(task_arms, out_dir / "gate_histogram.png")
    figures.share_over_training(task_arms, uniform, out_dir / "first_token_share_training.png")

    metrics: dict[str, Any] = {
        "task": "bigram_backcopy",
        "uniform_share": uniform,
        "arms": {n: _arm_metrics(r) for n, r in task_arms.items()},
    }
    if text_arms:
        metrics["text"] = {
            "uniform_share": next(iter(text_arms.values()))["final"]["uniform_share"],
            "arms": {n: _arm_metrics(r) for n, r in text_arms.items()},
        }
    return metrics
