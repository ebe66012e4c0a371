"""The fixed-sequence rank against the plain game; order, subsets and repeats."""
import numpy as np
import pytest

from neurips25.transductive_online import reference
from neurips25.transductive_online.classes import ConceptClass
from neurips25.transductive_online.families import all_functions, thresholds
from neurips25.transductive_online.transductive import (
    RankTable,
    optimal_play,
    transductive_rank,
)


def test_rank_equals_the_plain_game_on_random_sequences(small_classes):
    rng = np.random.default_rng(1)
    for cls in small_classes:
        for _ in range(3):  # repeats allowed: they must be no-ops
            seq = rng.integers(0, cls.n_points, size=int(rng.integers(0, 8))).tolist()
            assert transductive_rank(cls, seq) == reference.game_value_fixed(cls, seq)


def test_order_matters():
    """Same three points of thresholds on 3 points: middle first forces 2, left first 1."""
    cls = thresholds(3)
    assert transductive_rank(cls, [1, 0, 2]) == 2
    assert transductive_rank(cls, [0, 1, 2]) == transductive_rank(cls, [0, 2, 1]) == 1


def test_adding_a_point_can_lower_the_value():
    """Notes: all 4 functions on {a, b}: rank 2 on (a, b), 1 on (z, a, b) with z = [ab != 00]."""
    cls = ConceptClass.from_rows([[0, 0, 0], [1, 0, 1], [0, 1, 1], [1, 1, 1]])  # columns a, b, z
    assert transductive_rank(cls, [0, 1]) == 2
    assert transductive_rank(cls, [2, 0, 1]) == 1


def test_repeats_do_not_change_the_rank(small_classes):
    for cls in small_classes[:60]:
        seq = list(range(cls.n_points))
        assert transductive_rank(cls, seq + seq[::-1]) == transductive_rank(cls, seq)
        assert transductive_rank(cls, [x for x in seq for _ in range(2)]) == \
            transductive_rank(cls, seq)


def test_thresholds_binary_search_order_forces_log2():
    cls = thresholds(7)
    assert transductive_rank(cls, [3, 1, 5, 0, 2, 4, 6]) == 3
    assert transductive_rank(cls, range(7)) < 3  # left to right: the learner says 0 first


def test_optimal_play_makes_exactly_rank_mistakes(small_classes):
    for cls in small_classes[:100]:
        seq = list(range(cls.n_points))[::-1]
        rounds = optimal_play(cls, seq)
        assert sum(r.mistake for r in rounds) == transductive_rank(cls, seq)


def test_learner_prediction_takes_the_side_of_larger_rank():
    cls = all_functions(3)
    table = RankTable(cls, [0, 1, 2])
    assert table.rank(cls.full) == 3
    with pytest.raises(ValueError, match="not one of the 3 points"):
        RankTable(cls, [3])
