"""Oak / STOMP: subtasks -> options -> option models -> planning, tabular and exact.

Sutton's NeurIPS 2025 talk (the Oak architecture) builds on the STOMP progression of
Sutton et al. 2023, "Reward-respecting subtasks for model-based reinforcement learning"
(arXiv 2202.03466). This package implements that progression on the paper's four-rooms
world. Not implemented from Oak: function approximation, meta-learned step sizes and
continual feature discovery (features here are fixed one-hot cells).
"""
from neurips25.oak.claims import CLAIMS
from neurips25.oak.experience import Stream, behaviour_stream
from neurips25.oak.experiment import Config, run
from neurips25.oak.gridworld import (
    GridWorld,
    bellman_residual,
    four_rooms,
    policy_values,
    two_rooms,
    value_iteration,
)
from neurips25.oak.models import Models, exact_models, learn_models, model_error
from neurips25.oak.options import (
    Option,
    learn_options,
    option_from_q,
    primitive_options,
    solve_subtask,
)
from neurips25.oak.planning import (
    greedy_choice,
    greedy_value_curve,
    plan_to_convergence,
    smdp_values,
    value_sweeps,
)
from neurips25.oak.subtasks import (
    Subtask,
    one_hot_features,
    random_cell_features,
    reward_respecting,
    shortest_path,
)
from neurips25.oak.utility import usage, value_added_alone
from neurips25.study import Study

STUDY = Study(
    name="oak",
    title="Oak / STOMP: reward-respecting subtasks, options, option models and planning",
    arxiv="2202.03466",
    finding="Planning with learned models of reward-respecting hallway options reaches "
    "near-optimal value in a few sweeps, many times fewer than with primitive actions.",
    config_cls=Config,
    run=run,
    claims=CLAIMS,
    quick_runtime="~15 s",
    figures_note="value_vs_sweeps, option_routes, model_error, feature_utility",
)

__all__ = [
    "CLAIMS", "STUDY", "Config", "GridWorld", "Models", "Option", "Stream", "Subtask",
    "behaviour_stream", "bellman_residual", "exact_models", "four_rooms", "greedy_choice",
    "greedy_value_curve", "learn_models", "learn_options", "model_error", "one_hot_features",
    "option_from_q", "plan_to_convergence", "policy_values", "primitive_options",
    "random_cell_features", "reward_respecting", "run", "shortest_path", "smdp_values",
    "solve_subtask", "two_rooms", "usage", "value_added_alone", "value_iteration", "value_sweeps",
]
