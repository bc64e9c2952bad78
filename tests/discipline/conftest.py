import pytest


@pytest.fixture
def recorder(world):
    """The branch member (a staff member of the basic court) who records."""
    return world.users["member"]
