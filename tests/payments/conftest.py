import pytest

from tests import factories


@pytest.fixture
def staff_client(client):
    client.force_login(factories.staff_user())
    return client
