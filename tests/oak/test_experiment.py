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
                              utility_draws=2, checkpoints=3)
    m = STUDY.run(cfg, tmp_path, NullProgress())
    assert abs(m["v_star_start"] - 0.725118385) < 5e-10
    assert m["bellman_residual"] < 1e-10
    assert abs(m["v_star_with_rr_options"] - m["v_star_start"]) < 1e-9
    k = m["sweeps_to_near_optimal"]
    assert k["primitives"] is not None and k["rr options, exact"] is not None
    assert k["rr options, exact"] < k["primitives"]
    assert m["penalty_entries_mean"]["rr"] < m["penalty_entries_mean"]["sp"]
    rows = {r["id"]: r for r in STUDY.check_claims(m)}
    assert set(rows) == {"planning_speed", "avoid_penalty", "learned_models", "feature_utility"}
    assert rows["avoid_penalty"]["verdict"] == REPRODUCED
    assert all(r["measured"] != "n/a" for r in rows.values())
    for name in ("value_vs_sweeps", "option_routes", "model_error", "feature_utility"):
        assert (tmp_path / f"{name}.png").stat().st_size > 1000


def test_bad_config():
    with pytest.raises(UserError):
        Config(steps=10)
    with pytest.raises(UserError):
        Config(near_optimal=1.5)
    assert Config.full().learn_seeds > Config.quick().learn_seeds
