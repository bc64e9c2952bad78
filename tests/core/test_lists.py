"""One list definition: the page, its .xlsx export and the API give the same rows for the same
filters (a filter means one thing everywhere)."""

import io

import openpyxl
import pytest

LISTS = {
    # page path, API path, key column in the export, key of an API item, key of a page row
    "courts": ("/courts/", "/api/v1/courts", "code", lambda o: o.code),
    "departments": ("/courts/departments/", "/api/v1/departments", "id", lambda o: o.pk),
    "organisations": ("/courts/organisations/", "/api/v1/organisations", "id", lambda o: o.pk),
    "people": ("/people/", "/api/v1/people", "id", lambda o: o.pk),
}
FILTERS = {
    "courts": ["", "q=南京", "q=苏01", "level=basic", "province=苏", "active=all", "active=0"],
    "departments": ["", "court=苏01", "court=苏0102", "court=京", "q=Civil", "kind=judicial"],
    "organisations": ["", "court=苏01", "kind=branch", "q=民一庭", "active=0", "active=all"],
    "people": [
        "",
        "court=苏0102",
        "political_status=full",
        "political_status=probationary",
        "category=judge",
        "q=A",
        "active=all",
    ],
}


def _page_keys(client, path, query, key):
    keys, page = [], 1
    while True:
        response = client.get(f"{path}?{query}&page={page}")
        assert response.status_code == 200
        current = response.context["page"]
        keys += [key(obj) for obj in current.object_list]
        if not current.has_next():
            return keys
        page += 1


def _export_count(client, path, query):
    response = client.get(f"{path}?{query}&export=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return book.active.max_row - 1


def _api_keys(client, path, query, field):
    response = client.get(f"{path}?{query}&limit=500")
    assert response.status_code == 200, response.content
    return [item[field] for item in response.json()["items"]]


@pytest.mark.parametrize("name", list(LISTS))
def test_page_export_and_api_agree_on_every_filter(world, client_for, name):
    page_path, api_path, field, key = LISTS[name]
    client = client_for("party")
    for query in FILTERS[name]:
        # The page names the status filter "status", the API "political_status": both read
        # the same filter (the API's name is an alias).
        page_query = query.replace("political_status=", "status=")
        on_page = _page_keys(client, page_path, page_query, key)
        in_api = _api_keys(client, api_path, query, field)
        assert on_page == in_api, (name, query)
        assert _export_count(client, page_path, page_query) == len(on_page), (name, query)


def test_the_comparison_sees_filters(world, client_for):
    """The agreement above is not vacuous: filters change what the lists hold."""
    client = client_for("party")
    everyone = _api_keys(client, "/api/v1/people", "", "id")
    judges = _api_keys(client, "/api/v1/people", "political_status=probationary", "id")
    assert everyone and len(judges) < len(everyone)
