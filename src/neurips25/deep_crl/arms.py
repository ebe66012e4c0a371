"""Arms of the depth experiment, run in rounds through the common executor.

An arm is an online CRL run (``run_online_arm``) or one stitching critic (``run_stitch_arm``):
a module-level function of (arm spec as a dict, out dir), so any backend of
``neurips25.common.executor`` (serial, local pool, Ray) can run it with one torch thread.

Each arm saves its result atomically to ``arms/<name>.json`` together with its identity
(its config without the device), and a rerun with the same identity reuses that file: a long
sweep resumes arm by arm, and a killed online arm resumes from its own checkpoint
(``arms/<name>.pt``). These files, rather than the executor's ``cache_dir``, are the cache
because the device is not part of an arm's identity (a sweep may move from CPU to GPU) and
because sweeps started before the move to the common executor wrote them in this form.
The driver checks them before dispatching and writes any a remote worker kept to itself.
"""
from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neurips25.common.io import atomic_write_json, to_jsonable
from neurips25.common.progress import Progress
from neurips25.deep_crl.envs.maze import MazeSpec

ArmFn = Callable[[dict[str, Any], str], dict[str, Any]]


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


def run_stitch_group(spec: dict[str, Any], out_dir: str) -> dict[str, Any]:
    """Train stitching critics that differ only by seed as one stacked program (process entry
    point); saves each member's ``arms/<name>.json`` as ``run_stitch_arm`` would and returns
    ``{"members": {name: result}}``. Members already saved with their identity are reused."""
    from neurips25.common.threads import threads
    from neurips25.deep_crl.stitch_stack import train_stitch_group
    from neurips25.deep_crl.stitch_train import arm_from_dict

    arms = [arm_from_dict(d) for d in spec["arms"]]
    paths = {a.name: Path(out_dir) / "arms" / f"{a.name}.json" for a in arms}
    out = {a.name: saved for a in arms if (saved := finished(paths[a.name], a.identity()))}
    todo = [a for a in arms if a.name not in out]
    if todo:
        with threads(1):
            results = train_stitch_group(todo)
        for a, r in zip(todo, results, strict=True):
            out[a.name] = to_jsonable({**r, "identity": a.identity(), "device": a.device})
            atomic_write_json(paths[a.name], out[a.name])
    return {"members": {a.name: out[a.name] for a in arms}}


@dataclass(frozen=True)
class ArmTask:
    """One arm of a round: its entry point, its spec as a dict, its file name and identity."""

    fn: ArmFn
    spec: dict[str, Any]
    name: str
    identity: dict[str, Any]

    def path(self, out_dir: Path) -> Path:
        return Path(out_dir) / "arms" / f"{self.name}.json"


def stitch_task(arm: Any) -> ArmTask:
    """The task of a ``StitchArm``."""
    return ArmTask(run_stitch_arm, dataclasses.asdict(arm), arm.name, arm.identity())


def online_task(cfg: Any) -> ArmTask:
    """The task of an online ``CRLConfig``."""
    return ArmTask(run_online_arm, dataclasses.asdict(cfg), arm_name(cfg), cfg.identity())


def _stitch_cost(spec: dict[str, Any]) -> float:
    """Relative cost of one stitching critic: steps x batch x (layers + fixed per-step work)."""
    return spec["steps"] * spec["batch_size"] * (spec["depth"] + 6) * spec["width"] ** 2


def stack_seeds(tasks: list[ArmTask], workers: int = 1) -> list[ArmTask]:
    """Stitching tasks that differ only by seed merged into one ``run_stitch_group`` task each
    (members in task order); the stitching units first, costliest first, so a pool's workers
    pull the long groups before the short ones and finish together; other tasks after, in order.
    Where merging would leave fewer units than ``workers`` could run at once (the quick
    preset's round 2: two plain seeds, two workers), the tasks stay as they are: a stacked
    program is ~20-40% cheaper per member but one process, and an idle worker costs more wall.
    """
    groups: dict[str, list[ArmTask]] = {}
    rest = []
    for t in tasks:
        if t.fn is not run_stitch_arm:
            rest.append(t)
            continue
        key = json.dumps(to_jsonable({k: v for k, v in t.spec.items() if k != "seed"}),
                         sort_keys=True)
        groups.setdefault(key, []).append(t)
    units = []
    for members in groups.values():
        if len(members) == 1:
            units.append((_stitch_cost(members[0].spec), members[0]))
            continue
        prefix = members[0].name.rsplit("-s", 1)[0]
        name = f"{prefix}-s" + "+".join(str(m.spec["seed"]) for m in members)
        spec = {"arms": [m.spec for m in members]}
        task = ArmTask(run_stitch_group, spec, name, {"members": [m.identity for m in members]})
        units.append((len(members) * _stitch_cost(members[0].spec), task))
    if len(units) + len(rest) < min(workers, len(tasks)):
        return tasks
    units.sort(key=lambda u: -u[0])  # stable: equal costs keep task order
    return [t for _, t in units] + rest


def run_round(tasks: list[ArmTask], out_dir: Path, workers: int, progress: Progress,
              label: str = "deep_crl arms", stack: bool = False) -> dict[str, dict[str, Any]]:
    """Run one round of arms through ``common.executor.run_arms``; ``{name: result}``, task order.

    Arms with a saved result of the same identity are not dispatched; the backend is the
    executor's default (``--executor``), ``workers`` processes at a time on the local pool.
    ``stack``: the stitching arms left to run that differ only by seed go as one stacked
    program each (``stack_seeds``); every member still gets its own result file.
    """
    from neurips25.common.executor import Arm, run_arms

    names = [t.name for t in tasks]
    if len(set(names)) != len(names):
        raise ValueError("arm names of a round must be unique")
    done = {t.name: saved for t in tasks
            if (saved := finished(t.path(out_dir), t.identity)) is not None}
    todo = [t for t in tasks if t.name not in done]
    if todo:
        progress.log(f"{label}: {len(todo)} to run, {len(done)} reused, {workers} at a time")
        units = stack_seeds(todo, workers) if stack else todo
        arms = [Arm(t.name, t.fn, (t.spec, str(out_dir))) for t in units]
        results = run_arms(arms, workers=min(workers, len(units)), progress=progress,
                           description=label)
        for u in units:
            if u.fn is run_stitch_group:
                results.update(results.pop(u.name)["members"])
        for t in todo:
            r = done[t.name] = results[t.name]
            if finished(t.path(out_dir), t.identity) is None:  # a remote worker's own file
                atomic_write_json(t.path(out_dir), r)
            progress.log(f"arm {t.name} done ({r.get('wall_seconds') or 0:.0f} s wall, "
                         f"{r.get('cpu_seconds') or 0:.0f} CPU-s)")
    return {n: done[n] for n in names}
