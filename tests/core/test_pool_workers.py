"""Ctrl-C during a local pool run: the parent stops its workers at once, each running arm's
clean-up runs, no queued arm starts, and no worker prints a traceback."""
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from neurips25.common.executor import Arm, run_arms, run_beside


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    status = Path(f"/proc/{pid}/status")  # a zombie still answers kill(pid, 0)
    return status.exists() and "zombie" in status.read_text()


def test_ctrl_c_stops_the_pool_now_with_each_arms_clean_up(st, tmp_path, capfd,
                                                             terminal_sigint):
    marks = [(tmp_path / f"started{i}", tmp_path / f"cleaned{i}") for i in range(3)]
    arms = [Arm(f"a{i}", st.clean_up_on_stop, (str(s), str(c))) for i, (s, c) in enumerate(marks)]
    running = [s for s, _ in marks[:2]]

    def ctrl_c_once_both_run():
        st.wait_for_files(running, nonempty=True)
        os.kill(os.getpid(), signal.SIGINT)

    timer = threading.Thread(target=ctrl_c_once_both_run)
    t0 = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        run_arms(arms, backend="local", workers=2)
    timer.join()
    assert time.monotonic() - t0 < 30  # the arms sleep 60 s: nobody waited for them
    assert all(c.exists() for _, c in marks[:2])  # SIGTERM ran each arm's finally
    assert not marks[2][0].exists()  # the queued arm never started
    time.sleep(0.2)
    assert all(_gone(int(s.read_text())) for s in running)
    assert "Traceback" not in capfd.readouterr().err


def test_a_worker_ignores_sigint_its_parent_decides(st, tmp_path, terminal_sigint):
    started, cleaned = tmp_path / "started", tmp_path / "cleaned"

    def work_here():
        st.wait_for_files([started], nonempty=True)
        os.kill(int(started.read_text()), signal.SIGINT)  # the arm's process only
        time.sleep(0.5)
        assert not cleaned.exists()  # still running its arm
        raise ValueError("the other side failed")

    t0 = time.monotonic()
    with pytest.raises(ValueError, match="other side"):
        run_beside(Arm("long", st.clean_up_on_stop, (str(started), str(cleaned))), work_here)
    assert time.monotonic() - t0 < 30 and cleaned.exists()
