"""Excel and CSV exports of tasks, lists and visits hold exactly the rows the reader reaches."""

import io

import openpyxl

from tests.answers.factories import resp_list, visit
from tests.answers.factories import task as make_task


def _rows(response) -> list[list]:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(raw)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def _csv(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8-sig")


def test_exports_of_tasks_lists_and_visits(world, client_for):
    task = make_task(world)
    lst = resp_list(world)
    v = visit(world)
    party, outsider = client_for("party"), client_for("outsider")
    rows = _rows(party.get("/answers/tasks/?export=xlsx"))
    assert len(rows) == 2 and rows[1][0] == task.pk and rows[1][1] == task.title
    assert lst.items.first().content in _csv(party.get("/answers/lists/?export=csv"))
    rows = _rows(party.get("/answers/tours/?export=xlsx"))
    assert len(rows) == 2 and rows[1][0] == v.pk
    assert len(_rows(outsider.get("/answers/tasks/?export=xlsx"))) == 1
    assert lst.items.first().content not in _csv(outsider.get("/answers/lists/?export=csv"))
    assert len(_rows(outsider.get("/answers/tours/?export=xlsx"))) == 1
    mine = _rows(client_for("member").get("/answers/tasks/mine/?export=xlsx"))
    assert [r[0] for r in mine[1:]] == [task.pk]
