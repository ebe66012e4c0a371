"""Attention-sink and massive-activation diagnostics for any causal decoder.

Inputs are plain tensors (attention probabilities, hidden states, values, gate scores),
so the same code serves TinyLM (``diagnose_tinylm``) and Hugging Face models
(``neurips25.gated_attention.hf_diagnose.diagnose_hf``). A report has one row per decoder
layer: hybrid models (Qwen3-Next: Gated-DeltaNet layers between full-attention layers)
have layers without an attention map; those rows carry activations only and are named
as skipped. Definitions follow the papers:
- first-token attention share per layer/head, averaged over query positions >= 1
  (query 0 can only see itself), against the uniform causal baseline (Table 4 "F-Attn");
- sink rate: share of heads whose first-token share exceeds eps = 0.3 (Gu et al. 2024);
- massive activations: max |h| of the residual stream per layer, top-3 and the ratio
  to the median |h| (Sun et al. 2024; Table 4 "M-Act");
- value norm at the first token vs the others, and gate score mean and sparsity (share of
  scores below 0.1), the gate statistics of Table 4 of arXiv 2505.06708v1.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import torch

SINK_THRESHOLD = 0.3
SPARSE_GATE = 0.1  # a gate score below this counts as (nearly) closed


def uniform_first_token_share(seq_len: int) -> float:
    """First-token share of uniform causal attention, averaged over queries 1..T-1."""
    if seq_len < 2:
        raise ValueError("need at least 2 tokens to measure first-token attention")
    return sum(1.0 / (i + 1) for i in range(1, seq_len)) / (seq_len - 1)


def first_token_share(probs: torch.Tensor) -> torch.Tensor:
    """(H,) mean attention to key 0 over batch and queries >= 1, from (B, H, T, T) probs."""
    if probs.dim() != 4 or probs.shape[-1] != probs.shape[-2]:
        raise ValueError(f"expected (B, H, T, T) attention probabilities, got {tuple(probs.shape)}")
    return probs[:, :, 1:, 0].float().mean(dim=(0, 2))


def activation_stats(hidden: torch.Tensor) -> dict[str, float | list[float]]:
    """Max, top-3 and median of |h| over every token and channel of a (B, T, C) tensor."""
    a = hidden.detach().abs().flatten().float()
    top = a.topk(min(3, a.numel())).values
    med = float(a.median())
    return {"max": float(top[0]), "top3": [float(v) for v in top],
            "median": med, "max_over_median": float(top[0]) / max(med, 1e-12)}


def gate_stats(scores: torch.Tensor, sparse_below: float = SPARSE_GATE) -> dict[str, float]:
    s = scores.detach().float()
    return {"mean": float(s.mean()), "sparsity": float((s < sparse_below).float().mean())}


@dataclass
class LayerReport:
    """One decoder layer. ``first_token_share`` (per head) is None where the layer has no
    attention map (a linear-attention or state-space layer); ``kind`` says what it is."""

    layer: int
    first_token_share: list[float] | None
    max_activation: float
    top3_activation: list[float]
    median_activation: float
    value_norm_first: float | None = None
    value_norm_rest: float | None = None
    gate_mean: float | None = None
    gate_sparsity: float | None = None
    kind: str = "attention"

    @property
    def has_map(self) -> bool:
        return self.first_token_share is not None

    @property
    def mean_share(self) -> float | None:
        shares = self.first_token_share
        return sum(shares) / len(shares) if shares else None


@dataclass
class Diagnosis:
    """Per-layer reports plus the summary numbers the paper's Table 4 uses."""

    layers: list[LayerReport]
    seq_len: int
    threshold: float = SINK_THRESHOLD
    gate_kind: str | None = None  # where gate scores came from, e.g. "native qwen3_next gate"

    @property
    def uniform(self) -> float:
        return uniform_first_token_share(self.seq_len)

    @property
    def attention_layers(self) -> list[LayerReport]:
        """The layers with an attention map."""
        return [layer for layer in self.layers if layer.first_token_share is not None]

    @property
    def skipped(self) -> list[tuple[int, str]]:
        """(index, kind) of the layers without an attention map."""
        return [(layer.layer, layer.kind) for layer in self.layers if not layer.has_map]

    def _shares(self) -> list[float]:
        return [s for layer in self.attention_layers for s in layer.first_token_share or []]

    @property
    def first_token_share(self) -> float:
        """Mean over attention layers and heads (Table 4's F-Attn)."""
        shares = self._shares()
        return sum(shares) / len(shares)

    @property
    def sink_rate(self) -> float:
        shares = self._shares()
        return sum(s > self.threshold for s in shares) / len(shares)

    @property
    def max_activation(self) -> float:
        """Max over layers (Table 4's M-Act)."""
        return max(layer.max_activation for layer in self.layers)

    @property
    def max_over_median(self) -> float:
        """Largest per-layer max |h| / median |h|: massive activations, free of overall scale."""
        return max(layer.max_activation / max(layer.median_activation, 1e-12)
                   for layer in self.layers)

    @property
    def gate_mean(self) -> float | None:
        vals = [layer.gate_mean for layer in self.layers if layer.gate_mean is not None]
        return sum(vals) / len(vals) if vals else None

    @property
    def gate_sparsity(self) -> float | None:
        """Mean over gated layers of the share of gate scores below 0.1."""
        vals = [layer.gate_sparsity for layer in self.layers if layer.gate_sparsity is not None]
        return sum(vals) / len(vals) if vals else None

    def summary(self) -> dict[str, float | None]:
        return {
            "first_token_share": self.first_token_share,
            "uniform_share": self.uniform,
            "share_over_uniform": self.first_token_share / self.uniform,
            "sink_rate": self.sink_rate,
            "max_activation": self.max_activation,
            "max_over_median": self.max_over_median,
            "gate_mean": self.gate_mean,
            "gate_sparsity": self.gate_sparsity,
        }

    def to_dict(self) -> dict:
        return {"summary": self.summary(), "seq_len": self.seq_len, "threshold": self.threshold,
                "gate_kind": self.gate_kind, "layers": [asdict(layer) for layer in self.layers],
                "skipped_layers": [{"layer": i, "kind": k} for i, k in self.skipped]}

    def share_matrix(self) -> list[list[float]]:
        """(attention layers, heads) first-token shares, for heatmaps."""
        return [list(layer.first_token_share or []) for layer in self.attention_layers]


