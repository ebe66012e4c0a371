"""LD by its recursion vs the shattered-tree definition and the standard game's value."""
import pytest

from neurips25.transductive_online import reference
from neurips25.transductive_online.classes import ConceptClass
from neurips25.transductive_online.families import all_functions, thresholds, tree_class
from neurips25.transductive_online.littlestone import (
    halving_predict,
    littlestone_dimension,
    littlestone_tree,
    soa_predict,
    standard_value,
    tree_depth,
    tree_is_shattered,
)


def test_ld_equals_the_shattered_tree_definition(small_classes):
    for cls in small_classes:
        assert littlestone_dimension(cls) == reference.ld_by_trees(cls), cls.rows()


def test_standard_minimax_equals_ld_and_the_plain_game(small_classes):
    """Littlestone's theorem, with the game value computed two independent ways."""
    for cls in small_classes:
        ld = littlestone_dimension(cls)
        assert standard_value(cls) == ld, cls.rows()
        if cls.n_points <= 5:
            assert reference.standard_game_value(cls) == ld, cls.rows()


def test_a_littlestone_tree_of_depth_ld_is_shattered(small_classes):
    for cls in small_classes[:100]:
        tree = littlestone_tree(cls)
        assert tree_depth(tree) == littlestone_dimension(cls)
        assert tree_is_shattered(cls, tree)


def test_no_tree_deeper_than_ld():
    cls = ConceptClass.from_rows([[0, 0], [1, 0], [0, 1]])  # LD 1: no depth-2 tree
    assert littlestone_dimension(cls) == 1
    with pytest.raises(ValueError, match="does not shatter"):
        littlestone_tree(cls, depth=2)


@pytest.mark.parametrize("n", [1, 2, 3, 6, 7, 15, 40])
def test_thresholds_ld_is_log2(n):
    assert littlestone_dimension(thresholds(n)) == (n + 1).bit_length() - 1


def test_known_dimensions():
    assert littlestone_dimension(all_functions(5)) == 5
    assert [littlestone_dimension(tree_class(d)) for d in range(4)] == [1, 2, 3, 4]
    assert littlestone_dimension(ConceptClass.from_rows([[0, 1]])) == 0
    assert littlestone_dimension(ConceptClass.from_rows([[0, 1]]), 0) == -1


def test_soa_and_halving_predictions():
    cls = thresholds(7)  # h_t(x) = [x >= t], t = 0..7
    assert soa_predict(cls, cls.full, 0) in (0, 1)
    only_ones = cls.full & cls.ones[6]  # every remaining hypothesis says 1 on x6
    assert soa_predict(cls, only_ones, 6) == 1 and halving_predict(cls, only_ones, 6) == 1
    assert halving_predict(cls, cls.full, 1) == 0  # only t = 0, 1 label x1 with 1
    assert halving_predict(cls, cls.full, 6) == 1  # t = 0..6 do
