import json
import os

import pytest

from neurips25.cli import main


def run_cli(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_unknown_study_is_one_line_exit_2(capsys):
    code, _, err = run_cli(capsys, "run", "no_such_study")
    assert code == 2
    assert err.strip().count("\n") == 0 and "unknown study 'no_such_study'" in err


def test_bad_preset_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run", "superposition", "--preset", "medium"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("neurips25: error: run: argument --preset: invalid choice")
    assert err.count("\n") == 1


def test_unknown_only_exits_2(capsys, fake_registry, tmp_path):
    code, _, err = run_cli(capsys, "reproduce", "--only", "fake_ok,nope", "--out", str(tmp_path))
    assert code == 2 and "unknown study 'nope'" in err
    assert fake_registry.CALLS == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_out_dir_exits_2(capsys, fake_registry, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    code, _, err = run_cli(capsys, "run", "fake_ok", "--out", str(locked / "x"))
    assert code == 2 and "cannot write" in err


def test_out_dir_that_is_a_file_exits_2(capsys, fake_registry, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = run_cli(capsys, "run", "fake_ok", "--out", str(blocker / "sub"))
    assert code == 2 and "cannot write" in err and err.count("\n") == 1


def test_report_on_missing_dir_exits_2(capsys, tmp_path):
    code, _, err = run_cli(capsys, "report", str(tmp_path / "nothing"))
    assert code == 2 and "no such directory" in err


def test_list_shows_studies(capsys, fake_registry):
    code, out, _ = run_cli(capsys, "list")
    assert code == 0 and "fake_ok" in out and "A fake study" in out


def test_reproduce_runs_all_reports_crash_and_resumes(capsys, fake_registry, tmp_path):
    code, out, err = run_cli(capsys, "reproduce", "--out", str(tmp_path))
    assert code == 1  # a study crashed ...
    assert fake_registry.CALLS == ["ok", "crash"]  # ... but the others still ran
    assert "fake_crash" in err
    html = (tmp_path / "report.html").read_text()
    assert "boom in the experiment" in html and "data:image/png;base64," in html
    summary = (tmp_path / "summary.md").read_text()
    assert "| fake_ok | mean |" in summary and "crashed" in summary
    # resume: the finished study is reused, the crashed one reruns
    code, _, _ = run_cli(capsys, "reproduce", "--out", str(tmp_path))
    assert fake_registry.CALLS == ["ok", "crash", "crash"]
    code, _, _ = run_cli(
        capsys, "reproduce", "--only", "fake_ok", "--out", str(tmp_path), "--fresh"
    )
    assert code == 0 and fake_registry.CALLS[-1] == "ok"


def test_run_then_report(capsys, fake_registry, tmp_path):
    code, out, _ = run_cli(capsys, "run", "fake_ok", "--out", str(tmp_path), "--seed", "3")
    assert code == 0 and "reproduced" in out
    assert json.loads((tmp_path / "fake_ok" / "result.json").read_text())["seed"] == 3
    code, out, _ = run_cli(capsys, "report", str(tmp_path))
    assert code == 0 and (tmp_path / "report.html").is_file()


def test_every_command_has_help(capsys):
    for cmd in ("list", "run", "reproduce", "report", "bench"):
        with pytest.raises(SystemExit) as exc:
            main([cmd, "--help"])
        assert exc.value.code == 0
        assert "usage" in capsys.readouterr().out


def test_plugins_come_from_the_registry_and_a_missing_module_is_skipped(monkeypatch, tmp_path):
    import sys

    from neurips25 import cli, registry

    monkeypatch.setattr(registry, "STUDY_NAMES", ("hivemind", "no_such_study"))
    monkeypatch.setattr(cli, "TOOL_COMMAND_MODULES", ("neurips25.no_such_tool.cli",))
    assert cli.command_modules() == [
        "neurips25.hivemind.cli",
        "neurips25.no_such_study.cli",
        "neurips25.no_such_tool.cli",
    ]
    parser = cli.build_parser()  # the two absent modules are skipped
    commands = parser._subparsers._group_actions[0].choices
    assert "hivemind" in commands and "passk" not in commands
    # a plug-in that exists but fails to import is a bug: it is not silently skipped
    pkg = tmp_path / "neurips25_broken_plugin"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "cli.py").write_text("import a_dependency_that_is_not_installed\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(cli, "TOOL_COMMAND_MODULES", ("neurips25_broken_plugin.cli",))
    with pytest.raises(ModuleNotFoundError, match="a_dependency_that_is_not_installed"):
        cli.build_parser()
    sys.modules.pop("neurips25_broken_plugin", None)
