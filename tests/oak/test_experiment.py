"""A small seeded run of the whole study: the direction of every finding, and bad configs."""
import dataclasses

import pytest

from neurips25.common.errors import UserError
from neurips25.common.progress import NullProgress
from neurips25.oak import STUDY, Config
from neurips25.study import REPRODUCED


@pytest.mark.slow
def test_small_run_shows_the_findings(tmp_path):
    cfg = dataclasses.replace(Config.quick(), steps=30_000, model_passes=2, sweeps=20,
                              utility_draws=2, checkpoints=3, seeds=2)
    m = STUDY.run(cfg, tmp_path, NullProgress())
    assert abs(m["v_star_start"] - 0.725118385) < 5e-10
    assert m["bellman_residual"] < 1e-10
    assert abs(m["v_star_with_rr_options"] - m["v_star_start"]) < 1e-9
    k = m["sweeps_to_near_optimal"]
    # exact hallway options are near-optimal after 2 sweeps; primitives need ~14
    assert k["rr options, exact"] <= 2 and k["primitives"] >= 10
    assert m["value_at"]["primitives"]["2"] < 0.1 < 0.9 * m["v_star_start"] < (
        m["value_at"]["rr options, exact"]["2"])
    assert m["penalty_entries_mean"]["rr"] < 0.5 * m["penalty_entries_mean"]["sp"]
    # per seed: learned models improve with experience, hallways win value added alone
    assert [r["seed"] for r in m["per_seed"]] == [0, 1]
    for r in m["per_seed"]:
        assert r["model_error_last"]["reward_rmse"] < r["model_error_first"]["reward_rmse"]
        assert r["value_at_2_learned_exact_models"] > 0.5 * m["v_star_start"]
    assert len(m["utility"]["gain_hallway"]) == 2 * cfg.utility_draws
    assert m["utility_mean"]["gain_hallway"] > m["utility_mean"]["gain_random"]
    rows = {r["id"]: r for r in STUDY.check_claims(m)}
    assert set(rows) == {"planning_speed", "avoid_penalty", "learned_models", "feature_utility"}
    assert rows["avoid_penalty"]["verdict"] == REPRODUCED
    assert not any(r["verdict"] == "check failed" for r in rows.values()), rows
    for name in ("value_vs_sweeps", "option_routes", "model_error", "feature_utility"):
        assert (tmp_path / f"{name}.png").stat().st_size > 1000


def test_serial_and_local_pool_agree_and_finished_seeds_are_not_rerun(tmp_path):
    from neurips25.common.executor import use_executor

    cfg = dataclasses.replace(Config.quick(), steps=2000, model_passes=1, sweeps=5,
                              utility_draws=1, utility_sweeps=2, checkpoints=2, seeds=2)
    with use_executor("serial"):
        a = STUDY.run(cfg, tmp_path / "a", NullProgress())
    with use_executor("local"):
        b = STUDY.run(cfg, tmp_path / "b", NullProgress())
    assert a == b and [r["seed"] for r in a["per_seed"]] == [0, 1]
    assert a["per_seed"][0] != a["per_seed"][1]  # independent streams
    cached = sorted((tmp_path / "a" / "arms").glob("*.json"))
    assert [p.stem for p in cached] == ["seed=0", "seed=1"]
    stamp = cached[0].stat().st_mtime_ns
    cached[1].unlink()  # interrupted before seed 1 finished
    with use_executor("serial"):
        again = STUDY.run(cfg, tmp_path / "a", NullProgress())
    assert again == a and cached[1].exists() and cached[0].stat().st_mtime_ns == stamp
    assert not STUDY.takes_device  # numpy only: no --device


def test_bad_config():
    with pytest.raises(UserError):
        Config(steps=10)
    with pytest.raises(UserError):
        Config(near_optimal=1.5)
    with pytest.raises(UserError):
        Config(seeds=0)
    assert Config.full().seeds >= Config.quick().seeds >= 3
