"""Every deep_crl test runs with one torch thread, as the experiment's arms do.

Tiny networks on a busy 2-core machine are many times slower with several threads
(they spin while waiting for a core); the threads are restored after each test.
"""
import pytest

from neurips25.common.threads import threads


@pytest.fixture(autouse=True)
def _one_thread():
    import torch  # noqa: F401  (threads() limits torch only once it is imported)

    with threads(1):
        yield
