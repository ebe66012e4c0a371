import dataclasses

import pytest
import torch

from neurips25.common.executor import use_executor
from neurips25.common.progress import NullProgress
from neurips25.superposition import STUDY, Config, run
from neurips25.superposition.train import RunSpec, train_toy

TINY = Config(n=256, widths=(4, 8), weak_widths=(4, 8), profiles=("power", "linear"),
              weak_profiles=("power", "linear"), steps=200, batch=256, seeds=2)


@pytest.mark.slow
def test_tiny_sweep_direction_and_determinism(tmp_path):
    with use_executor("serial"):
        a = run(TINY, tmp_path / "a", NullProgress())
    with use_executor("local"):  # a spawned pool of one-thread workers
        b = run(TINY, tmp_path / "b", NullProgress())
    assert a == b  # same seeds, identical metrics on either executor
    assert a["seeds"] == [0, 1]
    runs = {(r["gamma"] < 0, r["profile"], r["m"], r["seed"]): r for r in a["runs"]}
    for profile in ("power", "linear"):
        for seed in (0, 1):
            # strong regime keeps every feature; weak decay drops most of them
            assert runs[(True, profile, 8, seed)]["represented_fraction"] > 0.9
            assert runs[(False, profile, 8, seed)]["represented_fraction"] < 0.5
            # wider is better in the strong regime
            assert runs[(True, profile, 8, seed)]["loss"] < runs[(True, profile, 4, seed)]["loss"]
        # dropped features carry the weak loss far more than the strong one
        assert a["fits"][f"weak/{profile}"]["unlearned_share"] > (
            a["fits"][f"strong/{profile}"]["unlearned_share"] + 0.5)
    assert set(a["fits"]) == {"strong/power", "strong/linear", "weak/power", "weak/linear"}
    assert a["fits"]["weak/power"]["alpha"] == 2.0 and a["fits"]["strong/power"]["alpha"] == 1.2
    strong = a["fits"]["strong/power"]
    assert len(strong["per_seed"]["loss_exponent"]) == 2
    assert strong["loss_exponent_ci"][0] <= strong["loss_exponent"] <= strong["loss_exponent_ci"][1]
    # the null: random unit rows have mean squared overlap ~ 1/m
    for m_ in (4, 8):
        rand = runs[(True, "power", m_, 0)]["mean_sq_overlap_random"]
        assert rand == pytest.approx(1 / m_, rel=0.15)
    for name in ("loss_vs_width.png", "overlap_vs_width.png", "represented_vs_width.png"):
        assert (tmp_path / "a" / name).stat().st_size > 1000
    rows = {c["id"]: c for c in STUDY.check_claims(a)}
    assert list(rows)[0] == "strong-1/m"
    assert not any(r["verdict"] == "check failed" for r in rows.values()), rows
    assert rows["llm-exponent"]["verdict"] == "not measurable here"


def test_finished_arms_are_not_rerun_and_threads_are_restored(tmp_path):
    cfg = dataclasses.replace(TINY, n=128, widths=(2, 4), weak_widths=(2, 4), profiles=("power",),
                              weak_profiles=("power",), steps=5, batch=16, seeds=1)
    before = torch.get_num_threads()
    with use_executor("serial"):
        first = run(cfg, tmp_path, NullProgress())
        assert torch.get_num_threads() == before
        arms = sorted((tmp_path / "arms").rglob("*.json"))
        assert len(cfg.specs()) == 4
        assert len(arms) == 2  # one arm per (profile, alpha, seed): strong and weak power
        stamps = {p: p.stat().st_mtime_ns for p in arms}
        arms[0].unlink()  # as if the sweep had been interrupted before this arm finished
        second = run(cfg, tmp_path, NullProgress())
    assert second == first
    assert arms[0].exists()  # re-run
    assert all(p.stat().st_mtime_ns == t for p, t in stamps.items() if p != arms[0])


def test_device_reaches_the_model():
    spec = RunSpec(n=64, m=4, gamma=-1.0, steps=2, batch=8)
    assert STUDY.takes_device and Config().device == "cpu"
    assert train_toy(spec, device="cpu") == train_toy(spec)
    if not torch.cuda.is_available():
        with pytest.raises((RuntimeError, AssertionError)):  # torch built without CUDA
            train_toy(spec, device="cuda")


def test_seed_changes_result():
    spec = RunSpec(n=64, m=4, gamma=-1.0, steps=20, batch=32)
    assert train_toy(spec) == train_toy(spec)
    assert train_toy(spec)["loss"] != train_toy(RunSpec(**{**spec.__dict__, "seed": 1}))["loss"]


def test_config_guards():
    with pytest.raises(ValueError, match="n/m >= 32"):
        Config(n=256, widths=(4, 16), weak_widths=(8,))
    with pytest.raises(ValueError, match="widths"):
        Config(n=256, widths=(0, 4), weak_widths=(8,))
    with pytest.raises(ValueError, match="weak widths"):
        Config(n=256, widths=(4,), weak_widths=(128,))
    assert Config.full().n / max(Config.full().widths) >= 32
    assert len(Config.quick().widths) >= 4
    assert Config.quick().seeds >= 3 and Config.full().seeds >= 3
    q = Config.quick()
    assert len(q.specs()) == q.seeds * (3 * len(q.widths) + 2 * len(q.weak_widths))
    with pytest.raises(ValueError, match="seeds"):
        Config(seeds=0)
