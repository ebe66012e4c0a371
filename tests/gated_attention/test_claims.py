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


def _arm(share, act, gate, loss, mom=None):
    return {"first_token_share": share, "max_activation": act, "max_over_median": mom or act,
            "gate_mean": gate, "gate_sparsity": 0.6, "loss": loss}


def _metrics(base=0.4, g1=0.05, hs=0.2, ii=0.3, act=(100.0, 10.0), gate=0.12, loss=(3.0, 2.99)):
    return {"uniform_share": U, "arms": {
        "baseline": _arm(base, 1.0, None, loss[0]),
        "g1_elementwise": _arm(g1, 1.0, gate, loss[1]),
        "head_shared": _arm(hs, 1.0, 0.3, 3.0), "input_independent": _arm(ii, 1.0, 0.4, 3.0)},
        "act": {"uniform_share": U, "arms": {"act_baseline": _arm(0.3, act[0], None, 2.0),
                                            "act_g1": _arm(0.1, act[1], 0.2, 2.0)}}}


def test_sink_verdicts() -> None:
    assert check_sink(_metrics())[1] == REPRODUCED
    assert check_sink(_metrics(base=0.1))[1] == NOT_REPRODUCED  # no sink in the baseline
    assert check_sink(_metrics(g1=0.12))[1] == PARTLY
    assert check_sink(_metrics(g1=0.35))[1] == NOT_REPRODUCED


def test_other_verdicts() -> None:
    assert check_massive(_metrics())[1] == REPRODUCED
    assert check_massive(_metrics(act=(100.0, 50.0)))[1] == PARTLY
    assert check_massive(_metrics(act=(100.0, 90.0)))[1] == NOT_REPRODUCED
    m = _metrics()
    m["act"]["arms"]["act_g1"]["max_over_median"] = 90.0  # raw max shrinks, relative does not
    assert check_massive(m)[1] == NOT_REPRODUCED
    del m["act"]
    assert check_massive(m)[1] == NOT_MEASURABLE
    assert check_sparse(_metrics())[1] == REPRODUCED
    assert check_sparse(_metrics(gate=0.4))[1] == PARTLY
    assert check_sparse(_metrics(gate=0.6))[1] == NOT_REPRODUCED
    assert check_ordering(_metrics())[1] == REPRODUCED
    assert check_ordering(_metrics(hs=0.06))[1] == PARTLY
    assert check_ordering(_metrics(hs=0.06, ii=0.06))[1] == NOT_REPRODUCED
    m = _metrics(hs=0.06, ii=0.06)
    m["h2"] = _metrics()  # the 2-head part, when present, decides
    assert check_ordering(m)[1] == REPRODUCED
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
