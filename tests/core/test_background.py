"""The background job of ``reproduce``: a study's ``prepare`` work beside the other studies."""
import dataclasses
import functools
import time
from pathlib import Path

from neurips25.common.background import BackgroundJob


def test_job_runs_in_another_process_on_one_thread(st, tmp_path):
    out = tmp_path / "done.txt"
    job = BackgroundJob("write", functools.partial(st.write_after, str(out), 0.2)).start()
    assert job.running() and job.started_ago() >= 0
    info = job.wait()
    assert info["ok"] and info["task"] == "write" and not job.running()
    assert out.read_text() == "1"  # pinned to one torch thread
    assert 0.2 <= info["wall_seconds"] < 30 and 0 <= info["cpu_seconds"] < info["wall_seconds"]


def test_job_cost_is_its_own_not_the_time_until_it_is_awaited(st, tmp_path):
    job = BackgroundJob("write", functools.partial(st.write_after, str(tmp_path / "x"), 0.0))
    job.start()
    time.sleep(10)  # the job (a torch import) is long over when it is awaited
    info = job.wait()
    assert info["ok"] and info["waited_seconds"] < 1.0 and info["wall_seconds"] < 9.0


def test_failed_job_reports_one_line_and_no_traceback(st, capfd):
    info = BackgroundJob("fill cache", st.fail_job).start().wait()
    err = capfd.readouterr().err
    assert info["ok"] is False
    assert "neurips25: background fill cache failed (ValueError: no room in the cache)" in err
    assert "Traceback" not in err


def test_stop_lets_a_running_job_clean_up(st, tmp_path):
    started, cleaned = tmp_path / "started", tmp_path / "cleaned"
    job = BackgroundJob("long", functools.partial(st.clean_up_on_stop, str(started),
                                                  str(cleaned))).start()
    st.wait_for_files([started])
    job.stop()
    assert started.exists() and cleaned.exists()


def test_ctrl_c_belongs_to_the_parent_the_job_runs_on(st, tmp_path, terminal_sigint):
    """A terminal's Ctrl-C reaches the whole process group; the parent stops the job with
    SIGTERM if it wants to, so the child ignores SIGINT from birth (no traceback from its
    start-up) and a SIGINT neither kills it nor interrupts it."""
    import os
    import signal
    import sys

    started, cleaned = tmp_path / "started", tmp_path / "cleaned"
    job = BackgroundJob("long", functools.partial(st.clean_up_on_stop, str(started),
                                                  str(cleaned))).start()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored
    if sys.platform == "linux":
        status = Path(f"/proc/{job._proc.pid}/status").read_text()
        ignored = int(next(ln for ln in status.splitlines() if ln.startswith("SigIgn:"))
                      .split()[1], 16)
        assert ignored & (1 << (signal.SIGINT - 1))
    st.wait_for_files([started])
    os.kill(job._proc.pid, signal.SIGINT)
    time.sleep(1.0)
    assert job.running() and not cleaned.exists()
    job.stop()
    assert cleaned.exists()


def test_a_job_whose_parent_dies_stops_and_cleans_up(st, tmp_path):
    """Parent killed (or timed out) without stopping its job: the job notices, runs its
    clean-up and leaves no report file behind."""
    import subprocess
    import sys

    started, cleaned = tmp_path / "started", tmp_path / "cleaned"
    script = (
        "import functools, os, sys, time, tempfile\n"
        "sys.path.insert(0, sys.argv[3])\n"
        "import arms_for_tests as st\n"
        "from neurips25.common.background import BackgroundJob\n"
        "job = BackgroundJob('long', functools.partial(st.clean_up_on_stop, sys.argv[1],"
        " sys.argv[2])).start()\n"
        "print(job._report, flush=True)\n"
        "while not os.path.exists(sys.argv[1]): time.sleep(0.05)\n"
        "os._exit(0)\n")
    here = str(Path(__file__).resolve().parent)
    out = subprocess.run([sys.executable, "-c", script, str(started), str(cleaned), here],
                         capture_output=True, text=True, timeout=120, check=True)
    report = Path(out.stdout.strip())
    st.wait_for_files([cleaned], timeout=30)
    assert cleaned.exists()
    time.sleep(0.5)
    assert not report.exists()


def test_stop_at_any_moment_is_quiet(st, tmp_path, capfd):
    """Stopped while still starting (reading its input, importing torch) or running."""
    for delay in (0.0, 0.05, 0.3, 1.0):
        job = BackgroundJob("write", functools.partial(st.write_after, str(tmp_path / "x"),
                                                       5.0)).start()
        time.sleep(delay)
        job.stop()
        assert not job.running()
    assert "Traceback" not in capfd.readouterr().err


