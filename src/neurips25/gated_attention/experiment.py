"""Does a G1 output gate remove the attention sink and massive activations, and lower the loss?

Arms on identical data and (matched) parameter counts train TinyLMs on Bigram-Backcopy (a
sink forms there within minutes on CPU), each for ``seeds`` seeds; an extra pair of arms
trains on byte-level Python stdlib source. Every (part, arm, seed) is one picklable
``ArmSpec`` run by ``train_arm`` as an arm of the common executor (one torch thread each).
Compared with Tables 2 and 4 of arXiv 2505.06708v1; claims judge across-seed means with t intervals.
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
PARTS = ("sink", "mh", "act", "text")
SAVED_ARMS = ("baseline", "g1_elementwise", "act_baseline", "act_g1")  # for `neurips25 diagnose`
# per-seed numbers kept for every arm (the claims' units)
SCALARS = ("loss", "first_token_share", "share_over_uniform", "max_activation",
           "max_over_median", "gate_mean", "gate_sparsity")


@dataclass(frozen=True)
class Config:
    """Four parts, each arm for ``seeds`` seeds (``text_seeds`` for the text part):
    sink: attention-only 1-layer, 1-head TinyLMs on Bigram-Backcopy;
    mh:   the same with ``mh_heads`` heads (``mh_steps``), where head-shared differs from
          head-specific;
    act:  2-layer TinyLMs with SwiGLU FFNs (massive activations live in the FFN path);
    text: act-shaped TinyLMs on byte-level Python stdlib source (0 steps: skipped)."""

    seed: int = 0
    seeds: int = 3
    lr: float = 3e-3
    min_lr_frac: float = 1.0  # 1.0: constant lr after warmup (sinks form sooner)
    batch: int = 32
    seq_len: int = 64
    d_model: int = 64
    n_head: int = 1  # the sink part
    # quick-preset steps, sized to a 2-core budget: the 1-head sink part keeps its 1000 steps
    # (at 750 one baseline seed had not formed its sink yet); the other parts are shorter
    # (a step is compute-bound: batching seeds or arms into one model call saved nothing)
    sink_steps: int = 1000
    mh_steps: int = 300  # 0: the sink part's steps
    sink_weight_decay: float = 0.0
    arms: tuple[str, ...] = ("baseline", "g1_elementwise")
    mh_arms: tuple[str, ...] = ("baseline", "g1_elementwise", "head_shared", "input_independent")
    mh_heads: int = 4
    act_steps: int = 150
    act_layers: int = 2
    act_weight_decay: float = 0.1
    act_lr: float = 1e-2  # at 3e-3 the baseline's max |h| stays small (6.6): nothing to remove
    text_steps: int = 150
    text_seq_len: int = 64
    text_seeds: int = 1
    eval_every: int = 250
    device: str = "cpu"  # torch device of every arm (``neurips25 run --device``)

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        """Longer runs, every gate variant, 3 seeds of the text part."""
        return cls(sink_steps=3000, mh_steps=3000,
                   arms=tuple(a for a in ARMS if a != "head_shared"), mh_arms=tuple(ARMS),
                   act_steps=4000, text_steps=3000, text_seq_len=128, text_seeds=3,
                   eval_every=500)

    def seed_list(self, part: str = "sink") -> list[int]:
        n = self.text_seeds if part == "text" else self.seeds
        return [self.seed + i for i in range(n)]


def spec_name(part: str, arm: str, seed: int) -> str:
    """``part/arm/seed=N``: the arm's name, also its cache file under ``out_dir/arms``."""
    return f"{part}/{arm}/seed={seed}"


def parse_name(name: str) -> tuple[str, str, int]:
    part, arm, seed = name.split("/")
    return part, arm, int(seed.removeprefix("seed="))


def arm_specs(cfg: Config) -> list[ArmSpec]:
    from neurips25.gated_attention.data import BackcopyTask
    from neurips25.gated_attention.model import TinyLMConfig, equal_param_config
    from neurips25.gated_attention.train import ArmSpec

    unknown = [a for a in (*cfg.arms, *cfg.mh_arms) if a not in ARMS]
    if unknown:
        raise ValueError(f"unknown arm(s) {unknown}; choose from {list(ARMS)}")
    if cfg.seeds < 1 or cfg.text_seeds < 1:
        raise ValueError("seeds and text_seeds must be >= 1")
    task = BackcopyTask(seq_len=cfg.seq_len, seed=cfg.seed)  # one "language" for every seed
    sink = TinyLMConfig(vocab_size=task.vocab_size, max_len=cfg.seq_len, n_layer=1,
                        d_model=cfg.d_model, n_head=cfg.n_head, ffn=False, tie_embeddings=False)
    mh = dataclasses.replace(sink, n_head=cfg.mh_heads)
    act = dataclasses.replace(mh, n_layer=cfg.act_layers, ffn=True)
    # (part, arm, model, steps, weight decay, lr, extra)
    plan: list[tuple[str, str, Any, int, float, float, dict[str, Any]]] = []
    plan += [("sink", a, equal_param_config(sink, ARMS[a]), cfg.sink_steps,
              cfg.sink_weight_decay, cfg.lr, {}) for a in cfg.arms]
    plan += [("mh", a, equal_param_config(mh, ARMS[a]), cfg.mh_steps or cfg.sink_steps,
              cfg.sink_weight_decay, cfg.lr, {}) for a in cfg.mh_arms]
    if cfg.act_steps:
        plan += [("act", a, equal_param_config(act, g), cfg.act_steps, cfg.act_weight_decay,
                  cfg.act_lr, {}) for a, g in ACT_ARMS.items()]
    if cfg.text_steps:
        from neurips25.gated_attention.text import STDLIB, VOCAB_SIZE

        text = dataclasses.replace(act, vocab_size=VOCAB_SIZE, max_len=cfg.text_seq_len)
        plan += [("text", a, equal_param_config(text, g), cfg.text_steps, cfg.act_weight_decay,
                  cfg.lr, {"eval_batch": 32, "text_source": STDLIB}) for a, g in TEXT_ARMS.items()]
    return [
        ArmSpec(spec_name(part, arm, seed), model, None if part == "text" else task, steps,
                batch=cfg.batch, lr=lr, seed=seed, eval_every=cfg.eval_every,
                min_lr_frac=cfg.min_lr_frac, weight_decay=wd, device=cfg.device,
                keep_weights=seed == cfg.seed and part in ("sink", "act") and arm in SAVED_ARMS,
                **extra)
        for part, arm, model, steps, wd, lr, extra in plan
        for seed in cfg.seed_list(part)
    ]


