"""The rejected rows given back in the uploaded file's own format, with a column of reasons,
to be fixed and imported again (the reason column is ignored on the next import)."""

import io

from openpyxl import load_workbook

from tests.transfer.test_transfer import PEOPLE, START, commit, person_row, preview


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_an_excel_import_gives_back_its_rejected_rows_to_fix(world, client_for):
    client = client_for("party")
    bad = ["苏9999", "N9", "赵六", "男", "法官", "正式党员", "2010-07-01", "民一庭党支部"]
    batch = preview(client, "people", [PEOPLE, person_row(), bad])
    response = client.get(f"{START}{batch.pk}/rejects/file/")
    assert response.status_code == 200
    assert "import-rejects.xlsx" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(body(response))).active.iter_rows(values_only=True))
    assert list(rows[0][: len(PEOPLE)]) == PEOPLE and rows[0][-1] in ("Reason", "原因")
    assert len(rows) == 2  # the header and the one rejected row
    assert list(rows[1][:3]) == ["苏9999", "N9", "赵六"] and "苏9999" in rows[1][-1]
    # Fixed and imported again: the reason column is ignored, the row is accepted.
    fixed = [list(rows[0]), ["苏0102", *rows[1][1:-1], rows[1][-1]]]
    again = preview(client, "people", fixed)
    assert again.rejected_count == 0 and again.created_count == 1
    commit(client, again)
