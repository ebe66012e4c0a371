"""The depth experiment end to end at toy size, and every claim's check fed its null case."""
import dataclasses
import json

import pytest

from neurips25.deep_crl import STUDY, Config
from neurips25.deep_crl.claims import (
    CLAIMS,
    check_ablation,
    check_depth_online,
    check_generalization,
    check_topology,
)
from neurips25.deep_crl.summary import online_summary, stitch_summary
from neurips25.study import (
    BAR_SOURCES,
    CHECK_FAILED,
    NOT_MEASURABLE,
    NOT_REPRODUCED,
    PARTLY,
    REPRODUCED,
)

TOY = Config(seeds=2, stitch_layout="u4", stitch_episodes=64, stitch_depths=(4, 8), stitch_width=8,
             stitch_steps=4, stitch_batch=16, plain_depth=8, plain_lrs=(3e-4, 1e-3), lever_batch=32,
             lever_obs_dim=6, lever_depths=(4, 8), lever_seeds=2, online=True, online_seeds=2,
             layout="u", depths=(4, 8), width=8, episode_length=16, num_envs=8, iterations=2,
             sgd_steps_per_iter=2, batch_size=16, eval_every=1, workers=1)


@pytest.mark.slow
def test_toy_experiment_runs_resumes_and_checks(tmp_path):
    from neurips25.common.progress import NullProgress

    metrics = STUDY.run(TOY, tmp_path, NullProgress())
    assert set(metrics["figures"]) == {p.name for p in tmp_path.glob("*.png")} == {
        "stitching.png", "q_maps.png", "depth_success.png", "learning_curves.png",
        "q_maps_online.png"}
    st, on = metrics["stitching"], metrics["online"]
    assert [s["seed"] for s in st["res"]["8"]["seeds"]] == [0, 1]  # per-seed values kept
    assert st["paired"]["far_accuracy_deep_minus_shallow"]["n"] == 2
    assert set(st["lever_batch"]["res"]) == set(st["lever_obs"]["res"]) == {"4", "8"}
    assert st["plain"]["best_lr"] in (3e-4, 1e-3) and len(st["plain"]["sweep"]) == 2
    # seed 1 ran at the best lr of the seed-0 sweep
    assert [s["seed"] for s in st["plain"]["best"]["seeds"]] == [0, 1]
    assert set(st["lever_batch"]["gain"]["8"]) == {"far_accuracy", "topology"}
    assert len(on["res"]["4"]["seeds"]) == 2
    assert on["paired"]["time_at_goal_far_deep_minus_shallow"]["n"] == 2
    rows = STUDY.check_claims(json.loads(json.dumps(metrics)))
    assert [r["verdict"] != CHECK_FAILED for r in rows] == [True] * len(CLAIMS), rows
    arm_files = sorted(tmp_path.glob("arms/*.json"))
    # online 2 depths x 2 seeds; stitching per seed 2 depths x (base, batch, obs); plain 2 lrs + 1
    assert len(arm_files) == 4 + 2 * 2 * 3 + 3 and not list(tmp_path.glob("arms/*.pt"))
    stamps = [f.stat().st_mtime_ns for f in arm_files]
    again = STUDY.run(TOY, tmp_path, NullProgress())  # finished arms are reused, not retrained
    assert [f.stat().st_mtime_ns for f in arm_files] == stamps
    assert again["stitching"] == json.loads(json.dumps(st))
    _partial_report_of_a_cut_short_sweep(tmp_path)


def _partial_report_of_a_cut_short_sweep(folder):
    """--partial judges on the finished arms only and names the missing ones."""
    from neurips25.deep_crl.sweep import partial

    (folder / "arms" / "res-d8-s1.json").unlink()  # as if the sweep stopped before this arm
    (folder / "arms" / "stitch-res-d8-w8-b16-o2-lr0.0003-s1.json").unlink()
    report = partial(TOY, folder, folder / "partial")
    assert report["arms_missing"] == ["stitch-res-d8-w8-b16-o2-lr0.0003-s1", "res-d8-s1"]
    on, st = report["metrics"]["online"], report["metrics"]["stitching"]
    assert on["paired"]["time_at_goal_far_deep_minus_shallow"]["n"] == 1  # seed 0 pairs only
    assert [s["seed"] for s in st["res"]["8"]["seeds"]] == [0]
    assert len(report["claims"]) == len(CLAIMS)
    assert (folder / "partial" / "partial.json").is_file()


