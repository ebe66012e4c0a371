import pytest

from neurips25.common.progress import NullProgress
from neurips25.superposition import STUDY, Config, run
from neurips25.superposition.train import RunSpec, train_toy

TINY = Config(n=256, widths=(4, 8), profiles=("power", "linear"), steps=200, batch=256, workers=1)


@pytest.mark.slow
def test_tiny_sweep_direction_and_determinism(tmp_path):
    a = run(TINY, tmp_path / "a", NullProgress())
    b = run(TINY, tmp_path / "b", NullProgress())
    assert a == b  # same seed, identical metrics
    runs = {(r["gamma"] < 0, r["profile"], r["m"]): r for r in a["runs"]}
    for profile in ("power", "linear"):
        # strong regime keeps every feature; weak decay drops most of them
        assert runs[(True, profile, 8)]["represented_fraction"] > 0.9
        assert runs[(False, profile, 8)]["represented_fraction"] < 0.5
    # wider is better in the strong regime
    assert runs[(True, "power", 8)]["loss"] < runs[(True, "power", 4)]["loss"]
    assert set(a["fits"]) == {"strong/power", "strong/linear", "weak/power", "weak/linear"}
    for name in ("loss_vs_width.png", "overlap_vs_width.png", "represented_vs_width.png"):
        assert (tmp_path / "a" / name).stat().st_size > 1000
    claims = STUDY.check_claims(a)
    assert [c["id"] for c in claims][0] == "strong-1/m"
    assert all(c["verdict"] in ("reproduced", "partly", "not reproduced", "not measurable here")
               for c in claims)
    assert not any(c["reason"].startswith("check failed") for c in claims)


def test_seed_changes_result():
    spec = RunSpec(n=64, m=4, gamma=-1.0, steps=20, batch=32)
    assert train_toy(spec) == train_toy(spec)
    assert train_toy(spec)["loss"] != train_toy(RunSpec(**{**spec.__dict__, "seed": 1}))["loss"]


def test_config_guards():
    with pytest.raises(ValueError, match="n/m >= 32"):
        Config(n=256, widths=(4, 16))
    with pytest.raises(ValueError, match="widths"):
        Config(n=256, widths=(0, 4))
    assert Config.full().n / max(Config.full().widths) >= 32
    assert len(Config.quick().widths) >= 4
