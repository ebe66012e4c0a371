import math
import os

import pytest
import torch

from neurips25.common.stats import mean_ci, paired_diff_ci
from neurips25.common.threads import threads


def test_mean_ci_matches_t_formula():
    ci = mean_ci([1.0, 2.0, 3.0, 4.0])
    # sd = 1.291, t(0.975, 3) = 3.182 -> half width 2.054
    assert ci.mean == pytest.approx(2.5)
    assert ci.hi - ci.mean == pytest.approx(3.182446 * 1.2909944 / 2, rel=1e-5)
    assert not ci.excludes(2.0) and ci.excludes(10.0)


def test_one_seed_has_no_interval_and_decides_nothing():
    ci = mean_ci([0.7])
    assert math.isinf(ci.lo) and math.isinf(ci.hi)
    assert not ci.above(0.0) and not ci.below(1.0)


def test_paired_diff_sign():
    assert paired_diff_ci([2.0, 3.0, 4.1], [1.0, 2.1, 3.0]).above(0.0)
    assert not paired_diff_ci([1.0, 3.0, 0.0], [2.0, 1.0, 1.0]).above(0.0)
    with pytest.raises(ValueError):
        paired_diff_ci([1.0], [1.0, 2.0])


def test_threads_restores_caller_setting():
    before = torch.get_num_threads()
    with threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with pytest.raises(RuntimeError), threads(1):
        raise RuntimeError("boom")
    assert torch.get_num_threads() == before


def test_idle_cores_from_two_cpu_samples():
    from neurips25.common.threads import idle_cores

    cores = os.cpu_count() or 1
    samples = iter([(100.0, 1000.0), (100.0 + 90.0, 1000.0 + 100.0)])  # 90% idle in between
    got = idle_cores(0.0, sample=lambda: next(samples), sleep=lambda _: None)
    assert got == pytest.approx(0.9 * cores)
    busy = iter([(100.0, 1000.0), (100.0, 1100.0)])  # no idle time at all
    assert idle_cores(0.0, sample=lambda: next(busy), sleep=lambda _: None) == 0.0
    assert idle_cores(0.0, sample=lambda: None, sleep=lambda _: None) is None
    real = idle_cores(0.05)
    assert real is None or 0.0 <= real <= cores
