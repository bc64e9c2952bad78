"""The set-based import of large Parquet files gives what the per-row import gives: the same
accepted rows (store rows) and the same (row, reasons) rejects, on a file with every reason."""

import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command

from tests.trial.files import HEADER, csv_bytes, parquet_bytes, row
from tongxin.trial import bulkgen, fastimport, generator, reader
from tongxin.trial.services import check_file_to_table, import_file
from tongxin.trial.store import COLUMNS, CaseStore

LONG = "(2024)苏0102民初" + "1" * 60 + "号"
ROWS = [
    row("(2024)苏0102民初1号", "2024-01-05", "2024-03-01", "调解"),
    row("（２０２４）苏0102民初2号", "2024/1/6", procedure="简易"),
    row(" (2024)苏0102执3号 ", "2024年2月1日", "2024-05-01", "执行完毕", claimed="1,000", recovered="800.5"),
    row("(2024)苏01民终1号", "45356", "2024-06-01", "改判", judge="I001", origin="（2024）苏0102民初1号"),
    row("【2024】苏 0102 民初 0020 号", "20240107", limit="30", excluded="5"),
    row("garbage", "2024-01-06"),
    row("", "2024-01-06"),
    row("(2024)苏0102民初0号", "2024-01-06"),
    row("(2024)苏9999民初3号", "2024-01-06"),
    row("(2024)苏0102民初4号", "2024-01-06", judge="X9"),
    row("(2024)苏0102民初5号", "2024-01-06", judge="I001"),
    row("(2024)苏0102民初6号", "2024-01-06", "2024-01-01", "判决"),
    row("(2024)苏0102民初7号", "2024-01-06", "2024-02-01"),
    row("(2024)苏0102民初8号", "2024-01-06", method="判决"),
    row("(2024)苏0102民初9号", "昨天"),
    row("(2024)苏0102民初10号", "2024-01-06", "2024-02-01", "宣告"),
    row("(2024)苏0102民初11号", "2024-01-06", excluded="十天", limit="99999"),
    row("(2024)苏0102民初12号", "2024-01-06", origin="(2023)乱码"),
    row("(2024)苏0102民初13号", "2099-01-06"),
    row("(2024)苏0102民初1号", "2024-01-05"),
    row("(2024)苏0102民初1号", "2024-01-05", "2024-01-01"),
    row(LONG, "2024-01-06"),
    row("(2024)苏0102民初14号", "2024-01-06", claimed="many"),
    row("(2024)苏0102民初15号", "2024-13-45", "2024-01-01", "宣告", judge="X9"),
    row("(2024)苏0102民初16号", "2024-01-06", "2024-01-02", "判决", judge="X9", origin="x"),
    row("(2024)苏0102民初17号", "2024-01-06", judge="J002", dept="", limit="7.0"),
    row("(2024)苏0102民初17号", "2024-01-06", judge="J003"),
    row("'(2024)苏0102民初18号", "2024-01-06"),
]  # fmt: skip


def _both(tmp_path, data, fmt="parquet"):
    result, table = check_file_to_table(io.BytesIO(data), batch_id=7)
    path = tmp_path / f"cases.{fmt}"
    path.write_bytes(data)
    store = CaseStore(tmp_path / "fast-store")
    fast = fastimport.import_file(path, fmt=fmt, store=store, batch_id=7)
    fast_table = store.query_arrow("SELECT * FROM cases") if fast.accepted else None
    return result, table, fast, fast_table


def _rows(table):
    rows = table.select(COLUMNS).to_pylist() if table is not None else []
    return sorted(rows, key=lambda r: r["case_number"])  # the store orders them itself


def test_both_paths_accept_and_reject_the_same_rows_for_the_same_reasons(judges, tmp_path):
    result, table, fast, fast_table = _both(tmp_path, parquet_bytes(ROWS))
    rejects = [(number, why) for number, _cells, why in result.rejected]
    assert len(rejects) >= 20 and result.accepted == 6  # the file exercises every reason
    assert [(number, why) for number, _cells, why in fast.rejected] == rejects
    assert [cells for _n, cells, _w in fast.rejected] == [c for _n, c, _w in result.rejected]
    assert fast.accepted == result.accepted
    assert _rows(fast_table) == _rows(table)


