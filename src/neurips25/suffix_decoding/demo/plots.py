"""Figures of the end-to-end run: throughput, tokens/step, the CPU cost curve, training loss."""
from __future__ import annotations

from pathlib import Path
from typing import Any

METHOD_COLORS = {"greedy": "#888888", "hf-prompt-lookup": "#c7a76c", "prompt-lookup": "#d9822b",
                 "suffix": "#2b7bd9", "suffix-tree": "#1b4f8f"}


def plot_all(metrics: dict[str, Any], loss_curve: list[float], out_dir: Path) -> list[Path]:
    from neurips25.common.plotting import plt, save_figure
    from neurips25.suffix_decoding.plots import grouped_bars

    out_dir = Path(out_dir)
    paths = []
    kinds = list(metrics["per_kind"])
    methods = list(METHOD_COLORS)

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    groups = [f"{k}\n({'agentic' if k != 'chat' else 'control'})" for k in kinds]
    for ax, key, empty, title in (
            (axes[0], "tokens_per_cpu_s", 0.0, "tokens per CPU-second (1 thread)"),
            (axes[1], "tokens_per_step", float("nan"),
             "tokens per model call (verification step)")):
        grouped_bars(ax, groups, {m: [metrics["per_kind"][k][m].get(key, empty) for k in kinds]
                                  for m in methods}, METHOD_COLORS)
        ax.set_title(title)
        ax.set_ylim(0, ax.get_ylim()[1] * 1.3)  # headroom for the legend above the bars
    axes[0].legend(ncol=3, loc="upper left")
    fig.suptitle("Demo Llama, held-out requests: same greedy output, different proposers")
    paths.append(save_figure(fig, out_dir / "e2e_throughput.png"))

    cc, ref = metrics["cost_curve"], metrics.get("reference_cost_curve")
    fig, ax = plt.subplots(figsize=(5.6, 3.8))
    curves = [(cc, f"demo model ({metrics['demo_model']['params'] / 1e6:.1f}M params)", "#2b7bd9")]
    if ref:
        curves.append((ref, f"random Llama ({ref['params'] / 1e6:.0f}M params)", "#b03a2e"))
    for c, label, color in curves:
        base = c["forward_cpu_ms"][0]
        ax.plot(c["draft_tokens"], [v / base for v in c["forward_cpu_ms"]], "o-", color=color,
                label=f"{label}: plain step {base:.1f} ms")
    ax.set_xscale("symlog", base=2, linthresh=1)
    ax.set_xticks(cc["draft_tokens"], [str(q) for q in cc["draft_tokens"]])
    ax.set_xlabel("draft tokens verified in one forward (0 = plain decode step)")
    ax.set_ylabel("CPU time / plain decode step")
    ax.axhline(1.0, color="#888888", lw=0.8, ls="--")
    ax.set_ylim(bottom=0)
    ax.set_title("CPU verification cost grows with draft size")
    ax.legend()
    paths.append(save_figure(fig, out_dir / "e2e_cost_curve.png"))

    fig, ax = plt.subplots(figsize=(5.2, 3.2))
    ax.plot(loss_curve, lw=0.8, color="#444444")
    ax.set_xlabel("training step")
    ax.set_ylabel("cross-entropy (nats/token)")
    ax.set_title("Demo model training loss")
    paths.append(save_figure(fig, out_dir / "e2e_training_loss.png"))
    return paths