def train_all(specs: list[ArmSpec], out_dir: Path,
              progress: Progress) -> dict[str, dict[str, Any]]:
    """Every (part, arm, seed) as one arm of the common executor (``--executor``), one torch
    thread each; finished arms are kept in ``out_dir/arms`` (with the kept weights) and not
    trained again when an interrupted run is resumed.

    The local pool spawns workers that re-import the caller's main module: scripts that
    call ``run`` need the usual ``if __name__ == "__main__":`` guard.
    """
    from neurips25.common.executor import Arm, run_arms
    from neurips25.gated_attention.train import train_arm

    arms = [Arm(s.name, train_arm, (s,)) for s in specs]
    done = run_arms(arms, cache_dir=Path(out_dir) / "arms", progress=progress,
                    description="arms")
    for s in specs:
        f = done[s.name]["final"]
        progress.log(f"{s.name}: first-token share {f['first_token_share']:.3f}, "
                     f"max act {f['max_activation']:.1f}, loss {f['loss']:.3f}")
    return done


def _arm_metrics(res: dict[str, Any]) -> dict[str, Any]:
    """One seed's numbers for the report, from ``train_arm``'s result."""
    f, diag = res["final"], res["diagnosis"]
    layers = diag["layers"]
    sparsity = [l["gate_sparsity"] for l in layers if l.get("gate_sparsity") is not None]
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
        "gate_sparsity": sum(sparsity) / len(sparsity) if sparsity else None,
        "per_layer_share": [sum(l["first_token_share"]) / len(l["first_token_share"])
                            for l in layers],
        "per_layer_max_activation": [l["max_activation"] for l in layers],
        "per_layer_max_over_median": [l["max_activation"] / max(l["median_activation"], 1e-12)
                                      for l in layers],
        "value_norm_first_over_rest": [
            l["value_norm_first"] / l["value_norm_rest"] if l["value_norm_rest"] else None
            for l in layers],
        "history": [{k: h[k] for k in ("step", "loss", "first_token_share", "max_activation")}
                    for h in res["history"]],
    }


def summarise_arm(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The first seed's details, every ``SCALARS`` entry as its seed mean, and "per_seed"."""
    per = [_arm_metrics(r) for r in results]
    out = dict(per[0])
    out["per_seed"] = {k: [p[k] for p in per] for k in SCALARS if per[0][k] is not None}
    for k, vals in out["per_seed"].items():
        out[k] = sum(vals) / len(vals)
    return out


def save_checkpoints(specs: list[ArmSpec], results: dict[str, dict[str, Any]], out_dir: Path,
                     seed: int) -> None:
    """The kept arms' weights as ``<arm>.pt`` (for ``neurips25 diagnose``), with examples."""
    import numpy as np

    from neurips25.gated_attention.model import TinyLM, save_checkpoint
    from neurips25.gated_attention.train import state_dict_from_lists

    rng = np.random.default_rng(seed + 1)
    for spec in specs:
        res = results[spec.name]
        if res["state_dict"] is not None and spec.task is not None:
            model = TinyLM(spec.model)
            model.load_state_dict(state_dict_from_lists(res["state_dict"], model))
            example = spec.task.sample(4, rng)
            arm = parse_name(spec.name)[1]
            save_checkpoint(model, out_dir / f"{arm}.pt", {"example_ids": example.tolist()})


def run(config: Config, out_dir: Path, progress: Progress) -> dict[str, Any]:
    from neurips25.gated_attention.plots import draw_all

    specs = arm_specs(config)
    progress.log(f"training {len(specs)} arms ({config.seeds} seeds) on {config.device}")
    results = train_all(specs, Path(out_dir), progress)
    parts: dict[str, dict[str, list[dict[str, Any]]]] = {p: {} for p in PARTS}
    for name, res in results.items():
        part, arm, _seed = parse_name(name)
        parts[part].setdefault(arm, []).append(res)
    metrics: dict[str, Any] = {"task": "bigram_backcopy", "seeds": config.seed_list()}
    for part, arms in parts.items():
        if not arms:
            continue
        block = {"uniform_share": next(iter(arms.values()))[0]["final"]["uniform_share"],
                 "arms": {a: summarise_arm(rs) for a, rs in arms.items()}}
        if part == "mh":
            block["heads"] = config.mh_heads
        if part == "sink":
            metrics.update(block)  # the 1-head part stays at the top level
        else:
            metrics[part] = block
    save_checkpoints(specs, results, Path(out_dir), config.seed)
    draw_all({p: {a: rs[0] for a, rs in arms.items()} for p, arms in parts.items()},
             {p: metrics.get(p, metrics) for p in PARTS if parts[p]}, Path(out_dir))
    return metrics
