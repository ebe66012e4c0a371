"""Across-seed summaries: a mean with a confidence interval, and a paired comparison.

Claims that compare two conditions judge the across-seed mean with an interval, never
one draw. Student-t intervals (exact for normal noise, honest for the 3-10 seeds a CPU
run affords); with one seed the interval is infinite, so no comparative verdict can rest
on it.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class MeanCI:
    mean: float
    lo: float
    hi: float
    n: int
    level: float = 0.95

    def excludes(self, value: float) -> bool:
        """True if the whole interval lies strictly on one side of ``value``."""
        return self.lo > value or self.hi < value

    def above(self, value: float) -> bool:
        return self.lo > value

    def below(self, value: float) -> bool:
        return self.hi < value

    def fmt(self, digits: int = 3) -> str:
        if self.n < 2:
            return f"{self.mean:.{digits}g} (1 seed, no interval)"
        return (f"{self.mean:.{digits}g} [{self.lo:.{digits}g}, {self.hi:.{digits}g}] "
                f"({int(self.level * 100)}% CI, {self.n} seeds)")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def mean_ci(values: Sequence[float], level: float = 0.95) -> MeanCI:
    """Mean of ``values`` with a two-sided Student-t interval."""
    xs = [float(v) for v in values]
    if not xs:
        raise ValueError("mean_ci needs at least one value")
    if any(math.isnan(x) for x in xs):
        raise ValueError("mean_ci got NaN")
    n = len(xs)
    mean = sum(xs) / n
    if n < 2:
        return MeanCI(mean, -math.inf, math.inf, n, level)
    from scipy.stats import t

    sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / (n - 1))
    half = float(t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
    return MeanCI(mean, mean - half, mean + half, n, level)


def paired_diff_ci(a: Sequence[float], b: Sequence[float], level: float = 0.95) -> MeanCI:
    """Interval for mean(a - b) over seeds paired by index (same seed, two conditions)."""
    if len(a) != len(b):
        raise ValueError(f"paired values need equal lengths, got {len(a)} and {len(b)}")
    return mean_ci([x - y for x, y in zip(a, b, strict=True)], level)
