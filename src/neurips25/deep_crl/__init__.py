"""Deep contrastive RL: residual networks to hundreds of layers for goal-conditioned RL.

Wang et al., "1000 Layer Networks for Self-Supervised RL: Scaling Depth Can Enable New
Goal-Reaching Capabilities" (arXiv 2503.14858, NeurIPS 2025 best paper), in PyTorch:
the paper's residual MLP (``ResidualMLP``), the contrastive critic and tanh-Gaussian
actor, the InfoNCE + logsumexp losses, an episode buffer with geometric relabelling,
batched point mazes, stitching critics (trained on near pairs, scored on far ones) and
the depth experiment; every trainer takes a ``device`` (cpu by default, cuda where present).
Torch-backed names load on first use so
that ``import neurips25.deep_crl`` (and the CLI) stays fast.
"""
from __future__ import annotations

from neurips25.common.lazy import lazy_exports
from neurips25.deep_crl.claims import CLAIMS
from neurips25.deep_crl.experiment import Config, run
from neurips25.study import Study

_LAZY = {
    "EpisodeBuffer": "buffer", "truncated_geometric": "buffer",
    "LAYOUTS": "envs.maze", "MazeSpec": "envs.maze", "PointMaze": "envs.maze",
    "bfs_distances": "envs.maze",
    "critic_loss": "losses", "energy": "losses", "infonce": "losses", "logsumexp_penalty": "losses",
    "pairwise_energy": "losses",
    "Actor": "networks", "Critic": "networks", "ResidualMLP": "networks",
    "residual_mlp_param_count": "networks",
    "CRLConfig": "train", "evaluate": "train", "train": "train",
    "q_map": "analysis", "q_matrix": "analysis", "ranking_accuracy": "analysis",
    "topology_score": "analysis",
    "StitchSpec": "stitch_data", "make_pairs": "stitch_data", "StitchArm": "stitch_train",
    "train_stitch": "stitch_train", "resolve_device": "device",
}


__getattr__ = lazy_exports(__name__, _LAZY)


STUDY = Study(
    name="deep_crl",
    title="1000 Layer Networks for Self-Supervised RL",
    arxiv="2503.14858",
    finding=("Deeper (residual, LayerNorm, swish) networks let contrastive RL reach goals that "
             "4-layer ones cannot."),
    config_cls=Config,
    run=run,
    claims=CLAIMS,
    quick_runtime="~3 min",
    figures_note=("stitching.png: far-pair ranking / Q topology / held-out loss vs depth; "
                  "q_maps.png: Fig. 9 analogue (shallow vs deepest critic, same goal); the full "
                  "preset adds depth_success.png (online success / time at goal vs depth), "
                  "learning_curves.png, q_maps_online.png"),
)

__all__ = ["CLAIMS", "STUDY", "Config", "run", *_LAZY]
