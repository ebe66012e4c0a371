import pytest
import torch


@pytest.fixture(autouse=True, scope="session")
def _one_thread():
    """Small models on a shared 2-core box: one thread is ~10x faster than two."""
    torch.set_num_threads(1)
