import math

import numpy as np
import pytest

from neurips25.diffusion_memorization import timescales as ts


def test_crossing_is_exact_for_log_linear_curves():
    steps = np.array([10, 100, 1000, 10000.0])
    assert ts.crossing_time(steps, np.log10(steps), math.log10(300)) == pytest.approx(300)
    assert ts.crossing_time(steps, -np.log10(steps), -math.log10(50), "down") == pytest.approx(50)
    assert math.isnan(ts.crossing_time(steps, np.zeros(4), 1.0))
    assert ts.crossing_time(steps, np.ones(4), 0.5) == 10  # already above at the first point


@pytest.mark.parametrize("steps,values", [([1, 1, 2], [0, 1, 2]), ([0, 1, 2], [0, 1, 2]),
                                          ([1, 2], [0, 1, 2])])
def test_crossing_rejects_bad_steps(steps, values):
    with pytest.raises(ValueError):
        ts.crossing_time(steps, values, 0.5)


def test_linear_fit_recovers_line_and_ignores_unreached():
    fit = ts.fit_linear([16, 32, 64, 128],
                        [1000 + 30 * 16, 1000 + 30 * 32, 1000 + 30 * 64, math.nan])
    assert fit.tau0 == pytest.approx(1000) and fit.c == pytest.approx(30)
    assert fit.r2 == pytest.approx(1)
    assert fit.n_points == 3
    with pytest.raises(ValueError):
        ts.fit_linear([16, 32], [100, math.nan])


def test_loglog_slope_of_power_law():
    x = np.array([1, 2, 4, 8.0])
    assert ts.loglog_slope(x, 5 * x**1.3) == pytest.approx(1.3)


def test_collapse_spread_prefers_the_right_scaling():
    steps = np.logspace(1, 4, 40)
    curves = {n: (steps, 1 / (1 + n / steps * 50)) for n in (16, 32, 64)}  # f depends on steps/n
    assert ts.collapse_spread(curves, scale=True) < 1e-2 < ts.collapse_spread(curves, scale=False)


def test_tau_gen_from_curve_on_exponential_decay():
    steps = np.logspace(0, 4, 200)
    q = 1 + 100 * np.exp(-steps / 100)
    t = ts.tau_gen_from_curve(steps, q, frac=0.1)
    # log q falls 90% of the way from log(101) to ~log(1): q = 101^0.1 -> 100 e^(-t/100) = 0.587
    assert t == pytest.approx(-100 * math.log((101**0.1 - 1) / 100), rel=0.02)


def test_common_level_is_reached_by_every_run_that_improved_even_from_different_starts():
    # n = 4 starts high and barely improves; n = 64 starts low: a bar slacked toward the mean
    # first value (6.8) would sit below n = 4's best (8.0) and n = 4 would never reach it
    steps = [200, 283, 400, 566]
    curves = {4: (steps, [8.46, 8.01, 12.1, 15.3]), 64: (steps, [5.11, 7.83, 3.84, 2.99])}
    taus, level = ts.tau_at_common_level(curves)
    assert 8.01 <= level <= 8.46
    assert 200 < taus[4] < 283 and taus[64] == 200
    # a run that never improves sets the bar at its first value: every run is at it at once
    taus, level = ts.tau_at_common_level({**curves, 8: (steps, [9.0, 9.5, 9.7, 9.9])})
    assert level == pytest.approx(9.0) and taus == {4: 200, 64: 200, 8: 200}
