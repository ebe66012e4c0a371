"""Where the networks run: ``cpu`` (default) or a CUDA device, never required.

Environments, buffers and random generators stay on the CPU (so a run is deterministic by
seed on any machine); only the networks, their optimisers and each SGD batch move to the
device. A CUDA device that this machine lacks is a clear error, not a silent fallback.
"""
from __future__ import annotations

import torch


def resolve_device(name: str) -> torch.device:
    """``torch.device(name)`` after checking that this machine has it."""
    try:
        dev = torch.device(name)
    except RuntimeError as exc:
        raise ValueError(f"unknown device {name!r}: {exc}") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {name!r} requested but this machine has no CUDA device")
    if dev.type not in ("cpu", "cuda"):
        raise ValueError(f"device {name!r}: only cpu and cuda are supported")
    return dev


def module_device(module: torch.nn.Module) -> torch.device:
    """The device a module's parameters live on (cpu for a module without parameters)."""
    for p in module.parameters():
        return p.device
    return torch.device("cpu")
