"""The import benchmark's machinery at the smallest scale, in the test database: the file it
builds is accepted whole, every step runs and is measured, the report names the reference.
Structure, not speed (bench/imports.py; the figures are in bench/README.md)."""

import json

from bench import imports, measure, run


def test_the_import_bench_previews_and_commits_its_file(db, tmp_path, settings):
    settings.IMPORT_INLINE_ROWS = 50  # the preview goes to the background job, as at scale
    measure.seed_timed(scale="small", seed=1)
    result = imports.measure_imports(rows=200, workdir=tmp_path, isolate=False)
    spec = result.file
    assert (spec.new, spec.changed, spec.unchanged) == (80, 60, 60) and spec.moved > 0
    preview = result.step("preview").detail
    assert preview["status"] == "pending" and preview["rejected"] == 0, preview
    assert (preview["created"], preview["changed"], preview["unchanged"]) == (80, 60, 60)
    commit = result.step("commit").detail
    assert commit["status"] == "committed" and commit["failure"] == ""
    assert result.step("reference").detail["rows"] == 200
    assert all(step.seconds >= 0 and step.peak_rss_mb > 0 for step in result.steps)
    assert {page["status"] for page in result.pages} == {200}
    assert result.pages[0]["queries"] == result.pages[1]["queries"]
    by_action = result.checks["by_action"]
    assert by_action["people.person.created"] == 80
    assert by_action["people.person.changed"] == 60
    assert by_action["people.membership.ended"] == spec.moved
    assert result.checks["sample"]["who"] == "admin"

    info = {**measure.machine(), "scale": "small"}
    table = imports.markdown(result, info)
    assert "| reference |" in table and "× reference" in table
    assert json.loads(json.dumps(imports.as_dict(result, info), default=str))["steps"]


def test_the_import_bench_is_behind_its_flag():
    args = run.parse(["--scale", "national", "--imports", "--name", "tongxin_bench_x"])
    assert args.imports and args.import_rows == 100_000
    assert run.database_url(args)[1].endswith("tongxin_bench_x.sqlite3")
    assert not run.parse([]).imports
