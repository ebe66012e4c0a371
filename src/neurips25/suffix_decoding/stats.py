"""GenStats: what one request (or a sum of requests) cost, step by step and phase by phase.

One stats type for the decoder, the end-to-end experiment and the trace simulation.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["GenStats"]


@dataclass
class GenStats:
    """Per-request accounting (``steps`` = model calls after the prefill) and where time went.

    ``spec_s`` is the proposer's time (drafting plus indexing, ``index_s`` the latter);
    ``mask_s`` building ids/positions/tree mask; ``forward_s`` the model forward;
    ``accept_s`` choosing tokens; ``compact_s`` KV-cache compaction; ``glue_s`` the rest
    of the loop (bookkeeping, callbacks).
    """

    steps: int = 0
    emitted: int = 0
    accepted: list[int] = field(default_factory=list)  # draft tokens accepted per step
    drafted: list[int] = field(default_factory=list)  # draft tokens verified per step
    spec_s: float = 0.0
    index_s: float = 0.0
    mask_s: float = 0.0
    forward_s: float = 0.0
    accept_s: float = 0.0
    compact_s: float = 0.0
    prefill_s: float = 0.0
    total_s: float = 0.0

    @property
    def tokens_per_step(self) -> float:
        return self.emitted / max(self.steps, 1)

    def rates(self) -> dict[str, float]:
        """Tokens, accepted and drafted tokens per step, and the acceptance rate."""
        steps, acc, drafted = max(self.steps, 1), sum(self.accepted), sum(self.drafted)
        return {"tokens_per_step": self.emitted / steps, "accepted_per_step": acc / steps,
                "drafted_per_step": drafted / steps, "acceptance_rate": acc / max(drafted, 1)}

    @property
    def glue_s(self) -> float:
        parts = (getattr(self, f) for f in _PHASES if f != "index_s")  # index_s is in spec_s
        return max(0.0, self.total_s - sum(parts))

    def add(self, other: GenStats) -> None:
        """Accumulate another request's stats (sums; per-step lists concatenated)."""
        for f in ("steps", "emitted", *_PHASES, "total_s"):
            setattr(self, f, getattr(self, f) + getattr(other, f))
        self.accepted += other.accepted
        self.drafted += other.drafted

    def as_dict(self) -> dict[str, Any]:
        return {"steps": self.steps, "emitted": self.emitted,
                "accepted_per_step": self.accepted, "drafted_per_step": self.drafted,
                "tokens_per_step": self.tokens_per_step,
                **{f: getattr(self, f) for f in _PHASES},
                "glue_s": self.glue_s, "total_s": self.total_s}


_PHASES = ("spec_s", "index_s", "mask_s", "forward_s", "accept_s", "compact_s", "prefill_s")
