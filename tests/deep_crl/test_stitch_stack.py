"""Stacked seeds: the same losses and weights as the per-seed path; grouping, files, divergence."""
import dataclasses
import json

import pytest
import torch

from neurips25.deep_crl.stitch_data import StitchSpec
from neurips25.deep_crl.stitch_stack import check_group, fit_stacked
from neurips25.deep_crl.stitch_train import StitchArm, fit, prepare

DATA = StitchSpec(layout="u4", episodes=64)
CPU = torch.device("cpu")


def _arms(**kw):
    base = dict(width=16, depth=8, steps=6, batch_size=32, lr=1e-3)
    return [StitchArm(DATA, seed=s, **(base | kw)) for s in (0, 1, 2)]


@pytest.mark.parametrize("kw", [{}, dict(residual=False, layer_norm=False, init="swish_he")])
def test_stacked_fit_matches_the_per_seed_path(kw):
    arms = _arms(**kw)
    pairs = [prepare(a)[0] for a in arms]
    stacked = fit_stacked(arms, pairs, CPU)
    for arm, pr, (critic, curve, div) in zip(arms, pairs, stacked, strict=True):
        ref, ref_curve, ref_div = fit(arm, pr, CPU)
        assert not div and not ref_div and len(curve) == len(ref_curve) == 6
        torch.testing.assert_close(torch.tensor(curve), torch.tensor(ref_curve),
                                   rtol=1e-5, atol=1e-5)
        got, want = critic.state_dict(), ref.state_dict()
        assert got.keys() == want.keys()
        for k in want:
            torch.testing.assert_close(got[k], want[k], rtol=1e-4, atol=1e-5)
    # the members really differ (own init, own draws): not one model copied three times
    w = [c.sa_encoder.inp.weight for c, _, _ in stacked]
    assert not torch.allclose(w[0], w[1])


def test_a_diverged_member_stops_alone():
    arms = _arms(steps=4)
    pairs = [prepare(a)[0] for a in arms]
    pairs[1].obs[:] = float("nan")  # member 1's loss is NaN from the first step
    stacked = fit_stacked(arms, pairs, CPU)
    ref1 = fit(arms[1], pairs[1], CPU)
    assert stacked[1][2] and ref1[2] and stacked[1][1] == ref1[1] == []
    for s in (1,):  # kept its starting weights, as the per-seed path returns them
        for k, v in ref1[0].state_dict().items():
            torch.testing.assert_close(stacked[s][0].state_dict()[k], v)
    for s in (0, 2):
        ref = fit(arms[s], pairs[s], CPU)
        assert not stacked[s][2]
        torch.testing.assert_close(torch.tensor(stacked[s][1]), torch.tensor(ref[1]),
                                   rtol=1e-5, atol=1e-5)


def test_a_group_differs_only_by_seed():
    arms = _arms()
    check_group(arms)
    with pytest.raises(ValueError, match="only by seed"):
        check_group([arms[0], dataclasses.replace(arms[1], lr=1e-4)])
    with pytest.raises(ValueError, match="distinct"):
        check_group([arms[0], arms[0]])


def test_rounds_stack_seeds_into_groups_costliest_first():
    from neurips25.deep_crl.arms import run_stitch_arm, run_stitch_group, stack_seeds

    from .test_experiment import TOY

    units = stack_seeds(TOY.first_round("all"))
    groups = [u for u in units if u.fn is run_stitch_group]
    singles = [u for u in units if u.fn is run_stitch_arm]
    # plain sweep: one seed per (lr), so no group; every other stitching arm pairs seeds 0, 1
    assert {u.spec["lr"] for u in singles} == set(TOY.plain_lrs) and len(singles) == 2
    assert all([a["seed"] for a in g.spec["arms"]] == [0, 1] for g in groups)
    assert all(g.name.endswith("-s0+1") for g in groups)
    n = sum(len(g.spec["arms"]) for g in groups) + len(singles)
    assert n == len(TOY.first_round("all"))
    depth = [max(a["depth"] for a in g.spec["arms"]) for g in groups]
    assert depth[0] == max(TOY.stitch_depths)  # the deepest (costliest) group goes first
    # two seeds and two workers: merging would idle a worker, so the tasks stay apart
    from neurips25.deep_crl.arms import stitch_task

    two = [stitch_task(a) for a in _arms()[:2]]
    assert stack_seeds(two, workers=2) == two
    assert [u.fn for u in stack_seeds(two, workers=1)] == [run_stitch_group]


def test_stacked_round_writes_each_member_and_matches_the_per_seed_round(tmp_path):
    from neurips25.common.progress import NullProgress
    from neurips25.deep_crl.arms import run_round, stitch_task

    arms = _arms(depth=4, steps=3)
    tasks = [stitch_task(a) for a in arms]
    stacked = run_round(tasks, tmp_path / "a", 1, NullProgress(), stack=True)
    plain = run_round(tasks, tmp_path / "b", 1, NullProgress(), stack=False)
    assert list(stacked) == list(plain) == [t.name for t in tasks]
    for t in tasks:
        saved = json.loads(t.path(tmp_path / "a").read_text())
        assert saved["identity"] == json.loads(json.dumps(t.identity)) and saved["stacked"] == 3
        a, b = stacked[t.name], plain[t.name]
        torch.testing.assert_close(torch.tensor(a["loss_curve"]), torch.tensor(b["loss_curve"]),
                                   rtol=1e-5, atol=1e-5)
        assert a["val_loss"] == pytest.approx(b["val_loss"], rel=1e-4)
        assert a["far_accuracy"] == pytest.approx(b["far_accuracy"], abs=0.02)
    # a rerun reuses every member's file
    again = run_round(tasks, tmp_path / "a", 1, NullProgress(), stack=True)
    assert again == stacked
