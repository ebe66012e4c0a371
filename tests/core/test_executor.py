import os
from pathlib import Path

import pytest
import torch

from neurips25.common.executor import Arm, default_backend, run_arms, run_beside, use_executor


def test_serial_and_local_pool_give_identical_results(st):
    arms = [Arm(f"seed={s}", st.noisy_mean, (s,)) for s in range(4)]
    serial = run_arms(arms, backend="serial")
    local = run_arms(arms, backend="local", workers=2)
    assert list(serial) == [a.key for a in arms] == list(local)
    assert serial == local
    assert all(r["threads"] == 1 for r in local.values())  # one torch thread per worker
    assert serial["seed=0"]["torch"] != serial["seed=1"]["torch"]


def test_ray_gives_the_local_results_and_resumes(st, tmp_path):
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": str(Path(st.__file__).parent)}})
    try:
        arms = [Arm(f"seed={s}", st.noisy_mean, (s,)) for s in range(3)]
        assert run_arms(arms, backend="ray", cache_dir=tmp_path) == run_arms(arms, backend="serial")
        log = tmp_path / "log"
        log.mkdir()
        counted = [Arm(f"c{s}", st.counted, (s, str(log))) for s in range(3)]
        first = run_arms(counted, backend="ray", cache_dir=tmp_path / "c")
        again = run_arms(counted, backend="ray", cache_dir=tmp_path / "c")
        assert first == again and len(list(log.iterdir())) == 3
    finally:
        ray.shutdown()


def test_caller_threads_unchanged(st):
    before = torch.get_num_threads()
    out = run_arms([Arm("a", st.noisy_mean, (0,))], backend="serial", threads_per_worker=1)
    assert out["a"]["threads"] == 1
    assert torch.get_num_threads() == before


@pytest.mark.parametrize("backend", ["serial", "local"])
def test_interrupted_sweep_resumes_without_rerunning_finished_arms(st, tmp_path, backend):
    log, cache = tmp_path / "log", tmp_path / "cache"
    log.mkdir()
    poison = tmp_path / "poison"
    poison.write_text("")
    arms = [Arm(f"s{s}", st.counted, (s, str(log), str(poison))) for s in range(4)]
    with pytest.raises(RuntimeError, match="arm 2 failed"):
        run_arms(arms, backend=backend, workers=2, cache_dir=cache)
    finished_before = {p.stem for p in cache.glob("*.json")}
    assert finished_before and "s2" not in finished_before
    ran_before = len(list(log.iterdir()))
    poison.unlink()  # the cause of the failure is gone; the same arms run again
    out = run_arms(arms, backend=backend, workers=2, cache_dir=cache)
    assert [out[f"s{s}"]["square"] for s in range(4)] == [0, 1, 4, 9]
    assert len(list(log.iterdir())) - ran_before == 4 - len(finished_before)


def test_changed_arguments_are_not_reused(st, tmp_path):
    log = tmp_path / "log"
    log.mkdir()
    run_arms([Arm("x", st.counted, (3, str(log)))], backend="serial", cache_dir=tmp_path / "c")
    run_arms([Arm("x", st.counted, (3, str(log)))], backend="serial", cache_dir=tmp_path / "c")
    assert len(list(log.iterdir())) == 1
    out = run_arms(
        [Arm("x", st.counted, (4, str(log)))], backend="serial", cache_dir=tmp_path / "c"
    )
    assert out["x"]["square"] == 16 and len(list(log.iterdir())) == 2


def test_bad_arms_are_refused(st):
    with pytest.raises(ValueError, match="unique"):
        run_arms([Arm("a", st.noisy_mean, (0,)), Arm("a", st.noisy_mean, (1,))])
    with pytest.raises(ValueError, match="key"):
        Arm("../evil", st.noisy_mean)
    with pytest.raises(ValueError, match="module-level"):
        Arm("a", lambda: 1)
    with pytest.raises(ValueError, match="unknown executor"):
        run_arms([Arm("a", st.noisy_mean, (0,))], backend="dask")


def test_use_executor_sets_the_default(monkeypatch):
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    assert default_backend() == "local"
    with use_executor("serial"):
        assert default_backend() == "serial"
    assert default_backend() == "local"
    monkeypatch.setenv("RAY_ADDRESS", "auto")
    assert default_backend() == "ray"


def test_run_beside_runs_the_arm_in_another_process_while_work_runs_here(st):
    arm_result, here = run_beside(Arm("part1", st.where, (3,)), lambda: os.getpid())
    assert here == os.getpid()
    assert arm_result["seed"] == 3 and arm_result["pid"] != os.getpid()
    assert arm_result["threads"] == 1  # pinned like a pool worker


def test_run_beside_passes_on_the_error_of_either_side(st):
    def fail_here():
        raise KeyError("work")

    with pytest.raises(KeyError):
        run_beside(Arm("part1", st.where, (0,)), fail_here)
    with pytest.raises(TypeError):  # the arm's own error, raised in its process
        run_beside(Arm("part1", st.where, ("a", "b")), lambda: None)


def test_keep_pools_reuses_workers_between_calls_with_the_same_results(st, tmp_path):
    from neurips25.common import executor

    arms = [Arm(f"s{s}", st.where, (s,)) for s in range(4)]
    means = [Arm(f"m{s}", st.noisy_mean, (s,)) for s in range(4)]
    fresh = [run_arms(arms, backend="local", workers=2) for _ in range(2)]
    assert not {r["pid"] for r in fresh[0].values()} & {r["pid"] for r in fresh[1].values()}
    with executor.keep_pools():
        kept = [run_arms(arms, backend="local", workers=2) for _ in range(2)]
        kept_means = run_arms(means, backend="local", workers=2)
        with pytest.raises(RuntimeError, match="arm 2 failed"):  # a failed call drops its pool
            poison = tmp_path / "poison"
            poison.write_text("")
            run_arms([Arm(f"c{s}", st.counted, (s, str(tmp_path), str(poison))) for s in range(4)],
                     backend="local", workers=2)
        after_failure = run_arms(arms, backend="local", workers=2)
    assert {r["pid"] for r in kept[1].values()} <= {r["pid"] for r in kept[0].values()}
    assert not {r["pid"] for r in after_failure.values()} & {r["pid"] for r in kept[0].values()}
    assert all(r["threads"] == 1 for k in kept for r in k.values())
    assert kept_means == run_arms(means, backend="serial")
    assert executor._kept_pools == {}  # shut down when the block ends


def test_kept_workers_cpu_time_is_counted_while_they_live(st):
    """Kept workers are reaped only after the last study, so a study's CPU time reads their
    CPU from /proc; without it a study run on kept pools would count almost nothing."""
    from neurips25.common import executor
    from neurips25.runner import _cpu_seconds

    if not os.path.exists(f"/proc/{os.getpid()}/stat"):
        pytest.skip("needs Linux /proc")
    with executor.keep_pools():
        before = _cpu_seconds()
        spent = run_arms([Arm(f"b{i}", st.burn, (0.6,)) for i in range(2)], backend="local",
                         workers=2)
        live = executor.kept_workers_cpu_seconds()
        counted = _cpu_seconds() - before
    assert live >= sum(spent.values()) - 0.05  # the workers' own CPU, including the burns
    assert counted >= sum(spent.values()) - 0.05
    assert executor.kept_workers_cpu_seconds() == 0.0  # none kept after the block
