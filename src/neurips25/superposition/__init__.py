"""Superposition Yields Robust Neural Scaling (Liu, Liu & Gore, arXiv 2505.10465).

Library: feature sampler, toy model y = ReLU(W W^T x + b), the paper's signed decoupled
weight decay, overlap / Welch-bound metrics (also for any LLM's unembedding), power-law
fits. Experiment: loss vs width in the strong and weak regimes.

Torch-backed names load on first use, so that ``import neurips25.superposition`` (and the
CLI) stays free of torch.
"""
from __future__ import annotations

from neurips25.common.lazy import lazy_exports
from neurips25.study import Study
from neurips25.superposition.claims import CLAIMS
from neurips25.superposition.experiment import Config, run

_LAZY = {
    "feature_probs": "features", "sample_features": "features",
    "PowerLawFit": "metrics", "fit_power_law": "metrics", "represented_fraction": "metrics",
    "unembedding_overlap": "metrics", "unlearned_loss": "metrics", "welch_bound": "metrics",
    "ToyModel": "model", "decay_step": "model", "summed_loss": "model",
}


__getattr__ = lazy_exports(__name__, _LAZY)


STUDY = Study(
    name="superposition",
    title="Superposition Yields Robust Neural Scaling",
    arxiv="2505.10465",
    finding="Under strong superposition loss ∝ 1/width for any feature-frequency profile.",
    config_cls=Config,
    run=run,
    claims=CLAIMS,
    quick_runtime="~1 min",
)

__all__ = ["CLAIMS", "STUDY", "Config", "run", *_LAZY]
