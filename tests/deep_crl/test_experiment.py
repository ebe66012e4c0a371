"""The depth experiment end to end at toy size: arms, resumability, figures, claims that can fail."""
import json

import pytest

from neurips25.deep_crl import STUDY, Config
from neurips25.deep_crl.claims import check_ablation, check_depth, check_topology
from neurips25.study import NOT_REPRODUCED, PARTLY, REPRODUCED, VERDICTS

TOY = Config(layout="u", depths=(4, 8), plain_depth=8, width=8, num_envs=8, episode_length=16,
             iterations=2, sgd_steps_per_iter=2, batch_size=16, eval_every=1, workers=1, n_seeds=1)


@pytest.mark.slow
def test_toy_experiment_runs_resumes_and_checks(tmp_path):
    from neurips25.common.progress import NullProgress

    metrics = STUDY.run(TOY, tmp_path, NullProgress())
    assert {p.name for p in tmp_path.glob("*.png")} == {"depth_success.png", "learning_curves.png", "q_maps.png"}
    assert set(metrics["summary"]) == {"res", "plain"} and set(metrics["summary"]["res"]) == {"4", "8"}
    rows = STUDY.check_claims(json.loads(json.dumps(metrics)))
    assert [r["verdict"] in VERDICTS for r in rows] == [True] * 4
    assert all(not r["reason"].startswith("check failed") for r in rows)
    arm_files = sorted(tmp_path.glob("arms/*.json"))
    assert len(arm_files) == 3 and not list(tmp_path.glob("arms/*.pt"))
    stamps = [f.stat().st_mtime_ns for f in arm_files]
    STUDY.run(TOY, tmp_path, NullProgress())  # finished arms are reused, not retrained
    assert [f.stat().st_mtime_ns for f in arm_files] == stamps


def _metrics(far=(0.0, 0.0), topo=(0.0, 0.0), plain_loss=4.0, res_loss=4.0, plain_tag=10.0, res_tag=10.0):
    def slot(success_far, topology, loss, tag):
        s = {"success_far": success_far, "success_near": 1.0, "time_at_goal_far": 30 * success_far,
             "time_at_goal_near": tag, "critic_loss": loss, "topology": topology}
        return {**s, "seeds": [s]}

    return {"summary": {"res": {"4": slot(far[0], topo[0], 4.0, 10.0), "16": slot(far[1], topo[1], res_loss, res_tag)},
                        "plain": {"16": slot(0.0, 0.0, plain_loss, plain_tag)}},
            "shallow_depth": 4, "deep_depth": 16, "plain_depth": 16, "episode_length": 50,
            "sgd_steps_per_arm": 100, "env_steps_per_arm": 1000}


def test_claim_checks_can_pass_and_fail():
    assert check_depth(_metrics(far=(0.1, 0.6)))[1] == REPRODUCED
    assert check_depth(_metrics(far=(0.3, 0.38)))[1] == PARTLY
    assert check_depth(_metrics(far=(0.0, 0.0)))[1] == NOT_REPRODUCED
    assert check_depth(_metrics(far=(0.6, 0.1)))[1] == NOT_REPRODUCED
    assert check_topology(_metrics(topo=(-0.3, 0.2)))[1] == REPRODUCED
    assert check_topology(_metrics(topo=(0.2, -0.3)))[1] == NOT_REPRODUCED
    assert check_ablation(_metrics(plain_loss=5.0, res_loss=4.0, plain_tag=2.0, res_tag=30.0))[1] == REPRODUCED
    assert check_ablation(_metrics(plain_loss=4.0, res_loss=4.0, plain_tag=10.0, res_tag=10.0))[1] == NOT_REPRODUCED


def test_config_validation():
    with pytest.raises(ValueError, match="layout"):
        Config(layout="nope")
    with pytest.raises(ValueError, match="multiples of 4"):
        Config(depths=(4, 6))
    assert Config.quick().seed == 0 and max(Config.full().depths) == 64
