"""Gated attention cost: G1 gate overhead vs ungated attention, SDPA fast path vs explicit.

Prints medians of repeated timings and ratios measured in the same run (single thread).
"""
from __future__ import annotations

import torch

from neurips25.common.threads import threads
from neurips25.common.timing import median_seconds
from neurips25.gated_attention.attention import GatedSelfAttention
from neurips25.gated_attention.gates import GateConfig


def _median_ms(fn) -> float:
    return 1e3 * median_seconds(fn, repeats=15, warmup=3)


def main() -> None:
    with threads(1):
        _bench()


def _bench() -> None:
    torch.manual_seed(0)
    x = torch.randn(8, 256, 256)
    variants = {"ungated": None, "G1 elementwise": GateConfig(),
                "G1 headwise": GateConfig(granularity="headwise")}
    mods = {k: GatedSelfAttention(256, 8, n_kv_head=2, gate=g) for k, g in variants.items()}

    def fwd_bwd(m, explicit=False):
        def step():
            out = m(x, return_internals=True)[0] if explicit else m(x)
            out.sum().backward()
        return step

    base = _median_ms(fwd_bwd(mods["ungated"]))
    print(f"forward+backward, B=8 T=256 d=256 8 heads (2 KV), 1 thread; ungated {base:.1f} ms")
    for name in ("G1 elementwise", "G1 headwise"):
        ms = _median_ms(fwd_bwd(mods[name]))
        print(f"  {name:15s} {ms:7.1f} ms  ratio to ungated {ms / base:.2f}x")
    with torch.no_grad():
        fast = _median_ms(lambda: mods["G1 elementwise"](x))
        slow = _median_ms(lambda: mods["G1 elementwise"](x, return_internals=True))
    print(f"forward only, G1 elementwise: SDPA path {fast:.1f} ms, explicit path (returns "
          f"probabilities) {slow:.1f} ms, explicit/SDPA {slow / fast:.2f}x")


if __name__ == "__main__":
    main()
