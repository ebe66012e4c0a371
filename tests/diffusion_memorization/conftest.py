import pytest

from neurips25.common.threads import threads


@pytest.fixture(autouse=True, scope="session")
def _one_thread():
    """Small models on a shared 2-core box: one thread is ~10x faster than two."""
    with threads(1):
        yield


@pytest.fixture
def random_mlp():
    """A stacked ResidualMLP(5, width 16, 2 blocks) with every weight drawn N(0, 0.3):
    fc2 starts at zero, so the draw makes every layer count in a comparison."""
    import torch

    from neurips25.diffusion_memorization.models import ResidualMLP

    def make(members: int) -> ResidualMLP:
        m = ResidualMLP(5, width=16, blocks=2, members=members)
        with torch.no_grad():
            for p in m.parameters():
                p.normal_(0, 0.3)
        return m
    return make
