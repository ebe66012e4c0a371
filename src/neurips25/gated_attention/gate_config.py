"""The gate's design space and what it costs in parameters, without torch.

``GateConfig`` spans the design axes Gated Attention (Qiu et al. 2025, arXiv 2505.06708)
ablates (Tables 1 and 4); ``added_parameters`` is Table 1's "Added Param" column. Kept
apart from the torch ``Gate`` module (``gates``, which re-exports these names) so that
experiment configs can name gates without loading torch.
"""
from __future__ import annotations

from dataclasses import dataclass

POSITIONS = {
    "g1": "after SDPA output (per head, before heads are merged)",
    "g2": "after the value projection",
    "g3": "after the key projection",
    "g4": "after the query projection",
    "g5": "after the dense output projection",
}
GRANULARITIES = ("elementwise", "headwise")
MODES = ("multiplicative", "additive")
ACTIVATIONS = ("sigmoid", "silu", "ns_sigmoid")


@dataclass(frozen=True)
class GateConfig:
    """One gate variant. The default is the paper's best: G1, elementwise, head-specific,
    multiplicative sigmoid, query-dependent (Table 1 "SDPA elementwise" / Table 4 "G1
    elementwise")."""

    position: str = "g1"
    granularity: str = "elementwise"
    head_specific: bool = True
    mode: str = "multiplicative"
    activation: str = "sigmoid"  # ns_sigmoid = 0.5 + 0.5*sigmoid (non-sparse, Table 4)
    input_dependent: bool = True

    def __post_init__(self) -> None:
        for name, value, allowed in (
            ("position", self.position, tuple(POSITIONS)),
            ("granularity", self.granularity, GRANULARITIES),
            ("mode", self.mode, MODES),
            ("activation", self.activation, ACTIVATIONS),
        ):
            if value not in allowed:
                raise ValueError(f"GateConfig.{name} must be one of {allowed}, got {value!r}")
        if self.position == "g5" and (self.granularity != "elementwise" or not self.head_specific):
            raise ValueError("a G5 gate (after the output projection) has no heads: "
                             "use granularity='elementwise', head_specific=True")

    def gate_shape(self, n_heads: int, head_dim: int) -> tuple[int, int]:
        """(heads, width) of the score tensor for a target of n_heads x head_dim.

        Head-shared gates use one head; headwise gates one scalar per head.
        """
        heads = n_heads if self.head_specific else 1
        width = head_dim if self.granularity == "elementwise" else 1
        return heads, width


@dataclass(frozen=True)
class ModelDims:
    """What added-parameter counts depend on."""

    n_layers: int
    d_model: int
    n_q_heads: int
    n_kv_heads: int
    head_dim: int


# Table 1's 15A2B MoE: 24 layers, hidden 2048, 32 query heads, 4 KV heads, head dim 128.
MOE_15A2B = ModelDims(n_layers=24, d_model=2048, n_q_heads=32, n_kv_heads=4, head_dim=128)


def added_parameters(cfg: GateConfig, dims: ModelDims) -> int:
    """Parameters a gate adds to the whole model (Table 1, "Added Param" column).

    W_θ maps the hidden state (d_model) to one logit per gated unit, per layer; an
    input-independent gate is just one learned logit per unit. With MOE_15A2B this gives
    201M for G1 elementwise and 1.6M for G1 headwise, as the paper lists.
    """
    if cfg.position == "g5":
        units = dims.d_model
    else:
        heads = dims.n_kv_heads if cfg.position in ("g2", "g3") else dims.n_q_heads
        h, w = cfg.gate_shape(heads, dims.head_dim)
        units = h * w
    per_layer = units * dims.d_model if cfg.input_dependent else units
    return per_layer * dims.n_layers
