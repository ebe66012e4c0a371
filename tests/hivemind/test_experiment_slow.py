"""A seeded tiny run of the whole experiment (TF-IDF embedder): the finding's direction."""
from __future__ import annotations

import pytest

from neurips25.common.progress import NullProgress
from neurips25.hivemind import STUDY
from neurips25.hivemind.experiment import Config, run
from neurips25.study import NOT_MEASURABLE


@pytest.mark.slow
def test_tiny_run_shows_shared_data_and_reward_tuning_homogenize(tmp_path):
    m = run(Config.tiny(), tmp_path, NullProgress())
    assert all(m["validation"]["monotone"].values()), m["validation"]["monotone"]
    svd = m["same_vs_different_data"]
    assert svd["same_data"] > svd["different_data"] > 0
    for name, r in m["reward_tuning"].items():
        assert r["reward_tuned"] > r["reward_base"], name  # the tuning worked...
        assert r["intra_tuned"] > r["intra_base"], name  # ...and narrowed the answers
        assert r["vendi_tuned"] < r["vendi_base"], name
    assert 0 < m["floor"] < m["base_models"]["intra_similarity"]
    for fig in ("metric_validation", "homogenization", "intra_model_histogram", "inter_model_matrix",
                "response_map"):
        assert (tmp_path / f"{fig}.png").stat().st_size > 5000
    rows = STUDY.check_claims(m)
    assert not any(r["reason"].startswith("check failed") for r in rows)
    assert {r["id"]: r["verdict"] for r in rows}["intra_model_repetition"] == NOT_MEASURABLE
