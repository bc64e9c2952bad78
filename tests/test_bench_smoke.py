"""The benchmark machinery at the smallest scale, in the test database: structure, not speed."""

import json

from bench import measure, run


def test_bench_seeds_and_measures_every_page_for_every_demo_user(db):
    seed = measure.seed_timed(scale="small", seed=1)
    assert seed.counts["courts"] > 1 and seed.counts["people"] > 100
    assert seed.seconds >= 0 and seed.peak_rss_mb > 0

    results = measure.measure_pages(repeat=2)

    expected = {(user, page) for user in measure.USERS for page in ["trivial", *measure.PAGES]}
    assert {(row.user, row.page) for row in results} == expected
    for row in results:
        assert row.status in (200, 403), row
        assert row.queries > 0, row
        assert len(row.samples_ms) == 2
        assert row.ratio is not None and row.ratio > 0
    trivial = [row for row in results if row.page == "trivial"]
    assert all(row.ratio == 1.0 and row.status == 200 for row in trivial)
    by_key = {(row.user, row.page): row for row in results}
    assert by_key[("admin", "organisation health")].status == 200
    assert by_key[("secretary", "court tree")].status == 403  # a branch secretary has no tree


def test_bench_report_is_a_table_and_valid_json(db):
    measure.seed_timed(scale="small", seed=1)
    results = measure.measure_pages(users=["party"], repeat=1)
    info = {**measure.machine(), "scale": "small"}

    table = measure.markdown(info=info, seed=None, pages=results)
    data = json.loads(json.dumps(measure.as_dict(info=info, seed=None, pages=results)))

    assert table.count("\n| party |") == len(results) == len(data["pages"])
    assert data["machine"]["database"]


def test_bench_command_line_never_names_a_real_database():
    args = run.parse(["--scale", "national", "--db", "postgres", "--repeat", "3"])
    url, name = run.database_url(args)
    assert (args.scale, args.db, args.repeat) == ("national", "postgres", 3)
    assert name == "tongxin_bench_national" and url.endswith("/tongxin_bench_national")
    sqlite_url, path = run.database_url(run.parse(["--scale", "small"]))
    assert sqlite_url.startswith("sqlite:///") and path.endswith("tongxin_bench_small.sqlite3")


def test_bench_lists_reach_first_middle_and_last_pages(db, settings):
    """The list URLs the bench times answer 200 for the administrator, deep pages included."""
    from bench import lists

    measure.seed_timed(scale="small", seed=1)
    urls = lists.urls()
    assert any("middle page" in name for name in urls)
    results = measure.measure_pages(users=("admin",), pages=urls, repeat=1)
    assert {row.status for row in results} == {200}, [r for r in results if r.status != 200]


def test_bench_measures_the_people_export_against_plain_sql(db):
    from bench import exports

    measure.seed_timed(scale="small", seed=1)
    results = exports.measure_exports(isolated=False)

    from django.db import connection

    kinds = ["reference", *(["copy"] if connection.vendor == "postgresql" else []), "csv", "xlsx"]
    assert [(r.user, r.kind) for r in results] == [
        (case.user, kind) for case in exports.CASES for kind in kinds
    ]
    by_case = {}
    for row in results:
        by_case.setdefault((row.user, row.query), []).append(row)
        assert row.rows > 0 and row.bytes > 0 and row.seconds >= 0, row
        assert row.ratio is not None
    assert len(by_case) == 3
    for rows in by_case.values():
        assert len({row.rows for row in rows}) == 1  # the same rows, whatever the kind
        csv_row = next(row for row in rows if row.kind == "csv")
        assert csv_row.first_byte_ms > 0 and csv_row.queries > 0
    table = exports.markdown(results)
    assert table.count("\n| ") == len(results)  # a line per result below the header


def test_bench_records_pages_answer(db):
    """The membership-records pages the bench times answer 200 for the administrator."""
    from bench import records

    measure.seed_timed(scale="small", seed=1)
    results = measure.measure_pages(users=("admin",), pages=records.urls(), repeat=1)
    assert {row.status for row in results} == {200}, [r for r in results if r.status != 200]
