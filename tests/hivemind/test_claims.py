"""Every hivemind claim can fail: each check is fed the null and the verdict follows.

``reproducing()`` builds metrics in the shape ``experiment.run`` returns, built through the
real paired test (``paired.paired_cells``) from per-(seed, prompt) differences.
"""
import json

import numpy as np
import pytest

from neurips25.common.io import to_jsonable
from neurips25.hivemind import claims
from neurips25.hivemind.paired import paired_cells, sign_flip_p
from neurips25.study import BAR_SOURCES, NOT_MEASURABLE, NOT_REPRODUCED, PARTLY, REPRODUCED

RNG = np.random.default_rng(0)


def cells(effect, n_seeds=3, n_prompts=16, noise=0.02):
    return paired_cells({s: (effect + noise * RNG.standard_normal(n_prompts)).tolist()
                         for s in range(n_seeds)})


def reproducing(effect=0.05, n_seeds=3):
    def t():
        return cells(effect, n_seeds)

    tuning = {name: {"intra_base": 0.6, "intra_tuned": 0.8, "vendi_base": 4.5,
                     "vendi_tuned": 2.3, "reward_base": 0.1, "reward_tuned": 0.9,
                     "intra_test": t(), "vendi_test": t()} for name in ("A-s0", "B-s0")}
    mono = {k: True for k in ("intra_similarity", "model_vendi", "inter_similarity")}
    return {
        "validation": {"monotone": mono, "sweeps": {}},
        "floor": 0.27, "report": {"overall": {"embedder": "minilm"}},
        "base_models": {"intra_similarity": 0.59, "share_above_threshold": 0.0},
        "same_vs_different_data": {**t(), "same_data": 0.56, "different_data": 0.52},
        "reward_tuning": tuning,
        "reward_tuning_cross_model": {**t(), "base": 0.53, "tuned": 0.58},
        "size": {**t(), "intra_small": 0.54, "intra_larger": 0.59},
        "rl_steps": 40,
    }


def verdicts(m):
    return {c.id: c.evaluate(m)["verdict"] for c in claims.CLAIMS}


PAIRED = ("shared_data_homogenizes", "reward_tuning_narrows", "shared_reward_homogenizes",
          "smallest_most_diverse")


def test_reproducing_metrics_reproduce_and_every_claim_states_its_bar():
    v = verdicts(reproducing())
    assert all(v[c] == REPRODUCED for c in (*PAIRED, "metrics_validated")), v
    for c in claims.CLAIMS:
        assert c.bar.split(":")[0] in BAR_SOURCES, c.id
    text = " ".join(c.paper_figure for c in claims.CLAIMS)
    assert "0.71-0.82" not in text or "unverified" in text
    assert "24%" not in text or "unverified" in text


@pytest.mark.parametrize("effect, expected", [(-0.05, NOT_REPRODUCED), (0.0, None)])
def test_null_and_reversed_effects_are_not_reproduced(effect, expected):
    v = verdicts(reproducing(effect))
    for cid in PAIRED:
        assert v[cid] != REPRODUCED, cid
        if expected is not None:
            assert v[cid] == expected, cid


def test_one_seed_or_disagreeing_seeds_are_at_most_partly():
    assert all(verdicts(reproducing(n_seeds=1))[c] == PARTLY for c in PAIRED)
    m = reproducing()
    # strong in one seed, reversed in the others: significant over cells is not enough
    m["size"] = {**paired_cells({0: [0.3] * 16, 1: [-0.02] * 16, 2: [-0.03] * 16}),
                 "intra_small": 0.5, "intra_larger": 0.6}
    assert verdicts(m)["smallest_most_diverse"] == PARTLY


def test_reasons_say_what_holds_by_construction():
    rows = {c.id: c.evaluate(reproducing()) for c in claims.CLAIMS}
    for cid in PAIRED:
        assert "By construction" in rows[cid]["reason"] and "measured" in rows[cid]["reason"]


def test_unvalidated_metrics_and_unmeasurable_levels():
    m = reproducing()
    m["validation"]["monotone"] = {"a": False, "b": False, "c": True}
    v = verdicts(m)
    assert v["metrics_validated"] == NOT_REPRODUCED
    for cid in ("intra_model_repetition", "inter_model_homogeneity", "judges_miscalibrated"):
        assert v[cid] == NOT_MEASURABLE


def test_json_round_trip_keeps_verdicts():
    for n_seeds in (1, 3):  # one seed: infinite interval bounds become null in JSON
        m = reproducing(n_seeds=n_seeds)
        assert verdicts(json.loads(json.dumps(to_jsonable(m)))) == verdicts(m)


def test_paired_tests_against_references():
    from scipy.stats import wilcoxon

    d = [0.3, -0.1, 0.2, 0.25, 0.05, 0.4]
    t = paired_cells({0: d[:3], 1: d[3:]})
    assert t["p_wilcoxon"] == pytest.approx(wilcoxon(d).pvalue)
    assert t["n"] == 6 and t["share_positive"] == pytest.approx(5 / 6)
    assert t["per_seed_mean"] == pytest.approx([np.mean(d[:3]), np.mean(d[3:])])
    # exact sign flip: all 2^6 sign patterns, count |mean| >= observed
    signs = np.array([[1 if (i >> j) & 1 else -1 for j in range(6)] for i in range(64)])
    expect = np.mean(np.abs(signs @ np.array(d)) / 6 >= abs(np.mean(d)) - 1e-12)
    assert sign_flip_p(np.array(d)) == pytest.approx(expect)
    assert sign_flip_p(np.zeros(0)) == 1.0
    # a large random sample: the Monte Carlo p stays in (0, 1] and is small for a real shift
    assert sign_flip_p(np.full(40, 0.1) + 0.01 * RNG.standard_normal(40)) < 0.001
