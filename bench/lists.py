"""The list pages and API lists the national-scale issue names, at their first, a middle and
their last page, and with a name search.

A middle page is addressed as the product addresses it: by the cursor of the row before it
(`?after=`), computed here from the seeded data (not timed). The last page is `?last=1`
(pages) or the `next` cursor of the row before the last page (API; offsets of deep pages are
what the cursor replaces).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from tongxin.core.paging import cursor_of

LISTS = {
    # name: (page URL, API URL, the list definition's import path)
    "courts": ("/courts/", "/api/v1/courts", "tongxin.orgs.lists.COURTS"),
    "departments": (
        "/courts/departments/",
        "/api/v1/departments",
        "tongxin.orgs.lists.DEPARTMENTS",
    ),
    "organisations": (
        "/courts/organisations/",
        "/api/v1/organisations",
        "tongxin.orgs.lists.ORGANISATIONS",
    ),
    "people": ("/people/", "/api/v1/people", "tongxin.people.lists.PEOPLE"),
}


def _definition(path: str):
    from django.utils.module_loading import import_string

    return import_string(path)


def urls(username: str = "admin") -> dict[str, str]:
    """name → URL of every list page and API list at first, middle and last page, and a
    search, for the national administrator's list (the other users get the same URLs)."""
    user = get_user_model().objects.get(username=username)
    found = {}
    for name, (page, api, definition) in LISTS.items():
        qs = _definition(definition).queryset(user, {})
        count = qs.count()
        found[f"{name} list, first page"] = page
        found[f"API {name}, first page"] = api
        if count > 100:
            middle = qs[count // 2 - 1 : count // 2].get()
            cursor = cursor_of(qs, middle)
            found[f"{name} list, middle page"] = f"{page}?after={cursor}"
            found[f"API {name}, middle page"] = f"{api}?after={cursor}"
            before_last = qs[count - 51 : count - 50].get()
            found[f"API {name}, last page"] = f"{api}?after={cursor_of(qs, before_last)}"
        found[f"{name} list, last page"] = f"{page}?last=1"
    person = _definition(LISTS["people"][2]).queryset(user, {}).first()
    if person is not None:
        found["people list, name search"] = f"/people/?q={person.name}"
        found["API people, name search"] = f"/api/v1/people?q={person.name}"
    return found
