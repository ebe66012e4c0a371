"""Rotary position embedding (Su et al. 2021, arXiv 2104.09864), whole or partial head.

Rotate-half form on (B, T, H, D) tensors. Partial RoPE rotates only the first
``rotary_dim`` channels of each head and passes the rest through unchanged, as
Qwen3-Next does with ``partial_rotary_factor = 0.25`` (GPT-NeoX introduced the idea);
the rotated channels are split in halves and paired (i, i + rotary_dim / 2).
"""
from __future__ import annotations

from functools import lru_cache

import torch


def rotary_dim(head_dim: int, partial_rotary_factor: float = 1.0) -> int:
    """Channels RoPE rotates per head: int(head_dim * factor), which must be even and > 0."""
    if not 0.0 < partial_rotary_factor <= 1.0:
        raise ValueError(f"partial_rotary_factor must be in (0, 1], got {partial_rotary_factor}")
    dim = int(head_dim * partial_rotary_factor)
    if dim < 2 or dim % 2:
        raise ValueError(f"head_dim={head_dim} x partial_rotary_factor={partial_rotary_factor} "
                         f"gives {dim} rotated channels: need an even number >= 2 for RoPE")
    return dim


def rope(x: torch.Tensor, base: float = 10000.0, rot_dim: int | None = None) -> torch.Tensor:
    """Rotate the first ``rot_dim`` channels (default: all) of a (B, T, H, D) tensor.

    Position t rotates channel pair (i, i + rot_dim/2) by angle t * base^(-2i / rot_dim).
    """
    t, d = x.shape[1], x.shape[-1]
    r = d if rot_dim is None else rot_dim
    if r % 2 or not 0 < r <= d:
        raise ValueError(f"rot_dim={r} must be even and in (0, {d}]")
    cos, sin = _tables(t, r, float(base), x.dtype, x.device)
    xr = x if r == d else x[..., :r]  # no slice (and no zero-filled slice backward) if whole
    x1, x2 = xr[..., : r // 2], xr[..., r // 2 :]
    rotated = xr * cos + torch.cat([-x2, x1], -1) * sin
    return rotated if r == d else torch.cat([rotated, x[..., r:]], -1)


@lru_cache(maxsize=64)
def _tables(t: int, r: int, base: float, dtype: torch.dtype,
            device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """(cos, sin) of shape (1, t, 1, r), built once per shape: a small model calls ``rope``
    twice per layer and step, and rebuilding them was about a quarter of its cost.
    Built outside inference mode: a cached inference tensor could not be saved for backward."""
    with torch.inference_mode(False), torch.no_grad():
        inv = base ** (-torch.arange(0, r, 2, device=device, dtype=torch.float32) / r)
        ang = torch.arange(t, device=device, dtype=torch.float32)[:, None] * inv[None, :]
        cos = torch.cat([ang.cos(), ang.cos()], -1)[None, :, None, :].to(dtype)
        sin = torch.cat([ang.sin(), ang.sin()], -1)[None, :, None, :].to(dtype)
    return cos, sin
