"""The care pages render in Chinese for the roles that use them."""

import pytest

from tests.care.factories import care_world


@pytest.mark.parametrize(
    "who, path",
    [
        ("secretary", "/care/coverage/"),
        ("secretary", "/care/coverage/{branch}/"),
        ("committee", "/care/talks/{talk}/"),
        ("committee", "/care/branches/{branch}/talks/new/"),
        ("party", "/care/help/{help}/"),
        ("party", "/care/contacts/{contact}/"),
        ("member", "/care/mine/"),
    ],
)
def test_pages_render_in_chinese(world, client_for, who, path):
    w = care_world(world)
    client = client_for(who)
    client.cookies["django_language"] = "zh-hans"
    url = path.format(branch=w.branch.pk, talk=w.talk.pk, help=w.help.pk, contact=w.contact.pk)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()
