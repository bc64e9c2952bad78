"""Anything a user can type into a form gets an answer, never a server error.

Every form of the product is posted with junk in every field (over-long text, Chinese text,
impossible dates, NUL, markup, huge numbers); the test client re-raises any exception a view
lets escape, so a 500 fails the test with its traceback.
"""

import pytest

JUNK = [
    "",
    "x" * 5000,
    "中文字符测试",
    "2024-13-45",
    "-1",
    "\x00",
    "<script>alert(1)</script>",
    "1e309",
    "99999999999999999999999",
    "（2024）京0105民初12345号",
]


def forms(w):
    return {
        "/courts/new/": ["code", "name_zh", "name_en", "level", "kind", "province", "parent_code"],
        f"/courts/{w.basic.pk}/edit/": [
            "code",
            "name_zh",
            "name_en",
            "level",
            "kind",
            "province",
            "parent_code",
        ],
        f"/courts/{w.basic.pk}/departments/new/": ["name_zh", "name_en", "kind"],
        f"/courts/{w.basic.pk}/organisations/new/": [
            "kind",
            "name_zh",
            "name_en",
            "parent",
            "founded_on",
            "departments",
        ],
        f"/courts/organisations/{w.branch.pk}/edit/": [
            "kind",
            "name_zh",
            "name_en",
            "parent",
            "founded_on",
        ],
        f"/courts/organisations/{w.branch.pk}/terms/new/": ["starts_on", "ends_on"],
        f"/courts/organisations/{w.branch.pk}/posts/new/": ["person", "post", "starts_on"],
        f"/people/new/?court={w.basic.pk}": [
            "name",
            "gender",
            "birth_date",
            "staff_number",
            "department",
            "category",
            "cadre_level",
            "political_status",
            "joined_party_on",
            "full_member_on",
            "dues_base",
        ],
        f"/people/{w.members[3].pk}/edit/": ["name", "birth_date", "staff_number", "dues_base"],
        f"/people/{w.members[3].pk}/move/": ["organisation", "cell", "on"],
        "/accounts/grants/": [
            "username",
            "password",
            "staff_number",
            "role",
            "court_code",
            "organisation_name",
        ],
        "/courts/health/rules/": ["code", "branch_too_small-value", "committee_size-value_max"],
        "/accounts/password/": ["old_password", "new_password1", "new_password2"],
        "/accounts/profile/": ["name"],
        "/accounts/language/": ["language", "next"],
        "/transfer/import/": ["kind", "file"],
        "/accounts/login/": ["username", "password"],
    }


@pytest.mark.parametrize("junk", JUNK, ids=range(len(JUNK)))
def test_every_form_answers_junk_without_a_server_error(world, client_for, junk):
    client = client_for("admin")
    for url, fields in forms(world).items():
        response = client.post(url, {name: junk for name in fields})
        assert response.status_code < 500, url


def test_junk_in_query_strings_of_every_list(world, client_for):
    client = client_for("admin")
    for path in (
        "/courts/",
        "/courts/departments/",
        "/courts/organisations/",
        "/people/",
        "/courts/health/",
        "/accounts/audit/",
        "/accounts/grants/",
    ):
        for junk in JUNK:
            for name in (
                "q",
                "court",
                "court_id",
                "level",
                "kind",
                "status",
                "category",
                "organisation",
                "active",
                "rule",
                "page",
                "action",
                "export",
            ):
                assert client.get(path, {name: junk}).status_code < 500, (path, name, junk)
