"""The case import: every rejection reason, the formats and encodings, idempotence, updates,
an interrupted write, the command and its rejects file."""

import io

import pytest
from django.core.management import call_command

from tests.trial.files import HEADER, csv_bytes, parquet_bytes, row, xlsx_bytes
from tongxin.trial import fastimport
from tongxin.trial import store as store_module
from tongxin.trial.services import check_file, import_file, store_rows
from tongxin.trial.store import CaseStore

GOOD = [
    row("(2024)苏0102民初1号", "2024-01-05", "2024-03-01", "调解"),
    row("（２０２４）苏0102民初2号", "2024/1/6"),
    row("(2024)苏0102执3号", "2024年2月1日", "2024-05-01", "执行完毕", claimed="1000", recovered="800"),
    row("(2024)苏01民终1号", "45356", "2024-06-01", "改判", judge="I001", origin="(2024)苏0102民初1号"),
]  # fmt: skip


def reasons(data):
    result, accepted = check_file(io.BytesIO(data))
    return {number: why for number, _cells, why in result.rejected}, accepted


def test_good_rows_are_accepted_with_every_date_form(judges):
    rejected, accepted = reasons(csv_bytes(GOOD))
    assert rejected == {}
    assert [v["filed_on"] for v in accepted] == [
        "2024-01-05",
        "2024-01-06",
        "2024-02-01",
        "2024-03-05",  # Excel serial 45356
    ]


@pytest.mark.parametrize(
    "bad, why",
    [
        (row("garbage", "2024-01-06"), "案号: not a valid case number"),
        (row("(2024)苏9999民初3号", "2024-01-06"), "案号: unknown court code 苏9999"),
        (row("(2024)苏0102民初4号", "2024-01-06", judge="X9"), "承办法官: no judge with this staff number"),
        (row("(2024)苏0102民初5号", "2024-01-06", judge="I001"), "承办法官: no judge with this staff number"),
        (row("(2024)苏0102民初6号", "2024-01-06", "2024-01-01", "判决"), "结案日期: closed before it was filed"),
        (row("(2024)苏0102民初7号", "2024-01-06", "2024-02-01"), "结案方式: a closed case needs its closing method"),
        (row("(2024)苏0102民初8号", "2024-01-06", method="判决"), "结案日期: a closing method without a closing date"),
        (row("(2024)苏0102民初9号", "昨天"), "立案日期: “昨天” is not a date"),
        (row("(2024)苏0102民初10号", "2024-01-06", "2024-02-01", "宣告"), "结案方式: unknown value"),
        (row("(2024)苏0102民初11号", "2024-01-06", excluded="十天"), "扣除审限天数: not a whole number"),
        (row("(2024)苏0102民初12号", "2024-01-06", origin="(2023)乱码"), "原审案号: not a valid case number"),
        (row("(2024)苏0102民初13号", "2099-01-06"), "立案日期: filed in the future"),
        (row("(2024)苏0102民初1号", "2024-01-05"), "案号: duplicate in the file (row 2)"),
    ],
)  # fmt: skip
def test_each_rejection_reason(judges, bad, why):
    rejected, accepted = reasons(csv_bytes([GOOD[0], bad]))
    assert list(rejected) == [3] and why in rejected[3], rejected
    assert len(accepted) == 1


def test_a_missing_required_column_refuses_the_file(judges):
    from tongxin.core.exceptions import ApplicationError

    with pytest.raises(ApplicationError, match="承办法官"):
        check_file(io.BytesIO(csv_bytes([r[:4] for r in GOOD], header=HEADER[:4])))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_are_detected(judges, encoding):
    rejected, accepted = reasons(csv_bytes(GOOD, encoding=encoding))
    assert rejected == {} and len(accepted) == 4
    assert accepted[0]["department"] == "民一庭"


def test_english_headers_in_any_order_and_extra_columns(judges):
    english = [
        "judge_staff_number",
        "filed_on",
        "case_number",
        "note",
        "closed_on",
        "closing_method",
    ]
    data = [["J001", "2024-01-05", "(2024)苏0102民初1号", "x", "2024-02-01", "判决"]]
    rejected, accepted = reasons(csv_bytes(data, header=english))
    assert rejected == {} and accepted[0]["closing_method"] == "judgment"


@pytest.mark.parametrize("make", [xlsx_bytes, parquet_bytes])
def test_xlsx_and_parquet(judges, make):
    rows = [*GOOD, row("(2024)苏9999民初3号", "2024-01-06")]
    if make is xlsx_bytes:  # a real Excel date serial is a number cell
        rows = [[int(c) if c == "45356" else c for c in r] for r in rows]
    rejected, accepted = reasons(make(rows))
    assert list(rejected) == [6] and len(accepted) == 4


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _fast_csv(path, **options):
    return fastimport.import_file(path, fmt="csv", **options)


BOTH_PATHS = pytest.mark.parametrize("import_file", [import_file, _fast_csv], ids=["per-row", "set-based"])  # fmt: skip


