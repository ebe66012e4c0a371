"""Why Diffusion Models Don't Memorize (Bonnaire, Urfin, Biroli, Mezard; arXiv 2505.17638).

Training first generalizes (at tau_gen, independent of the training-set size n), then
memorizes (at tau_mem, growing linearly with n): early stopping in between generalizes.

Library: ``memorization_fraction`` / ``frechet_distance`` (metrics), DDPM/DDIM
(``Schedule``, ``ddpm_loss``, ``ddim_sample``), ``ResidualMLP``, ``MemorizationMonitor`` for
your own loop, timescale extraction, and the closed-form random-features theory
(``neurips25.diffusion_memorization.random_features``). Heavy modules load on first use.
"""
from __future__ import annotations

from neurips25.common.lazy import lazy_exports
from neurips25.diffusion_memorization.claims import CLAIMS
from neurips25.diffusion_memorization.experiment import Config, run
from neurips25.study import Study

# public names -> module, imported on first access (keeps `neurips25 list` free of torch)
_LAZY = {
    "MemorizationMonitor": "monitor", "log_spaced_steps": "monitor",
    "MemorizationScore": "metrics", "memorization_fraction": "metrics",
    "heldout_baseline": "metrics", "nn_distance_ratios": "metrics", "frechet_distance": "metrics",
    "Schedule": "diffusion", "ddpm_loss": "diffusion", "ddim_sample": "diffusion",
    "ResidualMLP": "models", "fit_linear": "timescales", "crossing_time": "timescales",
}


__getattr__ = lazy_exports(__name__, _LAZY)


STUDY = Study(
    name="diffusion_memorization",
    title="Why Diffusion Models Don't Memorize",
    arxiv="2505.17638",
    finding="tau_gen is flat in n while tau_mem grows ~ n: a widening early-stopping window",
    config_cls=Config,
    run=run,
    claims=CLAIMS,
    quick_runtime="~2 min",
)

__all__ = ["STUDY", "Config", "run", "CLAIMS", *_LAZY]
