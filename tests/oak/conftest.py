"""Run the oak tests with one BLAS thread: tiny solves are far faster that way here."""
import pytest

from neurips25.oak.threads import single_blas_thread


@pytest.fixture(autouse=True, scope="session")
def _one_blas_thread():
    with single_blas_thread():
        yield
