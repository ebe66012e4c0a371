"""Single-threaded torch: tiny models run much faster than with thread contention."""
import pytest

from neurips25.common.threads import threads


@pytest.fixture(autouse=True, scope="session")
def _one_thread():
    with threads(1):
        yield
