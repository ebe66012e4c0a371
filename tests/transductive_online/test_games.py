"""Games between learners and adversaries; the paper's adversary (Algorithms 1-2)."""
import pytest

from neurips25.transductive_online.classes import ConceptClass, log2_floor
from neurips25.transductive_online.families import four_point_gap, thresholds, tree_class
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
from neurips25.transductive_online.littlestone import littlestone_dimension
from neurips25.transductive_online.paper_adversary import (
    PaperAdversary,
    algorithm2_sequence,
    forced_mistakes,
    paper_eps,
    paper_max_splits,
)
from neurips25.transductive_online.solver import transductive_mistake_bound
from neurips25.transductive_online.transductive import transductive_rank


def test_soa_against_the_optimal_standard_adversary_makes_exactly_ld(small_classes):
    for cls in small_classes[:120]:
        record = play_standard(cls, SOALearner(), OptimalStandardAdversary())
        assert record.mistakes == littlestone_dimension(cls), cls.rows()
        assert record.version_space  # every label was realizable


def test_halving_stays_within_log2_and_loses_at_least_ld(small_classes):
    for cls in small_classes[:120]:
        record = play_standard(cls, HalvingLearner(), OptimalStandardAdversary())
        assert littlestone_dimension(cls) <= record.mistakes <= log2_floor(cls.size)


def test_rank_learner_against_rank_adversary_makes_exactly_m_tr(small_classes):
    for cls in small_classes[:120]:
        m = transductive_mistake_bound(cls).value
        assert play_transductive(cls, RankLearner(), RankAdversary()).mistakes == m
        # any learner loses at least M_tr to the optimal adversary, SOA at most LD
        assert m <= play_transductive(cls, ConstantLearner(1), RankAdversary()).mistakes
        assert play_transductive(cls, SOALearner(), RankAdversary()).mistakes <= \
            littlestone_dimension(cls)


def test_the_gap_class_in_play():
    cls = four_point_gap()
    assert play_standard(cls, SOALearner(), OptimalStandardAdversary()).mistakes == 3
    assert play_transductive(cls, RankLearner(), RankAdversary()).mistakes == 2


class _Cheat:
    def choose_sequence(self, cls):
        return (0,)

    def label(self, v, t, x, prediction):
        return 1  # no hypothesis labels x0 with 1 below


def test_unrealizable_labels_are_refused():
    cls = ConceptClass.from_rows([[0, 0], [0, 1]])
    with pytest.raises(ValueError, match="not realizable"):
        play_transductive(cls, ConstantLearner(0), _Cheat())
    with pytest.raises(ValueError, match="needs the announced sequence"):
        RankLearner().reset(cls, None)


def test_paper_adversary_never_beats_the_exact_value():
    for depth in range(1, 5):
        cls = tree_class(depth)
        m = transductive_mistake_bound(cls).value
        for eps, splits in ((0.5, 1), (0.25, 3), (0.5, depth + 1), (0.1, 2)):
            seq = algorithm2_sequence(cls, depth + 1, eps, splits)
            forced = forced_mistakes(cls, seq, eps, splits)
            assert forced <= min(splits, transductive_rank(cls, seq)) <= m


def test_paper_adversary_tuned_matches_m_tr_on_small_minimal_trees():
    """Research notes: with eps, M tuned it matched M_tr at tree depths 3-4."""
    for depth in (2, 3):
        cls = tree_class(depth)
        seq = algorithm2_sequence(cls, depth + 1, 0.5, depth + 1)
        assert forced_mistakes(cls, seq, 0.5, depth + 1) == depth + 1


def test_paper_adversary_in_a_game_forces_what_forced_mistakes_says():
    cls = thresholds(15)
    adv = PaperAdversary(eps=0.25, max_splits=3)
    d, eps, m = adv.params(cls)
    assert (d, eps, m) == (4, 0.25, 3)
    seq = adv.choose_sequence(cls)
    least = forced_mistakes(cls, seq, eps, m)
    for learner in (RankLearner(), SOALearner(), HalvingLearner(), ConstantLearner(0)):
        assert play_transductive(cls, learner, PaperAdversary(eps=0.25, max_splits=3)
                                 ).mistakes >= least


def test_paper_defaults():
    assert paper_eps(4) == 0.5 and paper_max_splits(4) == 1 and paper_max_splits(900) == 3
