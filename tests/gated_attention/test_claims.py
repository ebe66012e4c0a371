"""Every claim check can pass and fail on synthetic metrics."""
from __future__ import annotations

from neurips25.gated_attention.claims import (
    CLAIMS,
    check_loss,
    check_massive,
    check_ordering,
    check_sink,
    check_sparse,
    check_text_sink,
)
from neurips25.study import NOT_MEASURABLE, NOT_REPRODUCED, PARTLY, REPRODUCED

U = 0.06


def _metrics(base=0.4, g1=0.05, hs=0.2, ii=0.3, act=(100.0, 10.0), gate=0.12, loss=(3.0, 2.99)):
    arm = lambda share, a, gm, ls: {"first_token_share": share, "max_activation": a,  # noqa: E731
                                    "gate_mean": gm, "gate_sparsity": 0.6, "loss": ls}
    return {"uniform_share": U, "arms": {
        "baseline": arm(base, act[0], None, loss[0]),
        "g1_elementwise": arm(g1, act[1], gate, loss[1]),
        "head_shared": arm(hs, 5.0, 0.3, 3.0), "input_independent": arm(ii, 5.0, 0.4, 3.0)}}


def test_sink_verdicts() -> None:
    assert check_sink(_metrics())[1] == REPRODUCED
    assert check_sink(_metrics(base=0.1))[1] == NOT_REPRODUCED  # no sink in the baseline
    assert check_sink(_metrics(g1=0.12))[1] == PARTLY
    assert check_sink(_metrics(g1=0.35))[1] == NOT_REPRODUCED


def test_other_verdicts() -> None:
    assert check_massive(_metrics())[1] == REPRODUCED
    assert check_massive(_metrics(act=(100.0, 50.0)))[1] == PARTLY
    assert check_massive(_metrics(act=(100.0, 90.0)))[1] == NOT_REPRODUCED
    assert check_sparse(_metrics())[1] == REPRODUCED
    assert check_sparse(_metrics(gate=0.4))[1] == PARTLY
    assert check_sparse(_metrics(gate=0.6))[1] == NOT_REPRODUCED
    assert check_ordering(_metrics())[1] == REPRODUCED
    assert check_ordering(_metrics(hs=0.06))[1] == PARTLY
    assert check_ordering(_metrics(hs=0.06, ii=0.06))[1] == NOT_REPRODUCED
    assert check_loss(_metrics())[1] == REPRODUCED
    assert check_loss(_metrics(loss=(3.0, 3.1)))[1] == NOT_REPRODUCED
    assert check_text_sink(_metrics())[1] == NOT_MEASURABLE
    m = _metrics()
    m["text"] = {"uniform_share": U, "arms": {"text_baseline": m["arms"]["baseline"],
                                              "text_g1": m["arms"]["g1_elementwise"]}}
    assert check_text_sink(m)[1] == REPRODUCED


def test_claims_evaluate_without_crashing() -> None:
    rows = [c.evaluate(_metrics()) for c in CLAIMS]
    assert len({r["id"] for r in rows}) == len(CLAIMS)
    assert all(r["verdict"] != NOT_MEASURABLE or "check failed" not in r["reason"] for r in rows)