@BOTH_PATHS
def test_the_same_file_twice_changes_nothing_and_a_later_closing_updates(
    judges, tmp_path, import_file
):
    store = CaseStore()
    path = _write(tmp_path, "cases.csv", csv_bytes(GOOD, encoding="gbk"))
    first = import_file(path)
    assert first.counts == {"inserted": 4, "updated": 0, "unchanged": 0, "years": [2024]}
    before = store.query("SELECT * FROM cases ORDER BY case_number")
    again = import_file(path, batch_id=99)
    assert again.counts == {"inserted": 0, "updated": 0, "unchanged": 4, "years": [2024]}
    assert store.query("SELECT * FROM cases ORDER BY case_number") == before
    closing = [row("(2024)苏0102民初2号", "2024-01-06", "2024-04-01", "判决")]
    later = import_file(_write(tmp_path, "later.csv", csv_bytes(closing)))
    assert later.counts == {"inserted": 0, "updated": 1, "unchanged": 0, "years": [2024]}
    assert store.count() == 4
    closed = store.query(
        "SELECT closed_on, closing_method FROM cases WHERE case_number = '(2024)苏0102民初2号'"
    )
    assert str(closed[0][0]) == "2024-04-01" and closed[0][1] == "judgment"


@BOTH_PATHS
def test_an_import_that_fails_half_way_leaves_the_store_as_it_was(
    judges, tmp_path, monkeypatch, import_file
):
    store = CaseStore()
    import_file(_write(tmp_path, "a.csv", csv_bytes(GOOD[:2])))
    before = (store.manifest(), store.query("SELECT * FROM cases ORDER BY 1"))
    files_before = sorted(p.name for p in store.root.rglob("*.parquet"))
    real_write, real_take = store_module._write, store_module._take
    calls = []

    def failing(real):
        def partition(*args):  # a partition merged (written) or taken as written (renamed)
            calls.append(args[-1])
            if len(calls) == 2:  # the second partition: the first is already written
                raise OSError("disk full")
            return real(*args)

        return partition

    monkeypatch.setattr(store_module, "_write", failing(real_write))
    monkeypatch.setattr(store_module, "_take", failing(real_take))
    other_year = [row("(2023)苏0102民初9号", "2023-05-01"), row("(2024)苏0102民初2号", "2024-01-06", "2024-02-02", "判决")]  # fmt: skip
    with pytest.raises(OSError):
        import_file(_write(tmp_path, "b.csv", csv_bytes(other_year)))
    assert len(calls) == 2
    assert (store.manifest(), store.query("SELECT * FROM cases ORDER BY 1")) == before
    assert sorted(p.name for p in store.root.rglob("*.parquet")) == files_before


def test_rows_are_partitioned_by_year_and_province(judges):
    rejected, accepted = reasons(csv_bytes([*GOOD, row("(2023)苏0102民初9号", "2023-05-01")]))
    store_rows(accepted, batch_id=1)
    assert sorted(CaseStore().manifest()["files"]) == [
        "year=2023/province=苏",
        "year=2024/province=苏",
    ]


def test_the_command_imports_and_writes_rejects_in_the_original_format(judges, tmp_path):
    bad = row("(2024)苏9999民初3号", "2024-01-06")
    path = _write(tmp_path, "cases.csv", csv_bytes([*GOOD, bad], encoding="gbk"))
    out = io.StringIO()
    call_command("import_cases", str(path), stdout=out)
    assert "4 accepted (4 new, 0 updated, 0 unchanged), 1 rejected" in out.getvalue()
    rejects = (tmp_path / "cases.rejects.csv").read_bytes().decode("gb18030")
    assert rejects.splitlines()[0].endswith(",原因")
    assert "(2024)苏9999民初3号" in rejects and "unknown court code 苏9999" in rejects
    # The rejects file, fixed, imports cleanly (its reason column is ignored).
    fixed = rejects.replace("苏9999", "苏0102")
    (tmp_path / "fixed.csv").write_bytes(fixed.encode("gbk"))
    out = io.StringIO()
    call_command("import_cases", str(tmp_path / "fixed.csv"), stdout=out)
    assert "1 accepted (1 new" in out.getvalue() and "0 rejected" in out.getvalue()
    assert CaseStore().count() == 5


def test_the_command_refuses_a_missing_file(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no such file"):
        call_command("import_cases", str(tmp_path / "nothing.csv"))


def test_a_file_longer_than_the_row_limit_is_refused_not_cut_short(judges, monkeypatch):
    from tongxin.core.exceptions import ApplicationError
    from tongxin.transfer.registry import ImportKind

    monkeypatch.setattr(ImportKind, "row_limit", property(lambda self: 3))
    three = [row(f"(2024)苏0102民初{n}号", "2024-01-05") for n in range(1, 4)]
    _rejected, accepted = reasons(csv_bytes(three))
    assert len(accepted) == 3  # exactly the limit: read whole
    with pytest.raises(ApplicationError, match="more than 3 rows"):
        check_file(io.BytesIO(csv_bytes([*three, row("(2024)苏0102民初4号", "2024-01-05")])))
