"""Seeded small runs of both arms: the direction of the finding, not its size."""
import math

import pytest

from neurips25.common.progress import NullProgress
from neurips25.diffusion_memorization import STUDY
from neurips25.diffusion_memorization.experiment import Config, run_digits, run_random_features


@pytest.mark.slow
def test_random_features_tau_gen_flat_tau_mem_grows():
    cfg = Config(rf_d=32, rf_psi_p=80, rf_psi_ns=(4.0, 8.0, 12.0))
    rf = run_random_features(cfg, NullProgress())
    assert rf["n_at_s2"] == rf["expected_at_s2"]
    assert rf["tau_gen_ratio"] < 1.5
    assert rf["tau_mem"][0] < rf["tau_mem"][1] < rf["tau_mem"][2]
    assert rf["tau_mem_loglog_slope"] > 0.5


@pytest.mark.slow
def test_digits_small_n_memorizes_first():
    # a high learning rate and no EMA so that n = 4 memorizes within ~1k steps
    cfg = Config(ns=(4, 64), steps=1200, lr=6e-3, ema=0.0, n_checks=6, first_check=200,
                 n_samples=128, ddim_steps=20, workers=1)
    dg = run_digits(cfg, NullProgress())
    small, large = dg["runs"]["4"], dg["runs"]["64"]
    assert small["f_mem"][-1] >= large["f_mem"][-1] + 0.05
    assert math.isfinite(dg["tau_mem"][0]) and dg["heldout_baseline"][0] < 0.05
    rf = run_random_features(Config(rf_d=16, rf_psi_p=50, rf_psi_ns=(2.0, 4.0)), NullProgress())
    rows = STUDY.check_claims({"rf": rf, "digits": dg})
    assert {r["id"] for r in rows} >= {"tau_mem_linear", "rf_tau_mem_linear", "collapse"}
    assert all("check failed" not in r["reason"] for r in rows)
