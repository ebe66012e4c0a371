import dataclasses
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


def test_a_run_removes_only_files_it_wrote(tmp_path, fake_registry):
    out = tmp_path / "ok"
    out.mkdir()
    (out / "holiday.png").write_bytes(b"user picture")
    (out / "notes.txt").write_text("mine")
    first = run_study(fake_registry.OK_STUDY, out)
    assert first["figures"] == ["values.png"]  # the user's PNG is not claimed as a figure
    second = run_study(fake_registry.OK_STUDY, out, seed=1)
    assert second["figures"] == ["values.png"]
    assert (out / "holiday.png").read_bytes() == b"user picture"
    assert (out / "notes.txt").read_text() == "mine"
    manifest = json.loads((out / ".neurips25-manifest.json").read_text())["files"]
    assert set(manifest) == {"values.png", "result.json"}


def test_removal_follows_the_manifest_and_spares_edited_files(tmp_path, fake_registry):
    from neurips25.runner import remove_own_outputs

    run_study(fake_registry.OK_STUDY, tmp_path)
    (tmp_path / "values.png").write_bytes(b"edited by the user")
    assert remove_own_outputs(tmp_path) == ["result.json"]
    assert (tmp_path / "values.png").read_bytes() == b"edited by the user"


def test_an_interrupted_rerun_leaves_nothing_reusable(tmp_path, fake_registry, monkeypatch):
    run_study(fake_registry.OK_STUDY, tmp_path)

    def interrupted(config, out_dir, progress):
        (out_dir / "half.png").write_bytes(b"partial")
        raise KeyboardInterrupt

    study = dataclasses.replace(fake_registry.OK_STUDY, run=interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_study(study, tmp_path)
    assert not (tmp_path / "result.json").exists()  # the old result went with its figures
    again = run_study(fake_registry.OK_STUDY, tmp_path, reuse=True)
    assert not again.get("reused") and not (tmp_path / "half.png").exists()


def test_a_result_whose_figures_are_gone_is_not_reused(tmp_path, fake_registry):
    run_study(fake_registry.OK_STUDY, tmp_path)
    (tmp_path / "values.png").unlink()
    assert not run_study(fake_registry.OK_STUDY, tmp_path, reuse=True).get("reused")
    assert (tmp_path / "values.png").is_file()


@pytest.mark.parametrize("seed", [-1, 2**32, 2**70, True])
def test_seeds_out_of_range_are_user_errors(fake_registry, seed):
    with pytest.raises(UserError, match="--seed must be an integer in 0..4294967295"):
        fake_registry.OK_STUDY.config("quick", seed)
