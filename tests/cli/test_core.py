"""`neurips25 list | run | reproduce | report` under bad input (table-driven), on fake
studies so every case takes milliseconds. Each bad case: exit 2, one line
`neurips25: error: ...`, no traceback, nothing written or changed under the user's folder."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from neurips25.common.io import atomic_write_json


def _result(study: str = "fake_ok", **override) -> dict:
    base = {"schema_version": 1, "study": study, "title": "t", "arxiv": "0", "finding": "f",
            "preset": "quick", "seed": 0, "config": {}, "status": "ok", "error": None,
            "wall_seconds": 1.0, "cpu_seconds": 1.0, "versions": {}, "git_commit": None,
            "metrics": {}, "figures": [],
            "claims": [{"id": "c", "sentence": "s", "paper_figure": "p", "measured": "1",
                        "verdict": "reproduced", "reason": "r", "bar": "a priori"}]}
    return {**base, **override}


@pytest.fixture
def home(tmp_path) -> Path:
    """A user's folder: pictures, notes, a file where a folder is expected, bad results."""
    (tmp_path / "holiday.png").write_bytes(b"\x89PNG user picture")
    (tmp_path / "a_file").write_text("x")
    for name, data in {
        "ok": _result(),
        "types_claims": _result(claims="not a list"),
        "types_claim_field": _result(claims=[{"id": "c", "measured": {"v": 1}}]),
        "types_figures": _result(figures=["../../etc/passwd"]),
        "types_status": _result(status=["ok"]),
        "types_config": _result(config=[1, 2]),
    }.items():
        atomic_write_json(tmp_path / "results" / name / "ok" / "result.json", data)
    (tmp_path / "results" / "malformed" / "s").mkdir(parents=True)
    (tmp_path / "results" / "malformed" / "s" / "result.json").write_text("{oops")
    (tmp_path / "results" / "latin1" / "s").mkdir(parents=True)
    (tmp_path / "results" / "latin1" / "s" / "result.json").write_bytes(b'{"study": "caf\xe9"}')
    (tmp_path / "results" / "empty").mkdir()
    return tmp_path


CASES = [
    # (argv, text the error line must contain)
    ([], "required: COMMAND"),
    (["bogus"], "invalid choice: 'bogus'"),
    (["run"], "required: study"),
    (["run", "nope"], "unknown study 'nope'"),
    (["run", "fake_ok", "--preset", "medium"], "argument --preset: invalid choice"),
    (["run", "fake_ok", "--seed", "-1"], "argument --seed: must be in 0..4294967295"),
    (["run", "fake_ok", "--seed", str(2**70)], "argument --seed: must be in 0..4294967295"),
    (["run", "fake_ok", "--seed", "1.5"], "argument --seed: expected an integer"),
    (["run", "fake_ok", "--seeds", "0"], "argument --seeds: must be in 1..100"),
    (["run", "fake_ok", "--seeds", "3"], "runs one seed; it takes no --seeds"),
    (["run", "fake_ok", "--out", "{home}/a_file"], "is a file; --out takes a folder"),
    (["run", "fake_ok", "--out", "{home}/a_file/sub"], "a_file is a file"),
    (["run", "fake_ok", "--out", "/proc/neurips25-test"], "cannot write there"),
    (["run", "fake_ok", "--bogus"], "unrecognized arguments: --bogus"),
    (["reproduce", "--only", "fake_ok,nope"], "unknown study 'nope'"),
    (["reproduce", "--only", ","], "--only names no study"),
    (["reproduce", "--only", ""], "--only names no study"),  # not "every study"
    (["bench", "nosuch"], "unknown benchmark(s) nosuch"),
    (["reproduce", "--seed", "-1"], "argument --seed"),
    (["reproduce", "--out", "{home}/a_file"], "is a file"),
    (["report", "{home}/nothing"], "no such directory"),
    (["report", "{home}/a_file"], "is a file; give the folder"),
    (["report", "{home}/results/empty"], "no result.json found"),
    (["report", "{home}/results/malformed"], "malformed JSON"),
    (["report", "{home}/results/latin1"], "not UTF-8"),
    (["report", "{home}/results/types_claims"], "field 'claims' must be a list"),
    (["report", "{home}/results/types_claim_field"], "field 'claims[0].measured'"),
    (["report", "{home}/results/types_figures"], "field 'figures' must be a list of file names"),
    (["report", "{home}/results/types_status"], "field 'status'"),
    (["report", "{home}/results/types_config"], "field 'config' must be an object"),
    (["report", "{home}/results/ok", "--out", "{home}/a_file"], "is a file"),
]


