"""Every menu entry an app registers opens for whoever sees it (no menu link to a 403)."""

import pytest

from tests.conftest import ROLES
from tongxin.core.extensions import menus_for
from tongxin.core.scoping import scope_for


@pytest.mark.parametrize("role", ROLES)
def test_every_menu_entry_a_role_sees_opens(world, client_for, role):
    user = world.users[role]
    client = client_for(role)
    wrong = []
    for menu in menus_for(scope_for(user)):
        for item in menu["items"]:
            response = client.get(item["url"], follow=True)
            if response.status_code != 200:
                wrong.append(f"{menu['key']}: {item['url']} answers {response.status_code}")
    assert not wrong, "\n".join(wrong)
