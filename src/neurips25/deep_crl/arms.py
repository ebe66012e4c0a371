"""One arm of the depth experiment, run in its own process with one torch thread.

An arm trains a CRL agent for one (depth, architecture, seed), then measures its Q-map
topology. Its result is written atomically to ``arms/<name>.json``; a rerun with the
same config reuses it, and a killed arm resumes from its checkpoint.
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from neurips25.common.io import _to_jsonable, atomic_write_json
from neurips25.deep_crl.envs.maze import MazeSpec
from neurips25.deep_crl.train import CRLConfig


def arm_name(cfg: CRLConfig) -> str:
    kind = "res" if cfg.residual and cfg.layer_norm else ("plain" if not (cfg.residual or cfg.layer_norm)
                                                          else ("nores" if not cfg.residual else "noln"))
    return f"{kind}-d{cfg.critic_depth}-s{cfg.seed}"


def config_from_dict(d: dict[str, Any]) -> CRLConfig:
    d = dict(d)
    d["maze"] = MazeSpec(**d["maze"])
    return CRLConfig(**d)


def run_arm(cfg_dict: dict[str, Any], out_dir: str) -> dict[str, Any]:
    """Train one arm (process entry point); returns its JSON-able result."""
    import torch

    torch.set_num_threads(1)
    from neurips25.deep_crl.analysis import far_goal_cell, q_map, topology_score
    from neurips25.deep_crl.train import train

    cfg = config_from_dict(cfg_dict)
    name = arm_name(cfg)
    arms = Path(out_dir) / "arms"
    arms.mkdir(parents=True, exist_ok=True)
    path = arms / f"{name}.json"
    if path.is_file():
        saved = json.loads(path.read_text())
        if saved.get("config") == _to_jsonable(dataclasses.asdict(cfg)):
            return saved
    ckpt = arms / f"{name}.pt"
    agent, metrics = train(cfg, checkpoint=ckpt)
    goal = far_goal_cell(agent.env)
    qm = q_map(agent.critic, agent.env, goal)
    result = {"name": name, "config": dataclasses.asdict(cfg), "depth": cfg.critic_depth,
              "residual": cfg.residual, "layer_norm": cfg.layer_norm, "seed": cfg.seed,
              **metrics, "q_goal_cell": list(goal), "q_map": qm,
              "topology": topology_score(qm, agent.env.walls_np, goal)}
    result = _to_jsonable(result)
    atomic_write_json(path, result)
    ckpt.unlink(missing_ok=True)
    return result