def test_a_generated_file_with_injected_bad_rows_gives_the_same_result(judges, tmp_path):
    gen = generator.from_database()
    made = bulkgen.tables(list(gen.courts.values()), gen.judges, year=2024, cases=3000, seed=5)
    rows = [list(r.values()) for r in next(made).to_pylist()]
    # every reason, an exact copy of a generated row and a changed copy (duplicates)
    copy, changed = rows[10], [*rows[20][:2], "", "", *rows[20][4:]]
    for index, bad in enumerate([*ROWS, copy, changed]):
        rows.insert((index * 97) % len(rows), bad)
    result, table, fast, fast_table = _both(tmp_path, parquet_bytes(rows))
    assert result.accepted > 2800 and len(result.rejected) >= len(ROWS) - 6 + 2
    assert [(n, c, w) for n, c, w in fast.rejected] == result.rejected
    assert fast.accepted == result.accepted
    assert _rows(fast_table) == _rows(table)


def _spy_staged(monkeypatch):
    """The calls of the staged two-pass path (taken when the direct pass is not exact)."""
    calls = []
    real = fastimport._partitions

    def partitions(*args):
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(fastimport, "_partitions", partitions)
    return calls


# ROWS without its duplicate case numbers (1号 three times, 17号 twice)
UNIQUE = [r for i, r in enumerate(ROWS) if i not in (19, 20, 26)]


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_a_file_without_duplicates_takes_the_direct_pass_with_the_same_result(
    judges, tmp_path, monkeypatch, fmt
):
    staged = _spy_staged(monkeypatch)
    data = parquet_bytes(UNIQUE) if fmt == "parquet" else csv_bytes(UNIQUE, encoding="gbk")
    result, table, fast, fast_table = _both(tmp_path, data, fmt)
    assert not staged  # the direct pass was exact
    assert len(result.rejected) >= 17 and result.accepted == 6
    assert "duplicate" not in " ".join(why for _n, _c, why in result.rejected)
    assert fast.rejected == result.rejected
    assert fast.accepted == result.accepted
    assert _rows(fast_table) == _rows(table)
    assert not list((tmp_path / "fast-store").glob(".incoming-*"))


@pytest.mark.parametrize(
    "extra",
    [
        # a rejected row (unknown judge) with the number of an accepted row
        [row("(2024)苏0102民初3号", "2024-01-06", judge="X9")],
        # the same number spelt two ways, both clean
        [row("（２０２４）苏0102民初03号", "2024-01-07")],
        # in another partition (2023), rejected the second time; 2024's goes the direct way
        [
            row("(2023)苏0102民初5号", "2023-05-01"),
            row("(2023)苏0102民初5号", "2023-05-02"),
            row("(2023)苏0102民初05号", "2023-05-03", judge="X9"),
        ],
    ],
    ids=["rejected-twin", "spelt-twice", "other-partition"],
)
def test_a_number_that_comes_twice_takes_the_staged_path(judges, tmp_path, monkeypatch, extra):
    staged = _spy_staged(monkeypatch)
    rows = [row("(2024)苏0102民初3号", "2024-01-05"), *UNIQUE, *extra]
    result, table, fast, fast_table = _both(tmp_path, parquet_bytes(rows))
    assert staged  # the direct pass found the duplicate: its partition checked again
    assert "duplicate" in " ".join(why for _n, _c, why in result.rejected)
    assert fast.rejected == result.rejected
    assert fast.accepted == result.accepted
    assert _rows(fast_table) == _rows(table)
    assert not list((tmp_path / "fast-store").glob(".incoming-*"))


def test_sweep_removes_what_an_interrupted_direct_pass_left(tmp_path):
    store = CaseStore(tmp_path / "store")
    left = store.incoming() / "y=2024" / "p=苏"
    left.mkdir(parents=True)
    (left / "data_0.parquet").write_bytes(b"PAR1")
    assert store.sweep() == 1
    assert not list(store.root.glob(".incoming-*"))


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_csv_files_give_the_per_row_result_on_the_fast_path_too(judges, tmp_path, encoding):
    # with a short record, a long one (cells beyond the header), blank records, a quoted cell
    rows = [*ROWS, ["(2024)苏0102民初30号", "2024-01-06"], [], ["", " ", ""],
            [*row("(2024)苏0102民初31号", "2024-01-06", "2024-01-01", "判决"), "extra", "x"],
            row("(2024)苏0102民初32号", "2024-01-06", dept='民一庭,"二"')]  # fmt: skip
    result, table, fast, fast_table = _both(tmp_path, csv_bytes(rows, encoding=encoding), "csv")
    rejects = [(number, cells, why) for number, cells, why in result.rejected]
    assert len(rejects) >= 22 and result.accepted == 7
    assert fast.rejected == rejects
    assert fast.accepted == result.accepted
    assert _rows(fast_table) == _rows(table)


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
@pytest.mark.parametrize("regular", [True, False])
def test_arrow_reads_a_regular_csv_file_as_python_csv_does(tmp_path, encoding, regular):
    rows = [*ROWS, row("(2024)苏0102民初32号", "2024-01-06", dept='民一庭,"二"\n三'),
            row(" ", "\u3000", "", "", "", ""), []]  # fmt: skip
    rows.insert(3, [])  # blank records: numbered, skipped
    if not regular:
        rows.insert(5, ["(2024)苏0102民初30号", "2024-01-06"])  # Python's csv module reads it
    path = tmp_path / "cases.csv"
    path.write_bytes(csv_bytes(rows, encoding=encoding))
    python, arrow = tmp_path / "python.parquet", tmp_path / "arrow.parquet"
    header = reader.csv_to_parquet(path, python, arrow=False)
    assert header == HEADER and pq.read_table(python).num_rows == len(ROWS) + 1 + (not regular)
    got = reader._arrow_csv_to_parquet(path, arrow, reader.detect_encoding(path.read_bytes()))
    if not regular:
        assert got is None
        return
    assert got == HEADER
    assert pq.read_table(arrow).to_pylist() == pq.read_table(python).to_pylist()


