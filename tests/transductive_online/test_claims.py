"""Every claim check can fail: fed the null (a wrong table, a violated bound), it does."""
import copy

import pytest

from neurips25.study import NOT_MEASURABLE, NOT_REPRODUCED, PARTLY, REPRODUCED
from neurips25.transductive_online.claims import CLAIMS

CHECK = {c.id: c for c in CLAIMS}


def good():
    """Metrics shaped like experiment.run's, with the values an exact run gives."""
    return {
        "littlestone": {"classes": 900, "checked_by_definition": 500, "n_mismatches": 0},
        "exhaustive": {"3": {"orbits": 22},
                       "4": {"orbits": 401, "classes": 65535, "gap_classes": 2880,
                             "pairs": {"3,2": 2880, "3,3": 30626}}},
        "bounds": {"classes": 900, "n_over_ld": 0, "n_over_halving": 0, "n_strict": 3000},
        "families": {
            "all_functions": {str(d): {"ld": d, "m_tr": d} for d in range(1, 7)},
            "minimal_tree": {str(k): {"ld": k + 1, "m_tr": k + 1, "bfs_rank": k + 1}
                             for k in range(1, 6)}},
        "theorem_c2": {"classes": 400, "n_violations": 0,
                       "tight": {"thresholds N=7": {"m_tr": 3, "shortest": 7, "bound": 7}}},
        "products": {"powers": {"1": {"ld": 3, "m_tr": 2}, "2": {"ld": 6, "m_tr": 4}},
                     "additivity_pairs": 20, "n_additivity_failures": 0},
    }


def verdict(claim_id, metrics):
    return CHECK[claim_id].evaluate(metrics)["verdict"]


def test_the_exact_values_reproduce_every_checkable_claim():
    for claim in CLAIMS:
        want = NOT_MEASURABLE if "sqrt" in claim.id else REPRODUCED
        assert verdict(claim.id, good()) == want, claim.id


def _with(path, value):
    m = good()
    node = m
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return m


@pytest.mark.parametrize("claim_id, path, value, want", [
    ("littlestone_theorem", ("littlestone", "n_mismatches"), 1, NOT_REPRODUCED),
    ("littlestone_theorem", ("littlestone", "classes"), 0, NOT_MEASURABLE),
    ("transductive_bounds", ("bounds", "n_over_ld"), 1, NOT_REPRODUCED),
    ("transductive_bounds", ("bounds", "n_over_halving"), 2, NOT_REPRODUCED),
    ("all_functions_d", ("families", "all_functions", "4", "m_tr"), 3, NOT_REPRODUCED),
    ("minimal_tree_d", ("families", "minimal_tree", "5", "m_tr"), 5, NOT_REPRODUCED),
    ("minimal_tree_d", ("families", "minimal_tree", "5", "bfs_rank"), 4, PARTLY),
    ("theorem_c2_length", ("theorem_c2", "n_violations"), 1, NOT_REPRODUCED),
    ("theorem_c2_length", ("theorem_c2", "tight"),
     {"thresholds N=7": {"m_tr": 3, "shortest": 5, "bound": 7}}, PARTLY),
    ("strict_gap_4_points", ("exhaustive", "4", "gap_classes"), 0, NOT_REPRODUCED),
    ("strict_gap_4_points", ("products", "powers", "1"), {"ld": 3, "m_tr": 3}, PARTLY),
    ("two_thirds_products", ("products", "powers", "2"), {"ld": 6, "m_tr": 5}, NOT_REPRODUCED),
    ("two_thirds_products", ("products", "n_additivity_failures"), 1, NOT_REPRODUCED),
    ("two_thirds_products", ("products", "powers", "2"), None, PARTLY),
])
def test_null_cases_are_not_reproduced(claim_id, path, value, want):
    assert verdict(claim_id, _with(path, copy.deepcopy(value))) == want


def test_a_wrong_m_tr_table_fails_the_families():
    """Feeding LD as M_tr everywhere (no gap anywhere) must not reproduce the gap claims."""
    m = good()
    m["exhaustive"]["4"]["gap_classes"] = 0
    m["products"]["powers"] = {"1": {"ld": 3, "m_tr": 3}, "2": {"ld": 6, "m_tr": 6}}
    assert verdict("strict_gap_4_points", m) == NOT_REPRODUCED
    assert verdict("two_thirds_products", m) == NOT_REPRODUCED


def test_asymptotic_claims_say_why():
    for cid in ("lower_bound_sqrt_d", "upper_bound_sqrt_d"):
        row = CHECK[cid].evaluate(good())
        assert row["verdict"] == NOT_MEASURABLE and "asymptotic" in row["reason"]
        assert row["bar"].startswith("none")


def test_claims_cite_the_paper_version():
    for claim in CLAIMS:
        assert claim.bar and (claim.id == "littlestone_theorem" or "2512.12567v1" in
                              claim.paper_figure), claim.id
