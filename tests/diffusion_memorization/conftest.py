import pytest

from neurips25.common.threads import threads


@pytest.fixture(autouse=True, scope="session")
def _one_thread():
    """Small models on a shared 2-core box: one thread is ~10x faster than two."""
    with threads(1):
        yield