def test_typed_parquet_columns_give_the_same_result(judges, tmp_path):
    import datetime

    table = pa.table(
        {
            "Case_Number": ["(2024)苏0102民初1号", "(2024)苏0102民初2号", None],
            "filed_on": [datetime.date(2024, 1, 5), None, datetime.date(2024, 1, 7)],
            "judge_staff_number": ["J001", "J001", "J001"],
            "time_limit_days": [30.0, None, 2.5],
        }
    )
    sink = io.BytesIO()
    pq.write_table(table, sink)
    result, rows, fast, fast_rows = _both(tmp_path, sink.getvalue())
    assert [(n, w) for n, _c, w in fast.rejected] == [(n, w) for n, _c, w in result.rejected]
    assert result.rejected and result.accepted
    assert _rows(fast_rows) == _rows(rows)


def test_a_missing_column_refuses_the_file_in_both(judges, tmp_path):
    from tongxin.core.exceptions import ApplicationError

    path = tmp_path / "short.parquet"
    path.write_bytes(parquet_bytes([r[:4] for r in ROWS], header=HEADER[:4]))
    with pytest.raises(ApplicationError, match="承办法官"):
        fastimport.import_file(path, store=CaseStore(tmp_path / "store"))


def test_the_fast_import_is_idempotent_and_updates(judges, tmp_path, settings):
    settings.CASE_STORE_ROOT = str(tmp_path / "store")
    path = tmp_path / "a.parquet"
    path.write_bytes(parquet_bytes(ROWS[:5]))
    first = fastimport.import_parquet(path)
    assert first.counts["inserted"] == 5
    again = fastimport.import_parquet(path, batch_id=3)
    assert again.counts == {"inserted": 0, "updated": 0, "unchanged": 5, "years": [2024]}
    changed = [row("(2024)苏0102民初2号", "2024-01-06", "2024-02-01", "判决")]
    path.write_bytes(parquet_bytes(changed))
    later = fastimport.import_parquet(path)
    assert later.counts["updated"] == 1
    store = CaseStore()
    assert store.count() == 5
    assert store.query("SELECT closing_method FROM cases WHERE case_number = ?",
                       ["(2024)苏0102民初2号"]) == [("judgment",)]  # fmt: skip
    # the per-row path sees the store the same way
    assert import_file(path).counts["unchanged"] == 1


def test_the_command_takes_the_fast_path_and_writes_rejects(judges, tmp_path, settings):
    settings.CASE_STORE_ROOT = str(tmp_path / "store")
    path = tmp_path / "big.parquet"
    path.write_bytes(parquet_bytes(ROWS))
    out = io.StringIO()
    call_command("import_cases", str(path), "--path", "fast", stdout=out)
    assert "set-based" in out.getvalue() and "6 accepted" in out.getvalue()
    rejects = pq.read_table(tmp_path / "big.rejects.parquet").to_pylist()
    assert len(rejects) == len(ROWS) - 6
    assert "unknown court code 苏9999" in " ".join(r["原因"] for r in rejects)
    assert CaseStore().count() == 6


def test_the_command_takes_the_fast_path_for_gbk_csv_and_writes_gbk_rejects(
    judges, tmp_path, settings
):
    settings.CASE_STORE_ROOT = str(tmp_path / "store")
    path = tmp_path / "big.csv"
    path.write_bytes(csv_bytes(ROWS, encoding="gbk"))
    out = io.StringIO()
    call_command("import_cases", str(path), "--path", "fast", stdout=out)
    assert "set-based" in out.getvalue() and "6 accepted" in out.getvalue()
    text = (tmp_path / "big.rejects.csv").read_bytes().decode("gb18030")
    assert text.count("\n") == 1 + len(ROWS) - 6 and "unknown court code 苏9999" in text
    assert CaseStore().count() == 6
