"""How ``neurips25 diagnose`` shows a Diagnosis: a per-layer table and a heatmap.

One table row per decoder layer, so sink figures (first-token share, heads above eps),
massive activations (max |h|, top-3, max/median), value norms and gate statistics (mean,
share below 0.1: Table 4 of arXiv 2505.06708v1) sit side by side. Layers without an
attention map (e.g. Qwen3-Next's linear-attention layers) show activations only.
"""
from __future__ import annotations

from pathlib import Path

from neurips25.gated_attention.diagnostics import Diagnosis, LayerReport

COLUMNS = ("layer", "kind", "first", "x unif", ">eps", "max|h|", "top-3 |h|", "max/med",
           "|v0|/|v|", "gate", "gate<.1")


def _cells(layer: LayerReport, diag: Diagnosis) -> list[str]:
    share = layer.mean_share
    heads = layer.first_token_share
    n_sink = "-" if heads is None else f"{sum(s > diag.threshold for s in heads)}/{len(heads)}"
    vn = (f"{layer.value_norm_first / layer.value_norm_rest:.2f}"
          if layer.value_norm_first is not None and layer.value_norm_rest else "-")
    return [
        str(layer.layer), layer.kind,
        "-" if share is None else f"{share:.3f}",
        "-" if share is None else f"{share / diag.uniform:.1f}",
        n_sink, f"{layer.max_activation:.2f}",
        ",".join(f"{v:.3g}" for v in layer.top3_activation),
        f"{layer.max_activation / max(layer.median_activation, 1e-12):.0f}", vn,
        "-" if layer.gate_mean is None else f"{layer.gate_mean:.3f}",
        "-" if layer.gate_sparsity is None else f"{100 * layer.gate_sparsity:.0f}%",
    ]


def rows(diag: Diagnosis) -> list[list[str]]:
    """The table as strings, one row per decoder layer (COLUMNS order)."""
    return [_cells(layer, diag) for layer in diag.layers]


def summary_lines(diag: Diagnosis) -> list[str]:
    """What the table adds up to, and which layers it skipped for sink figures."""
    s = diag.summary()
    n_att, n = len(diag.attention_layers), len(diag.layers)
    lines = [f"first-token share {s['first_token_share']:.3f} ({s['share_over_uniform']:.1f}x "
             f"uniform) over {n_att} attention layer{'s' if n_att != 1 else ''}, sink rate "
             f"{s['sink_rate']:.2f}; max activation {s['max_activation']:.2f} over {n} layers"]
    if diag.skipped:
        kinds = sorted({k for _, k in diag.skipped})
        lines.append(f"no attention map (sink columns skipped): layers "
                     f"{', '.join(str(i) for i, _ in diag.skipped)} ({', '.join(kinds)})")
    if diag.gate_mean is not None:
        lines.append(f"{diag.gate_kind or 'gate'}: mean score {diag.gate_mean:.3f}, "
                     f"{100 * (diag.gate_sparsity or 0):.0f}% of scores < 0.1")
    return lines


def print_report(diag: Diagnosis, desc: str) -> None:
    import sys

    from rich import box
    from rich.console import Console
    from rich.table import Table

    eps = f"{diag.threshold:g}"
    table = Table(box=box.SIMPLE_HEAD, title=f"{desc}: {diag.seq_len} tokens, uniform "
                                             f"first-token share {diag.uniform:.3f}")
    for col in COLUMNS:
        table.add_column(col.replace("eps", eps), justify="left" if col == "kind" else "right")
    for row in rows(diag):
        table.add_row(*row)
    console = Console(width=None if sys.stdout.isatty() else 130)
    console.print(table)
    for line in summary_lines(diag):
        console.print(line, highlight=False)


def heatmap(diag: Diagnosis, title: str, out: Path) -> Path:
    """First-token share per attention layer (rows, labelled by layer index) and head."""
    import numpy as np

    from neurips25.common.plotting import plt, save_figure

    mat = np.array(diag.share_matrix())
    fig, ax = plt.subplots(figsize=(max(3.6, 1.5 + 0.45 * mat.shape[1]),
                                    max(2.8, 1.2 + 0.35 * mat.shape[0])))
    im = ax.imshow(mat, cmap="magma", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(mat.shape[1]))
    ax.set_yticks(range(mat.shape[0]), [str(layer.layer) for layer in diag.attention_layers])
    if mat.size <= 64:
        for (r, c), v in np.ndenumerate(mat):
            ax.text(c, r, f"{v:.2f}", ha="center", va="center", fontsize=7,
                    color="white" if v < 0.5 else "black")
    ax.set_xlabel("head")
    ax.set_ylabel("attention layer")
    ax.grid(False)
    skipped = f"; {len(diag.skipped)} layers without a map" if diag.skipped else ""
    ax.set_title(f"{title}\nfirst-token attention (uniform {diag.uniform:.3f}{skipped})",
                 fontsize=8)
    fig.colorbar(im, ax=ax)
    return save_figure(fig, out)
