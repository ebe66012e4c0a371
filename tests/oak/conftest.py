"""Run the oak tests with one BLAS thread: tiny solves are far faster that way here."""
import pytest

from neurips25.common.threads import threads


@pytest.fixture(autouse=True, scope="session")
def _one_blas_thread():
    with threads(1):
        yield
