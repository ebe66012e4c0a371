import json

import pytest

from neurips25.common.errors import UserError
from neurips25.runner import load_results, run_study
from neurips25.study import VERDICTS, Claim, Verdict


def test_result_json_has_schema(tmp_path, fake_registry):
    result = run_study(fake_registry.OK_STUDY, tmp_path / "ok")
    saved = json.loads((tmp_path / "ok" / "result.json").read_text())
    for key in ("schema_version", "study", "preset", "config", "seed", "versions", "git_commit",
                "wall_seconds", "cpu_seconds", "metrics", "claims", "status", "figures"):
        assert key in saved
    assert saved["status"] == "ok" and saved["figures"] == ["values.png"]
    assert saved["claims"][0]["verdict"] == "reproduced"
    # a check that raises is reported, not hidden
    assert saved["claims"][1]["verdict"] == "check failed"
    assert "raised" in saved["claims"][1]["reason"]
    assert result["metrics"] == saved["metrics"]
    assert not list((tmp_path / "ok").glob("*.tmp"))


def test_same_seed_same_metrics(tmp_path, fake_registry):
    a = run_study(fake_registry.OK_STUDY, tmp_path / "a", seed=7)
    b = run_study(fake_registry.OK_STUDY, tmp_path / "b", seed=7)
    c = run_study(fake_registry.OK_STUDY, tmp_path / "c", seed=8)
    assert a["metrics"] == b["metrics"] != c["metrics"]


def test_reuse_only_with_same_config(tmp_path, fake_registry):
    run_study(fake_registry.OK_STUDY, tmp_path, reuse=True)
    assert run_study(fake_registry.OK_STUDY, tmp_path, reuse=True).get("reused")
    assert fake_registry.CALLS == ["ok"]
    assert not run_study(fake_registry.OK_STUDY, tmp_path, reuse=True, seed=3).get("reused")
    assert not run_study(fake_registry.OK_STUDY, tmp_path, preset="full", reuse=True).get("reused")
    assert fake_registry.CALLS == ["ok", "ok", "ok"]


def test_crash_is_recorded(tmp_path, fake_registry):
    result = run_study(fake_registry.CRASH_STUDY, tmp_path)
    assert result["status"] == "crashed"
    assert result["error"]["message"] == "boom in the experiment"
    # a crashed result is never reused
    run_study(fake_registry.CRASH_STUDY, tmp_path, reuse=True)
    assert fake_registry.CALLS == ["crash", "crash"]


def test_load_results_errors(tmp_path):
    with pytest.raises(UserError, match="no such directory"):
        load_results(tmp_path / "missing")
    with pytest.raises(UserError, match="no result.json"):
        load_results(tmp_path)
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "result.json").write_text("{not json")
    with pytest.raises(UserError, match="malformed JSON"):
        load_results(tmp_path)


def test_verdict_must_be_known():
    with pytest.raises(ValueError):
        Verdict("1", "kind of", "no")
    claim = Claim("c", "s", "f", lambda m: ("1", "sort of", "r"))
    assert claim.evaluate({})["verdict"] == "check failed"
    assert len(VERDICTS) == 4


def test_bad_preset(fake_registry):
    with pytest.raises(ValueError, match="unknown preset"):
        fake_registry.OK_STUDY.config("medium")