def _prepared_study(fake, marker: Path, log: list):
    """fake_ok with a ``prepare`` that writes ``marker`` in the background after 0.5 s;
    its run records whether the marker was there when its turn came."""
    def run(config, out_dir, progress):
        log.append(("prepared", marker.exists()))
        return fake._run_ok(config, out_dir, progress)

    def prepare(config):
        return None if marker.exists() else functools.partial(fake_write, str(marker), 0.5)

    import arms_for_tests

    fake_write = arms_for_tests.write_after
    return dataclasses.replace(fake.OK_STUDY, name="fake_prepared", run=run, prepare=prepare)


def test_reproduce_starts_preparation_first_and_runs_that_study_last(
        st, fake_registry, monkeypatch, tmp_path):
    from neurips25 import registry
    from neurips25.common import threads
    from neurips25.reproduce import reproduce

    marker, log = tmp_path / "model.txt", []
    studies = {"fake_prepared": _prepared_study(fake_registry, marker, log),
               "fake_ok": fake_registry.OK_STUDY}
    monkeypatch.setattr(registry, "STUDY_NAMES", tuple(studies))
    monkeypatch.setattr(registry, "_load", lambda name: studies.get(name))
    monkeypatch.setattr(threads, "cpu_count", lambda: 2)
    code = reproduce(["fake_prepared", "fake_ok"], tmp_path / "out", "quick", None, None)
    assert code == 0
    assert fake_registry.CALLS == ["ok", "ok"] and log == [("prepared", True)]
    import json

    saved = json.loads((tmp_path / "out" / "fake_prepared" / "result.json").read_text())
    assert saved["background"]["ok"] is True
    assert saved["cpu_seconds"] >= saved["background"]["cpu_seconds"] > 0  # the job's CPU counts
    assert saved["background"]["task"] == "fake_prepared preparation"
    assert "background" not in json.loads(
        (tmp_path / "out" / "fake_ok" / "result.json").read_text())


def test_no_background_job_on_one_core(st, fake_registry, monkeypatch, tmp_path):
    from neurips25 import registry
    from neurips25.common import threads
    from neurips25.reproduce import reproduce

    marker, log = tmp_path / "model.txt", []
    studies = {"fake_prepared": _prepared_study(fake_registry, marker, log)}
    monkeypatch.setattr(registry, "STUDY_NAMES", tuple(studies))
    monkeypatch.setattr(registry, "_load", lambda name: studies.get(name))
    monkeypatch.setattr(threads, "cpu_count", lambda: 1)
    assert reproduce(["fake_prepared"], tmp_path / "out", "quick", None, None) == 0
    assert log == [("prepared", False)] and not marker.exists()


def test_ctrl_c_while_jobs_start_stops_those_already_started(
        st, fake_registry, monkeypatch, tmp_path):
    """A Ctrl-C between two studies' ``prepare`` calls: the first job is already running
    in a child that ignores SIGINT, so reproduce must still stop it."""
    import pytest

    from neurips25 import registry
    from neurips25.common import threads
    from neurips25.reproduce import reproduce

    started, cleaned = tmp_path / "started", tmp_path / "cleaned"
    first = dataclasses.replace(fake_registry.OK_STUDY, name="fake_first", prepare=lambda cfg:
                                functools.partial(st.clean_up_on_stop, str(started), str(cleaned)))

    def interrupted(cfg):
        st.wait_for_files([started])
        raise KeyboardInterrupt

    second = dataclasses.replace(fake_registry.OK_STUDY, name="fake_second", prepare=interrupted)
    studies = {"fake_first": first, "fake_second": second}
    monkeypatch.setattr(registry, "STUDY_NAMES", tuple(studies))
    monkeypatch.setattr(registry, "_load", lambda name: studies.get(name))
    monkeypatch.setattr(threads, "cpu_count", lambda: 2)
    with pytest.raises(KeyboardInterrupt):
        reproduce(["fake_first", "fake_second"], tmp_path / "out", "quick", None, None)
    assert started.exists() and cleaned.exists()


def test_a_second_ctrl_c_during_stop_leaves_nothing_behind(st, tmp_path, terminal_sigint):
    """The first Ctrl-C made reproduce stop its job; a second one while the job cleans up
    must not abandon the stop (the job's report file in /tmp would be left behind)."""
    import os
    import signal
    import threading

    started, cleaned = tmp_path / "started", tmp_path / "cleaned"
    job = BackgroundJob("slow", functools.partial(st.slow_clean_up, str(started),
                                                  str(cleaned))).start()
    report = Path(job._report)
    st.wait_for_files([started])
    threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
    try:
        job.stop()  # the job needs 1 s to clean up; the Ctrl-C lands meanwhile
        time.sleep(0.3)
    except KeyboardInterrupt:
        import pytest

        pytest.fail("a second Ctrl-C broke off stop()")
    assert cleaned.exists() and not report.exists() and not job.running()