# ---- claims on synthetic arm results: each check can pass, and its null case does not ----------
CFG = Config(seeds=3, stitch_depths=(4, 16), plain_depth=16, online=True, depths=(4, 64),
             online_seeds=3)
NO = NOT_REPRODUCED


def _stitch(kind, depth, seed, far=0.8, topo=0.0, val=3.0, lr=3e-4, diverged=False):
    return {"kind": kind, "depth": depth, "seed": seed, "lr": lr, "batch_size": 256, "obs_dim": 2,
            "far_accuracy": far, "near_accuracy": 0.9, "val_loss": None if diverged else val,
            "diverged": diverged, "topology": {"score": topo, "rho_geodesic": 0.5 + topo / 2,
                                               "rho_euclidean": 0.5 - topo / 2, "flat": False}}


def _stitch_metrics(far4, far16, topo4=(0.0,) * 3, topo16=(0.0,) * 3, plain_val=(3.0,) * 3,
                    res_val=(3.0,) * 3, plain_div=False):
    arms = []
    for s in range(3):
        arms.append(_stitch("res", 4, s, far4[s], topo4[s], 3.1))
        arms.append(_stitch("res", 16, s, far16[s], topo16[s], res_val[s]))
        for lr, bump in ((1e-4, 0.3), (3e-4, 0.0), (1e-3, 0.2)):  # best plain lr is 3e-4
            arms.append(_stitch("plain", 16, s, 0.6, 0.0, plain_val[s] + bump, lr, plain_div))
    return {"stitching": stitch_summary(arms, CFG)}


def _gen(far4, far16):
    return check_generalization(_stitch_metrics(far4, far16))[1]


def test_generalization_check_passes_and_fails():
    assert _gen((0.80, 0.82, 0.79), (0.90, 0.91, 0.88)) == REPRODUCED
    assert _gen((0.8, 0.82, 0.79), (0.8, 0.82, 0.79)) == NO  # null: depth changes nothing
    assert _gen((0.9, 0.91, 0.88), (0.8, 0.82, 0.79)) == NO  # reversed order
    # ahead on average only (one seed behind): the interval covers 0
    assert _gen((0.80, 0.82, 0.79), (0.95, 0.90, 0.70)) == PARTLY
    # saturated toy: the shallow critic is already right on far pairs
    assert _gen((0.99, 0.99, 0.99), (1.0, 1.0, 1.0)) == NO


def test_topology_check_passes_and_fails_on_stitching_critics():
    far = (0.8, 0.8, 0.8)
    m = _stitch_metrics(far, far, topo4=(-0.2, 0.0, -0.1), topo16=(0.3, 0.4, 0.35))
    assert check_topology(m)[1] == REPRODUCED
    assert check_topology(m)[0].startswith("stitching critics")

    def topo(t4, t16):
        return check_topology(_stitch_metrics(far, far, topo4=t4, topo16=t16))[1]

    assert topo((0.2,) * 3, (0.2,) * 3) == NO  # null: same topology
    assert topo((0.3,) * 3, (-0.3,) * 3) == NO  # reversed
    # deeper follows the maze more, but its Q still tracks Euclidean distance more than geodesic
    assert topo((-0.5, -0.6, -0.4), (-0.2, -0.3, -0.1)) == PARTLY


