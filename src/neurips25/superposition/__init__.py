"""Superposition Yields Robust Neural Scaling (Liu, Liu & Gore, arXiv 2505.10465).

Library: feature sampler, toy model y = ReLU(W W^T x + b), the paper's signed decoupled
weight decay, overlap / Welch-bound metrics (also for any LLM's unembedding), power-law
fits. Experiment: loss vs width in the strong and weak regimes.
"""
from neurips25.study import Study
from neurips25.superposition.claims import CLAIMS
from neurips25.superposition.experiment import Config, run
from neurips25.superposition.features import feature_probs, sample_features
from neurips25.superposition.metrics import (
    PowerLawFit,
    fit_power_law,
    represented_fraction,
    unembedding_overlap,
    unlearned_loss,
    welch_bound,
)
from neurips25.superposition.model import ToyModel, decay_step, summed_loss

STUDY = Study(
    name="superposition",
    title="Superposition Yields Robust Neural Scaling",
    arxiv="2505.10465",
    finding="Under strong superposition loss ∝ 1/width for any feature-frequency profile.",
    config_cls=Config,
    run=run,
    claims=CLAIMS,
    quick_runtime="~3 min",
)

__all__ = [
    "STUDY",
    "Config",
    "PowerLawFit",
    "ToyModel",
    "decay_step",
    "feature_probs",
    "fit_power_law",
    "represented_fraction",
    "run",
    "sample_features",
    "summed_loss",
    "unembedding_overlap",
    "unlearned_loss",
    "welch_bound",
]
