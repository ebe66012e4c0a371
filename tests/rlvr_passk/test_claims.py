"""Claim checks follow the measurement: they fail when the finding is absent."""
from neurips25.rlvr_passk import claims
from neurips25.study import NOT_MEASURABLE, NOT_REPRODUCED, PARTLY, REPRODUCED


def main_summary(base1, rl1, d1, baseK, rlK, dK, k_star, rl_only=0):
    return {"main": {"base_pass1": base1, "rl_pass1": rl1, "diff_pass1": d1, "base_passK": baseK,
                     "rl_passK": rlK, "diff_passK": dK, "big_k": 256, "k_star": k_star,
                     "k_star_boot_q025_q50_q975": None,
                     "coverage": {"both": 50, "rl_only": rl_only, "base_only": 10, "neither": 0}},
            "n_problems": 60}


def test_crossover_and_small_k_verdicts():
    crossing = main_summary(0.4, 0.5, [0.1, 0.05, 0.15], 1.0, 0.6, [-0.4, -0.5, -0.3], 4)
    assert claims._rl_wins_at_1(crossing)[1] == REPRODUCED
    assert claims._crossover(crossing)[1] == REPRODUCED
    no_cross = main_summary(0.4, 0.5, [0.1, 0.05, 0.15], 0.8, 0.9, [0.1, 0.05, 0.15], None)
    assert claims._crossover(no_cross)[1] == NOT_REPRODUCED
    worse = main_summary(0.5, 0.4, [-0.1, -0.15, -0.05], 1.0, 0.9, [-0.1, -0.2, 0.0], None)
    assert claims._rl_wins_at_1(worse)[1] == NOT_REPRODUCED


def test_subset_verdicts():
    assert claims._subset(main_summary(0, 0, [0] * 3, 0, 0, [0] * 3, None, rl_only=0))[1] == REPRODUCED
    assert claims._subset(main_summary(0, 0, [0] * 3, 0, 0, [0] * 3, None, rl_only=1))[1] == PARTLY
    assert claims._subset(main_summary(0, 0, [0] * 3, 0, 0, [0] * 3, None, rl_only=9))[1] == NOT_REPRODUCED


def test_longer_rl_verdicts():
    t = {"steps": [1, 2, 3], "pass1": [0.3, 0.4, 0.5], "passK": [0.9, 0.8, 0.7],
         "last_minus_first_pass1": [0.2, 0.1, 0.3], "last_minus_first_passK": [-0.2, -0.3, -0.1]}
    m = {"big_k": 256, "rl_trajectory": t}
    assert claims._longer_rl(m)[1] == REPRODUCED
    t["last_minus_first_pass1"] = [0.002, -0.01, 0.014]  # saturated: CI includes 0
    assert claims._longer_rl(m)[1] == PARTLY
    t["passK"], t["last_minus_first_passK"] = [0.7, 0.8, 0.9], [0.2, 0.1, 0.3]
    assert claims._longer_rl(m)[1] == NOT_REPRODUCED


def test_unconverged_base_is_not_measurable():
    m = {"pretrain_converged": False, "pretrain_final_loss": 1.5}
    rows = [c.evaluate(m) for c in claims.CLAIMS]
    assert all(r["verdict"] == NOT_MEASURABLE and "plateau" in r["reason"] for r in rows)


def test_perplexity_verdicts():
    def m(base, rl, share):
        return {"perplexity_under_base_median": {"base": base, "rl": rl, "distill": 1.7},
                "perplexity_rl_share_below_base_q90": share}
    assert claims._perplexity(m(1.08, 1.05, 0.95))[1] == REPRODUCED
    assert claims._perplexity(m(1.0814, 1.0815, 0.8))[1] == PARTLY  # equal medians, fat tail
    assert claims._perplexity(m(1.08, 1.7, 0.2))[1] == NOT_REPRODUCED
