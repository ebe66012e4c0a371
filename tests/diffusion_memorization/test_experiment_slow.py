"""Seeded small runs of both arms: the direction and the size of the finding."""
import math

import numpy as np
import pytest

from neurips25.common.executor import use_executor
from neurips25.common.io import to_jsonable
from neurips25.common.progress import NullProgress
from neurips25.diffusion_memorization import STUDY
from neurips25.diffusion_memorization.experiment import (
    Config,
    run,
    run_digits,
    run_random_features,
)
from neurips25.study import NOT_MEASURABLE, PARTLY, REPRODUCED


@pytest.mark.slow
def test_random_features_tau_gen_flat_tau_mem_grows():
    cfg = Config(rf_d=32, rf_psi_p=80, rf_psi_ns=(4.0, 8.0, 12.0), rf_spectrum_d=12)
    rf = run_random_features(cfg, NullProgress())
    # dense eigvalsh of U: p - n - d eigenvalues at s_t^2, d spikes well above the n-bulk
    assert rf["n_at_s2"] == rf["expected_at_s2"] == [960 - 48 - 12, 960 - 96 - 12, 960 - 144 - 12]
    assert min(rf["spike_gap"]) > 5
    assert rf["tau_gen_ratio"] < 1.5
    assert rf["tau_mem"][0] < rf["tau_mem"][1] < rf["tau_mem"][2]
    assert 0.75 <= rf["tau_mem_loglog_slope"] <= 1.25  # proportional to psi_n
    # measured tau_gen within a factor 3 of the spike timescale 1/(Delta mu1^2)
    ratio = np.asarray(rf["tau_gen"]) / np.asarray(rf["pred_tau_gen"])
    assert np.all((ratio > 1 / 3) & (ratio < 3)), ratio
    rows = {r["id"]: r for r in STUDY.check_claims({"rf": rf, "digits": {}})}
    assert rows["rf_spectrum"]["verdict"] == REPRODUCED
    assert rows["rf_tau_mem_linear"]["verdict"] == REPRODUCED


@pytest.mark.slow
def test_digits_small_n_memorizes_first():
    # a high learning rate and no EMA so that n = 4 memorizes within ~1.5k steps; two seeds
    # every member trains to the end (final_f_mem compares the sizes at the last step)
    cfg = Config(ns=(4, 64), steps=1600, lr=6e-3, ema=0.0, n_checks=7, first_check=200,
                 n_samples=128, ddim_steps=20, groups=1, seeds=2, stop_memorized=False)
    dg = run_digits(cfg, NullProgress())
    assert dg["seeds"] == [0, 1] and len(dg["per_seed"]) == 2
    for seed in dg["per_seed"]:
        assert math.isfinite(seed["tau_mem"][0]) and seed["heldout_baseline"][0] < 0.05
        assert seed["final_f_mem"][0] >= seed["final_f_mem"][1] + 0.05  # n = 4 copies, n = 64 not
    assert not dg["reached"][1]  # n = 64 never memorizes in 1600 steps
    rf = run_random_features(Config(rf_d=16, rf_psi_p=50, rf_psi_ns=(2.0, 4.0), rf_spectrum_d=8),
                             NullProgress())
    rows = {r["id"]: r for r in STUDY.check_claims({"rf": rf, "digits": dg})}
    # n = 64 never memorized: its window is a lower bound, still wider than n = 4's
    assert rows["window_widens"]["verdict"] in (REPRODUCED, PARTLY)
    assert rows["tau_mem_linear"]["verdict"] == NOT_MEASURABLE  # only one size memorized
    assert rows["collapse"]["verdict"] == NOT_MEASURABLE
    assert not any(r["verdict"] == "check failed" for r in rows.values()), rows


TINY = Config(rf_d=8, rf_psi_p=20, rf_psi_ns=(2.0, 4.0), rf_spectrum_d=6, ns=(4, 8), steps=20,
              first_check=10, n_checks=2, n_samples=16, ddim_steps=5, width=16, blocks=1,
              seeds=2, groups=2)


def same(a, b) -> bool:
    """Equal, with NaN (a time never reached) equal to NaN."""
    return to_jsonable(a) == to_jsonable(b)


def test_serial_and_local_pool_agree_and_finished_arms_are_not_rerun(tmp_path):
    import torch

    assert STUDY.takes_device and TINY.device == "cpu"
    before = torch.get_num_threads()
    with use_executor("serial"):
        a = run(TINY, tmp_path / "a", NullProgress())
    assert torch.get_num_threads() == before
    with use_executor("local"):
        b = run(TINY, tmp_path / "b", NullProgress())
    for m in (a, b):  # worker CPU seconds are measured, not a result
        m["digits"].pop("cpu_seconds_workers")
    assert same(a, b) and a["digits"]["seeds"] == [0, 1] and a["rf"]["psi_n"] == [2.0, 4.0]
    cached = sorted((tmp_path / "a" / "arms").rglob("*.json"))
    assert [p.relative_to(tmp_path / "a" / "arms").as_posix() for p in cached] == [
        "digits/group=0.json", "digits/group=1.json", "rf/psi_n=2.json", "rf/psi_n=4.json"]
    stamps = {p: p.stat().st_mtime_ns for p in cached}
    cached[1].unlink()  # interrupted before this group finished
    with use_executor("serial"):
        again = run(TINY, tmp_path / "a", NullProgress())
    again["digits"].pop("cpu_seconds_workers")
    assert same(again, a) and cached[1].exists()
    assert all(p.stat().st_mtime_ns == t for p, t in stamps.items() if p != cached[1])


def test_device_reaches_the_networks():
    import dataclasses

    import torch

    from neurips25.diffusion_memorization.experiment import _digit_arms

    arms = _digit_arms(dataclasses.replace(TINY, device="cuda"))
    assert all(a.args[0].device == "cuda" for a in arms)
    if not torch.cuda.is_available():
        with pytest.raises((RuntimeError, AssertionError)):  # torch built without CUDA
            arms[0]()
