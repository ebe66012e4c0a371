"""Feature utility: which subproblems earn their keep in planning (Oak's "keep or drop").

Oak (Sutton's NeurIPS 2025 talk) has the agent pose subproblems from its own features and
keep those whose options prove useful. In its simplest tabular form, with one option per
feature, we score each feature two ways during planning with all options together:

* usage: the fraction of backups (states x sweeps) that the feature's option wins; a tie
  between k options gives each 1/k, so no option gains from its position in the list;
* value added alone: how much the true value of the greedy policy after a few sweeps,
  averaged over states, rises when the option alone joins the primitive actions. (Removing
  one option from the full set costs nothing here: the others cover for it.)
"""
from __future__ import annotations

import numpy as np

from neurips25.oak.models import Models
from neurips25.oak.planning import backups, greedy_value_curve, value_sweeps

TIE_TOL = 1e-12


def usage(models: Models, sweeps: int) -> np.ndarray:
    """Share of (state, sweep) backups won by each option in sweeps 1..``sweeps``, (O,)."""
    vs = value_sweeps(models, sweeps)
    won = np.zeros(len(models))
    for v in vs[:-1]:
        b = backups(models, v)
        best = b >= b.max(0, keepdims=True) - TIE_TOL
        won += (best / best.sum(0, keepdims=True)).sum(1)
    return won / (sweeps * models.r.shape[1])


def value_added_alone(
    primitives: tuple[Models, Models], options: tuple[Models, Models], sweeps: int
) -> np.ndarray:
    """Per option: mean over states of greedy value after ``sweeps`` with primitives + it,
    minus the same with primitives only. Each pair is (planning models, exact models)."""
    plan_p, true_p = primitives
    base = greedy_value_curve(plan_p, true_p, sweeps)[-1].mean()
    plan_o, true_o = options
    gains = []
    for i in range(len(plan_o)):
        v = greedy_value_curve(plan_p + plan_o.subset([i]), true_p + true_o.subset([i]), sweeps)
        gains.append(v[-1].mean() - base)
    return np.array(gains)
