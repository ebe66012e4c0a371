"""The benchmark runner: each script sees only its own argv, and one script's exit
(or failure) does not stop the ones after it."""
from __future__ import annotations

import importlib.util
from pathlib import Path

RUNNER = Path(__file__).resolve().parents[2] / "benchmarks" / "__main__.py"


def _runner():
    spec = importlib.util.spec_from_file_location("bench_runner_under_test", RUNNER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _script(folder: Path, name: str, body: str) -> None:
    (folder / f"{name}.py").write_text(
        "import argparse, sys\nfrom pathlib import Path\n"
        f"OUT = Path({str(folder)!r})\n"
        "if __name__ == '__main__':\n" + "".join(f"    {line}\n" for line in body.splitlines()))


def test_each_benchmark_runs_with_its_own_argv_and_exits_do_not_stop_the_rest(
    tmp_path, monkeypatch
):
    # a_parses: parses its options (would choke on the runner's "a_parses b_exits" argv)
    _script(
        tmp_path,
        "a_parses",
        "argparse.ArgumentParser().parse_args()\n(OUT / 'a.ran').write_text('x')",
    )
    _script(tmp_path, "b_exits", "(OUT / 'b.ran').write_text('x')\nsys.exit(0)")
    _script(tmp_path, "c_after", "(OUT / 'c.ran').write_text('x')")
    monkeypatch.setattr("sys.argv", ["benchmarks", "a_parses", "b_exits", "c_after"])
    assert _runner().main(["a_parses", "b_exits", "c_after"], folder=tmp_path) == 0
    assert {p.name for p in tmp_path.glob("*.ran")} == {"a.ran", "b.ran", "c.ran"}


def test_a_failing_benchmark_is_reported_and_the_rest_still_run(tmp_path, capsys):
    _script(tmp_path, "a_fails", "sys.exit(3)")
    _script(tmp_path, "b_after", "(OUT / 'b.ran').write_text('x')")
    assert _runner().main([], folder=tmp_path) == 1
    assert (tmp_path / "b.ran").exists()
    assert "failed: a_fails" in capsys.readouterr().err


def test_unknown_benchmark_is_a_clear_error(tmp_path, capsys):
    _script(tmp_path, "real", "pass")
    assert _runner().main(["nope"], folder=tmp_path) == 2
    assert "unknown benchmark(s) nope" in capsys.readouterr().err