def test_ablation_check_passes_and_fails():
    far = (0.8, 0.8, 0.8)
    worse = _stitch_metrics(far, far, plain_val=(4.0, 4.2, 3.9), res_val=(3.0, 3.0, 2.9))
    assert check_ablation(worse)[1] == REPRODUCED
    # null: the plain net at its best lr trains as well as the residual one
    same = _stitch_metrics(far, far, plain_val=(3.0, 3.0, 2.9), res_val=(3.0, 3.0, 2.9))
    assert check_ablation(same)[1] == NO
    # worse than residual at its depth, but better than the shallow residual (3.1): no harm
    mid = _stitch_metrics(far, far, plain_val=(3.05, 3.02, 3.0), res_val=(2.9, 2.9, 2.8))
    assert check_ablation(mid)[1] == PARTLY
    # worse on average only (intervals cover 0) and not below the shallow residual: nothing shown
    loose = _stitch_metrics(far, far, plain_val=(3.05, 2.95, 3.0), res_val=(3.0, 3.0, 2.95))
    assert check_ablation(loose)[1] == NOT_REPRODUCED
    # a plain net that diverges at every lr counts at chance loss ln(256), not as missing
    div = _stitch_metrics(far, far, plain_div=True)
    assert check_ablation(div)[1] == REPRODUCED and "3 diverged" in check_ablation(div)[0]
    assert check_ablation({"stitching": {}})[1] == NOT_MEASURABLE


def _online(depth, seed, tag_far):
    row = {"success_near": 1.0, "success_far": min(1.0, tag_far / 50), "time_at_goal_near": 80.0,
           "time_at_goal_far": tag_far, "critic_loss": 4.0, "accuracy": 0.1}
    return {"depth": depth, "seed": seed, "history": [row] * 3,
            "topology": {"score": 0.0, "flat": False}}


def _online_metrics(tag4, tag64):
    arms = [_online(4, s, tag4[s]) for s in range(3)] + [_online(64, s, tag64[s]) for s in range(3)]
    far = (0.8, 0.8, 0.8)
    return {**_stitch_metrics(far, far), "online": online_summary(arms, CFG)}


def test_online_depth_check_passes_and_fails():
    assert check_depth_online(_online_metrics((5.0, 8.0, 6.0), (40.0, 55.0, 30.0)))[1] == REPRODUCED
    assert check_depth_online(_online_metrics((10.0, 12.0, 9.0), (10.0, 12.0, 9.0)))[1] == NO
    assert check_depth_online(_online_metrics((30.0, 20.0, 25.0), (5.0, 2.0, 0.0)))[1] == NO
    # ahead in every seed but by much less than 2x: partly
    assert check_depth_online(_online_metrics((20.0, 22.0, 21.0), (24.0, 25.0, 26.0)))[1] == PARTLY
    quick = _stitch_metrics((0.8,) * 3, (0.8,) * 3)
    assert check_depth_online(quick)[1] == NOT_MEASURABLE


def test_topology_uses_online_critics_when_the_sweep_ran():
    assert check_topology(_online_metrics((5.0,) * 3, (5.0,) * 3))[0].startswith("online critics")


def test_every_claim_states_where_its_bar_comes_from():
    for claim in CLAIMS:
        assert claim.bar.split(":")[0] in BAR_SOURCES, claim.id
    fig9 = next(c for c in CLAIMS if c.id == "deep_q_follows_maze")
    assert "U4-Maze" in fig9.paper_figure and "Fig. 9" in fig9.paper_figure


def test_config_validation_and_presets():
    with pytest.raises(ValueError, match="layout"):
        Config(layout="nope")
    with pytest.raises(ValueError, match="multiples of 4"):
        Config(stitch_depths=(4, 6))
    with pytest.raises(ValueError, match="plain_depth"):
        Config(plain_depth=8)
    with pytest.raises(ValueError, match="workers"):
        Config(workers=0)
    with pytest.raises(ValueError, match="lever_depths"):
        Config(lever_depths=(8,))
    quick, full = Config.quick(), Config.full()
    assert not quick.online and quick.online_arms() == [] and quick.seeds >= 3
    assert quick.stitch_depths == (4, 16, 32)  # the depths, >= 3 seeds, in the quick run
    assert max(full.depths) == 64 and full.online and full.online_seeds >= 2 and full.layout == "u4"
    arms = full.online_arms()
    first = [(a.critic_depth, a.seed) for a in arms[:6]]
    assert first == [(4, 0), (64, 0), (4, 1), (64, 1), (4, 2), (64, 2)]
    assert {a.device for a in arms} == {"cpu"}
    assert {a.seed for a in dataclasses.replace(full, seeds=2).online_arms()} == {0, 1}  # --seeds 2
    assert STUDY.config("quick", seeds=5).seeds == 5


