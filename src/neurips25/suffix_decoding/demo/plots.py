"""Figures of the end-to-end run: throughput, tokens/step, the CPU cost curve, training loss."""
from __future__ import annotations

from pathlib import Path
from typing import Any

METHOD_COLORS = {"greedy": "#888888", "hf-prompt-lookup": "#c7a76c", "prompt-lookup": "#d9822b",
                 "suffix": "#2b7bd9", "suffix-tree": "#1b4f8f"}


def plot_all(metrics: dict[str, Any], loss_curve: list[float], out_dir: Path) -> list[Path]:
    from neurips25.common.plotting import plt, save_figure

    out_dir = Path(out_dir)
    paths = []
    kinds = list(metrics["per_kind"])
    methods = list(METHOD_COLORS)

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    width = 0.8 / len(methods)
    for j, m in enumerate(methods):
        xs = [i + (j - (len(methods) - 1) / 2) * width for i in range(len(kinds))]
        thr = [metrics["per_kind"][k][m].get("tokens_per_cpu_s", 0.0) for k in kinds]
        axes[0].bar(xs, thr, width, label=m, color=METHOD_COLORS[m])
        tps = [metrics["per_kind"][k][m].get("tokens_per_step", float("nan")) for k in kinds]
        axes[1].bar(xs, tps, width, label=m, color=METHOD_COLORS[m])
    for ax, title in ((axes[0], "tokens per CPU-second (1 thread)"),
                      (axes[1], "tokens per model call (verification step)")):
        ax.set_xticks(range(len(kinds)), [f"{k}\n({'agentic' if k != 'chat' else 'control'})"
                                          for k in kinds])
        ax.set_title(title)
    for ax in axes:  # headroom for the legend above the bars
        ax.set_ylim(0, ax.get_ylim()[1] * 1.3)
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
