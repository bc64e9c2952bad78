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
    """Every row of the page list, following its "next" links."""
    keys, url = [], f"{path}?{query}"
    while True:
        response = client.get(url)
        assert response.status_code == 200
        current = response.context["page"]
        keys += [key(obj) for obj in current.object_list]
        if not current.has_next:
            return keys
        url = f"{path}?{current.links['next']}"


def _export_count(client, path, query):
    response = client.get(f"{path}?{query}&export=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return book.active.max_row - 1


def _api_keys(client, path, query, field):
    response = client.get(f"{path}?{query}&limit=500")
    assert response.status_code == 200, response.content
    return [item[field] for item in response.json()["items"]]


@pytest.mark.parametrize("name", list(LISTS))
def test_page_export_and_api_agree_on_every_filter(world, client_for, settings, name):
    settings.PAGE_SIZE = 2  # the page side walks its "next" links
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


@pytest.mark.parametrize("name", list(LISTS))
def test_first_next_previous_and_last_pages_cover_the_list_in_order(
    world, client_for, settings, name
):
    settings.PAGE_SIZE = 3
    page_path, _api, _field, key = LISTS[name]
    client = client_for("party")
    forward = _page_keys(client, page_path, "active=all", key)
    # Backwards from the last page by "previous" gives the same rows.
    backward, url = [], f"{page_path}?active=all&last=1"
    while True:
        current = client.get(url).context["page"]
        backward = [key(obj) for obj in current.object_list] + backward
        if not current.has_previous:
            break
        url = f"{page_path}?{current.links['previous']}"
    assert backward == forward and len(forward) == len(set(forward))


def test_a_page_costs_the_same_queries_at_any_depth(world, client_for, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_SIZE = 2
    client = client_for("party")
    counts, url = [], "/people/?active=all"
    while url:
        with CaptureQueriesContext(connection) as captured:
            current = client.get(url).context["page"]
        counts.append(len(captured))
        url = f"/people/?{current.links['next']}" if current.has_next else None
    assert len(counts) >= 4 and len(set(counts)) == 1, counts
    with CaptureQueriesContext(connection) as captured:
        client.get("/people/?active=all&last=1")
    assert len(captured) == counts[0]


def test_junk_cursors_show_the_first_page(world, client_for):
    client = client_for("party")
    for junk in ("x", "%00", "W10", "eyJhIjoxfQ", "A" * 3000):
        response = client.get(f"/people/?after={junk}")
        assert response.status_code == 200
        assert not response.context["page"].has_previous