@pytest.mark.parametrize("argv,needle", CASES, ids=[" ".join(a) or "(none)" for a, _ in CASES])
def test_bad_input_is_one_line_exit_2_and_touches_nothing(user_error, fake_registry, home,
                                                          monkeypatch, argv, needle):
    monkeypatch.chdir(home)  # default --out results lands in the watched folder
    user_error([a.format(home=home) for a in argv], watch=home, match=needle)
    assert fake_registry.CALLS == []  # no study started


def test_every_help_shows_defaults_and_the_out_convention(cli):
    for argv in (["run"], ["reproduce"], ["report"]):
        code, out, _ = cli([*argv, "--help"])
        assert code == 0 and "usage" in out
    _, out, _ = cli(["run", "--help"])
    assert "(default: results)" in " ".join(out.split()) and "DIR/STUDY/" in out
    assert "quick: minutes on 2 cores" in " ".join(out.split())


def test_version(cli):
    code, out, _ = cli(["--version"])
    assert code == 0 and out.startswith("neurips25 ")


def test_run_out_dir_writes_dir_study_like_reproduce(cli, fake_registry, tmp_path):
    code, _, _ = cli(["run", "fake_ok", "--out", tmp_path / "a"])
    assert code == 0 and (tmp_path / "a" / "fake_ok" / "result.json").is_file()
    code, _, _ = cli(["reproduce", "--only", "fake_ok", "--out", tmp_path / "b"])
    assert code == 0 and (tmp_path / "b" / "fake_ok" / "result.json").is_file()


def test_run_into_a_users_folder_keeps_their_pictures(cli, fake_registry, tmp_path):
    study_dir = tmp_path / "fake_ok"
    study_dir.mkdir()
    (study_dir / "holiday.png").write_bytes(b"user picture")
    for seed in ("1", "2"):
        assert cli(["run", "fake_ok", "--out", tmp_path, "--seed", seed])[0] == 0
    assert (study_dir / "holiday.png").read_bytes() == b"user picture"
    saved = json.loads((study_dir / "result.json").read_text())
    assert saved["figures"] == ["values.png"] and saved["seed"] == 2


def _replace_crash_study(monkeypatch, fakes, run) -> None:
    from neurips25 import registry

    studies = {"fake_ok": fakes.OK_STUDY,
               "fake_crash": dataclasses.replace(fakes.CRASH_STUDY, run=run)}
    monkeypatch.setattr(registry, "_load", lambda name: studies.get(name))


def test_reproduce_writes_its_report_when_a_study_rejects_its_input(cli, fake_registry,
                                                                    tmp_path, monkeypatch):
    from neurips25.common.errors import UserError

    def rejects(config, out_dir, progress):
        raise UserError("this study needs a file you did not give")

    _replace_crash_study(monkeypatch, fake_registry, rejects)
    code, _, err = cli(["reproduce", "--out", tmp_path])
    assert code == 1 and "needs a file" in err and "Traceback" not in err
    assert (tmp_path / "report.html").is_file()
    assert "| fake_ok | mean |" in (tmp_path / "summary.md").read_text()


def test_interrupted_reproduce_still_writes_the_report(cli, fake_registry, tmp_path,
                                                       monkeypatch):
    def interrupted(config, out_dir, progress):
        raise KeyboardInterrupt

    _replace_crash_study(monkeypatch, fake_registry, interrupted)
    code, _, err = cli(["reproduce", "--out", tmp_path])
    assert code == 130 and "rerun the same command to resume" in err
    assert "fake_ok" in (tmp_path / "summary.md").read_text()


def test_interrupt_without_anything_to_resume_says_nothing_about_resuming(cli,
                                                                          monkeypatch):
    import neurips25.cli as cli_module

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_module, "_cmd_list", interrupted)
    code, _, err = cli(["list"])
    assert code == 130 and err.strip() == "neurips25: interrupted"


def test_report_out_writes_elsewhere_and_leaves_the_results(cli, tree_snapshot, home):
    before = tree_snapshot(home / "results" / "ok")
    code, _, _ = cli(["report", home / "results" / "ok", "--out", home / "rep"])
    assert code == 0 and (home / "rep" / "report.html").is_file()
    assert tree_snapshot(home / "results" / "ok") == before
