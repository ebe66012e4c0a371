"""Arms of the depth experiment: independent, picklable ``(arm dict, out dir) -> result`` functions.

Each arm (an online CRL run, or one stitching critic) runs in its own process with one
torch thread. Its result is written atomically to ``arms/<name>.json``; a rerun whose arm
has the same identity (its config without the device) reuses that file, so a long sweep
resumes arm by arm, and a killed online arm resumes from its checkpoint.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from neurips25.common.io import atomic_write_json, to_jsonable
from neurips25.common.progress import Progress
from neurips25.deep_crl.envs.maze import MazeSpec

ArmFn = Callable[[dict[str, Any], str], dict[str, Any]]
Followup = Callable[[list[dict[str, Any]]], list[tuple[ArmFn, dict[str, Any]]]]


def arm_name(cfg: Any) -> str:
    """File name of an online arm: architecture, depth, seed."""
    return f"{arch_kind(cfg.residual, cfg.layer_norm)}-d{cfg.critic_depth}-s{cfg.seed}"


def arch_kind(residual: bool, layer_norm: bool) -> str:
    """'res' (the paper's), 'plain' (neither), 'nores' or 'noln'."""
    if residual and layer_norm:
        return "res"
    if not (residual or layer_norm):
        return "plain"
    return "nores" if not residual else "noln"


def config_from_dict(d: dict[str, Any]) -> Any:
    from neurips25.deep_crl.train import CRLConfig

    d = dict(d)
    d["maze"] = MazeSpec(**d["maze"])
    return CRLConfig(**d)


def finished(path: Path, identity: dict[str, Any]) -> dict[str, Any] | None:
    """The saved arm result at ``path`` if it was made with this identity, else None."""
    if not path.is_file():
        return None
    try:
        saved = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return saved if saved.get("identity") == to_jsonable(identity) else None


def run_online_arm(cfg_dict: dict[str, Any], out_dir: str) -> dict[str, Any]:
    """Train one online CRL arm and measure its Q-map topology (process entry point)."""
    from neurips25.common.threads import threads
    from neurips25.deep_crl.analysis import far_goal_cell, q_map, topology_score
    from neurips25.deep_crl.train import train

    cfg = config_from_dict(cfg_dict)
    name = arm_name(cfg)
    path = Path(out_dir) / "arms" / f"{name}.json"
    if (saved := finished(path, cfg.identity())) is not None:
        return saved
    ckpt = path.with_suffix(".pt")
    with threads(1):
        agent, metrics = train(cfg, checkpoint=ckpt)
        goal = far_goal_cell(agent.env)
        qm = q_map(agent.critic, agent.env, goal)
    result = to_jsonable({"name": name, "identity": cfg.identity(), "device": cfg.device,
                          "depth": cfg.critic_depth, "residual": cfg.residual,
                          "layer_norm": cfg.layer_norm,
                          "seed": cfg.seed, **metrics, "q_goal_cell": list(goal), "q_map": qm,
                          "topology": topology_score(qm, agent.env.walls_np, goal)})
    atomic_write_json(path, result)
    ckpt.unlink(missing_ok=True)  # written by this arm's own train()
    return result


def run_stitch_arm(arm_dict: dict[str, Any], out_dir: str) -> dict[str, Any]:
    """Train and score one stitching critic (process entry point)."""
    from neurips25.common.threads import threads
    from neurips25.deep_crl.stitch_train import arm_from_dict, train_stitch

    arm = arm_from_dict(arm_dict)
    path = Path(out_dir) / "arms" / f"{arm.name}.json"
    if (saved := finished(path, arm.identity())) is not None:
        return saved
    with threads(1):
        result = to_jsonable({**train_stitch(arm), "identity": arm.identity(),
                              "device": arm.device})
    atomic_write_json(path, result)
    return result


def run_arms(tasks: list[tuple[ArmFn, dict[str, Any]]], out_dir: Path, workers: int,
             progress: Progress, label: str,
             follow: tuple[set[int], Followup] | None = None) -> list[dict[str, Any]]:
    """Run ``fn(arm, out_dir)`` per task, ``workers`` processes at a time; results in task order.

    ``follow = (ids, make)``: once the tasks with indices ``ids`` are done, ``make(their results)``
    returns more tasks (e.g. the other seeds at a learning rate chosen on the first), appended
    to the queue without waiting for the rest.
    """
    tasks = list(tasks)
    results: dict[int, dict[str, Any]] = {}
    wait_for, make = follow if follow else (set(), None)

    def more() -> None:
        nonlocal make
        if make is not None and wait_for <= results.keys():
            tasks.extend(make([results[i] for i in sorted(wait_for)]))
            make = None

    more()
    if workers == 1:
        i = 0
        while i < len(tasks):
            fn, arm = tasks[i]
            results[i] = fn(arm, str(out_dir))
            progress.log(_done(results[i], len(results), len(tasks)))
            i += 1
            more()
        return [results[i] for i in range(len(tasks))]
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        pending = {pool.submit(fn, arm, str(out_dir)): i for i, (fn, arm) in enumerate(tasks)}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                i = pending.pop(fut)
                results[i] = r = fut.result()
                progress.log(_done(r, len(results), len(tasks)))
            n = len(tasks)
            more()
            pending.update({pool.submit(fn, arm, str(out_dir)): j
                            for j, (fn, arm) in enumerate(tasks[n:], n)})
    return [results[i] for i in range(len(tasks))]


def _done(r: dict[str, Any], n_done: int, n_all: int) -> str:
    return f"arm {r['name']} done ({r.get('wall_seconds') or 0:.0f} s) [{n_done}/{n_all}]"
