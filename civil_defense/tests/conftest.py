import pytest


@pytest.fixture(autouse=True)
def _db(db):
    """Every civil-defense test uses the database."""
