"""``--device``: where the torch studies run (cpu by default; cuda where present).

The same code runs the paper-scale presets on a GPU; nothing requires one. A device
that this machine does not have is a one-line error before any work starts.
"""
from __future__ import annotations

import re

from neurips25.common.errors import UserError

_DEVICE = re.compile(r"^(cpu|cuda(:\d+)?|mps)$")


def check_device(name: str) -> str:
    """``name`` if torch can use it here, else UserError naming what is missing."""
    if not _DEVICE.match(name):
        raise UserError(f"--device must be cpu, cuda, cuda:N or mps, got {name!r}")
    if name == "cpu":
        return name
    import torch

    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise UserError(f"--device {name}: no CUDA device on this machine")
        index = int(name.split(":")[1]) if ":" in name else 0
        if index >= torch.cuda.device_count():
            raise UserError(f"--device {name}: only {torch.cuda.device_count()} CUDA device(s)")
    elif not torch.backends.mps.is_available():
        raise UserError("--device mps: no MPS device on this machine")
    return name