def test_rounds_stitching_first_then_the_plain_seeds_at_the_sweeps_best_and_online():
    from neurips25.deep_crl.arms import run_online_arm, run_stitch_arm

    first = TOY.first_round("all")
    assert {t.fn for t in first} == {run_stitch_arm}  # online arms wait for round 2
    assert [t.spec["lr"] for t in first[:2]] == [3e-4, 1e-3] and first[0].spec["seed"] == 0
    assert TOY.first_round("online") == []
    swept = {t.name: _stitch("plain", 8, 0, val=2.0 if t.spec["lr"] == 1e-3 else 2.5,
                             lr=t.spec["lr"]) for t in first[:2]}
    second = TOY.second_round("all", swept)
    plain = [t for t in second if t.fn is run_stitch_arm]
    assert [(t.spec["seed"], t.spec["lr"]) for t in plain] == [(1, 1e-3)]  # the sweep's best
    assert [t.name for t in second if t.fn is run_online_arm] == [
        "res-d4-s0", "res-d8-s0", "res-d4-s1", "res-d8-s1"]
    assert [t.fn for t in TOY.second_round("stitch", swept)] == [run_stitch_arm]
    with pytest.raises(ValueError, match="part"):
        TOY.first_round("nope")


def test_round_reuses_saved_arms_without_dispatching_them(tmp_path, monkeypatch):
    import neurips25.common.executor as ex
    from neurips25.common.progress import NullProgress
    from neurips25.deep_crl.arms import run_round, stitch_task

    tasks = [stitch_task(a) for a in TOY.stitch_arms()[:2]]
    for t in tasks:  # files as a sweep writes them (also before the common executor)
        t.path(tmp_path).parent.mkdir(parents=True, exist_ok=True)
        t.path(tmp_path).write_text(json.dumps({"name": t.name, "identity": t.identity}))
    monkeypatch.setattr(ex, "run_arms", lambda *a, **k: pytest.fail("a finished arm was re-run"))
    out = run_round(tasks, tmp_path, 2, NullProgress())
    assert list(out) == [t.name for t in tasks]
    # an arm whose saved identity differs is dispatched, through the common executor
    stale = json.loads(tasks[1].path(tmp_path).read_text()) | {"identity": {"steps": 0}}
    tasks[1].path(tmp_path).write_text(json.dumps(stale))
    sent = []
    monkeypatch.setattr(ex, "run_arms", lambda arms, **k: sent.extend(arms) or {
        a.key: {"name": a.key, "identity": tasks[1].identity, "fresh": True} for a in arms})
    out = run_round(tasks, tmp_path, 2, NullProgress())
    assert [a.key for a in sent] == [tasks[1].name] and out[tasks[1].name]["fresh"]
    # the driver keeps the result of an arm whose worker could not write it (a remote node)
    assert json.loads(tasks[1].path(tmp_path).read_text())["fresh"]


def test_lever_interaction_says_whether_a_bigger_batch_pays_off_more_at_depth():
    cfg = dataclasses.replace(CFG, lever_batch=1024, lever_depths=(4, 16), plain_depth=0)

    def arms(gain4, gain16):
        out = []
        for s in range(3):
            for d, gain in ((4, gain4), (16, gain16)):
                base = _stitch("res", d, s, far=0.8 + 0.01 * s)
                out += [base, {**base, "batch_size": 1024, "far_accuracy": base["far_accuracy"]
                               + gain[s]}]
        return stitch_summary(out, cfg)["lever_batch"]["gain_deep_minus_shallow"]

    more = arms((0.0, 0.01, -0.01), (0.05, 0.06, 0.05))["far_accuracy"]
    assert more["lo"] > 0 and more["mean"] == pytest.approx(0.16 / 3)
    same = arms((0.02, 0.03, 0.01), (0.02, 0.03, 0.01))["far_accuracy"]  # null: no interaction
    assert same["mean"] == pytest.approx(0.0) and not same["lo"] > 0