def _layer_ids(n_maps: int, n_layers: int, attention_layers: Sequence[int] | None) -> list[int]:
    if attention_layers is None:
        if n_maps != n_layers or not n_maps:
            raise ValueError(f"need one attention map and one hidden state per layer "
                             f"(got {n_maps} and {n_layers}); pass attention_layers for "
                             f"models where only some layers attend")
        return list(range(n_layers))
    ids = list(attention_layers)
    if len(ids) != n_maps or not n_maps:
        raise ValueError(f"need one attention map per listed attention layer "
                         f"(got {n_maps} maps for layers {ids})")
    if ids != sorted(set(ids)) or ids[0] < 0 or ids[-1] >= n_layers:
        raise ValueError(f"attention layers {ids} must be increasing and within 0..{n_layers - 1}")
    return ids


def _layer_report(i: int, p: torch.Tensor | None, h: torch.Tensor, v: torch.Tensor | None,
                  g: torch.Tensor | None, kind: str) -> LayerReport:
    act = activation_stats(h)
    share = first_token_share(p).tolist() if p is not None else None
    rep = LayerReport(i, share, act["max"], act["top3"], act["median"], kind=kind)
    if v is not None:
        norms = v.detach().float().norm(dim=-1)  # (B, T, H_kv)
        rep.value_norm_first = float(norms[:, 0].mean())
        rep.value_norm_rest = float(norms[:, 1:].mean()) if norms.shape[1] > 1 else None
    if g is not None:
        gs = gate_stats(g)
        rep.gate_mean, rep.gate_sparsity = gs["mean"], gs["sparsity"]
    return rep


def diagnose(
    probs: Sequence[torch.Tensor],
    hidden: Sequence[torch.Tensor],
    values: Sequence[torch.Tensor | None] | None = None,
    gates: Sequence[torch.Tensor | None] | None = None,
    threshold: float = SINK_THRESHOLD,
    attention_layers: Sequence[int] | None = None,
    kinds: Sequence[str] | None = None,
) -> Diagnosis:
    """Build a Diagnosis from per-layer tensors.

    hidden: one (B, T, C) output per decoder layer; probs: (B, H, T, T) maps of the layers
    listed in ``attention_layers`` (default: every layer has one); values (B, T, H_kv, D)
    and gate scores (any shape): one entry per decoder layer, None where absent;
    kinds: a name per layer (e.g. HF ``layer_types``).
    """
    n = len(hidden)
    ids = _layer_ids(len(probs), n, attention_layers)
    by_layer = dict(zip(ids, probs, strict=True))
    for name, seq in (("values", values), ("gates", gates), ("kinds", kinds)):
        if seq is not None and len(seq) != n:
            raise ValueError(f"{name}: need one entry per layer ({n}), got {len(seq)}")
    layers = []
    for i, h in enumerate(hidden):
        p = by_layer.get(i)
        kind = kinds[i] if kinds is not None else ("attention" if p is not None else "no map")
        layers.append(_layer_report(i, p, h, values[i] if values is not None else None,
                                    gates[i] if gates is not None else None, kind))
    return Diagnosis(layers, seq_len=probs[0].shape[-1], threshold=threshold)


@torch.no_grad()
def diagnose_tinylm(model: torch.nn.Module, idx: torch.Tensor,
                    threshold: float = SINK_THRESHOLD) -> Diagnosis:
    """Run a TinyLM on (B, T) token ids through its explicit path and diagnose it."""
    was_training = model.training
    model.eval()
    _, internals = model(idx, return_internals=True)
    model.train(was_training)
    return diagnose([a.probs for a in internals.attn], internals.hidden,
                    [a.values for a in internals.attn], [a.gate for a in internals.attn],
                    threshold)
