"""Fixtures shared across the test modules."""
import pytest

from placard.store.testing import postgres_skip_reason, postgres_test_url, temporary_store


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    """An empty store on each backend; PostgreSQL runs when PLACARD_TEST_POSTGRES_URL is set."""
    if request.param == "postgres" and not postgres_test_url():
        pytest.skip(postgres_skip_reason())
    with temporary_store(request.param, tmp_path) as opened:
        yield opened
