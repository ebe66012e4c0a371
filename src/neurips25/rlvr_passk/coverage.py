"""Which problems each model can solve at all (c > 0 among its n samples), and accuracy histograms.

The paper's Sec. 3 / Table 4 finding: problems solved by the RL model are (nearly) a subset
of those the base model solves given enough samples; RL rarely solves anything new.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HIST_LABELS = ("0", "(0,.1]", "(.1,.2]", "(.2,.3]", "(.3,.4]", "(.4,.5]", "(.5,.6]",
               "(.6,.7]", "(.7,.8]", "(.8,.9]", "(.9,1)", "1")


@dataclass(frozen=True)
class Coverage:
    both: list[str]
    base_only: list[str]
    rl_only: list[str]
    neither: list[str]

    def counts(self) -> dict[str, int]:
        return {"both": len(self.both), "base_only": len(self.base_only),
                "rl_only": len(self.rl_only), "neither": len(self.neither)}

    @property
    def rl_subset_fraction(self) -> float:
        """Share of RL-solved problems that the base model also solves (1.0 = strict subset)."""
        solved = len(self.both) + len(self.rl_only)
        return len(self.both) / solved if solved else float("nan")


def coverage(problem_ids: list[str], base_c: np.ndarray, rl_c: np.ndarray) -> Coverage:
    """Split problems by who solves them at least once (rows aligned with ``problem_ids``)."""
    b, r = np.asarray(base_c) > 0, np.asarray(rl_c) > 0
    pick = lambda mask: [p for p, m in zip(problem_ids, mask, strict=True) if m]  # noqa: E731
    return Coverage(pick(b & r), pick(b & ~r), pick(~b & r), pick(~b & ~r))


def accuracy_histogram(n: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Problem counts per accuracy bin ``HIST_LABELS``: exactly 0, ten (lo, hi] bins, exactly 1."""
    acc = np.asarray(c, dtype=np.float64) / np.asarray(n)
    out = np.zeros(len(HIST_LABELS), dtype=np.int64)
    out[0] = int(np.sum(acc == 0))
    out[-1] = int(np.sum(acc == 1))
    mid = acc[(acc > 0) & (acc < 1)]
    idx = np.minimum(np.ceil(mid * 10).astype(np.int64), 10)  # (0,.1] -> 1 ... (.9,1) -> 10
    np.add.at(out, idx, 1)
    return out
