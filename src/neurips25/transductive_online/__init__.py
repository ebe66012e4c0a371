"""Optimal Mistake Bounds for Transductive Online Learning (Chase, Hanneke, Moran, Shafer;
NeurIPS 2025, arXiv 2512.12567): exact mistake bounds of finite classes.

The library computes, exactly: the Littlestone dimension and the standard game's value,
the transductive game's value on a fixed sequence (``transductive_rank``) and its
maximum over sequences, ``transductive_mistake_bound`` (M_tr), with the adversary's
optimal sequence as a certificate. Games between any learner and adversary, the paper's
lower-bound adversary (Algorithms 1-2) and the class families it discusses come with it.
"""
from neurips25.study import Study
from neurips25.transductive_online.claims import CLAIMS
from neurips25.transductive_online.classes import (
    ConceptClass,
    InvalidClassError,
    disjoint_product,
    version_space,
)
from neurips25.transductive_online.experiment import Config, run
from neurips25.transductive_online.families import (
    all_functions,
    four_point_gap,
    power,
    random_class,
    singletons,
    thresholds,
    tree_class,
)
from neurips25.transductive_online.games import (
    ConstantLearner,
    HalvingLearner,
    OptimalStandardAdversary,
    RankAdversary,
    RankLearner,
    SOALearner,
    play_standard,
    play_transductive,
)
from neurips25.transductive_online.littlestone import (
    littlestone_dimension,
    littlestone_tree,
    standard_value,
)
from neurips25.transductive_online.loading import load_class
from neurips25.transductive_online.paper_adversary import PaperAdversary, forced_mistakes
from neurips25.transductive_online.solver import (
    SearchTimeout,
    TransductiveBound,
    can_force,
    transductive_mistake_bound,
)
from neurips25.transductive_online.transductive import (
    RankTable,
    optimal_play,
    transductive_rank,
)

STUDY = Study(
    name="transductive_online",
    title="Optimal Mistake Bounds for Transductive Online Learning",
    arxiv="2512.12567",
    finding="Knowing the sequence in advance lowers the optimal mistake bound below the "
    "Littlestone dimension: exact M_tr on small classes (gaps from 4 points, (2/3)d by "
    "products); the paper's Theta(sqrt d) is asymptotic and shown only as an illustration.",
    config_cls=Config,
    run=run,
    claims=CLAIMS,
    quick_runtime="~6 s",
    figures_note="mtr_vs_ld, paper_adversary",
)

__all__ = [
    "CLAIMS", "STUDY", "ConceptClass", "Config", "ConstantLearner", "HalvingLearner",
    "InvalidClassError", "OptimalStandardAdversary", "PaperAdversary", "RankAdversary",
    "RankLearner", "RankTable", "SOALearner", "SearchTimeout", "TransductiveBound",
    "all_functions", "can_force", "disjoint_product", "forced_mistakes", "four_point_gap",
    "littlestone_dimension", "littlestone_tree", "load_class", "optimal_play", "play_standard",
    "play_transductive", "power", "random_class", "run", "singletons", "standard_value",
    "thresholds", "transductive_mistake_bound", "transductive_rank", "tree_class",
    "version_space",
]
