"""Bad input: every case gives a clear message in the user's language, no 500, and writes
nothing (no batch for a file that cannot be read, no record for a rejected row)."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from tests.transfer.test_transfer import (
    PEOPLE,
    START,
    page_errors,
    person_row,
    preview,
    reasons,
    upload,
    xlsx,
)
from tongxin.orgs.models import Court, PartyOrganisation
from tongxin.people.models import Person
from tongxin.transfer.formats import parse_date
from tongxin.transfer.models import ImportBatch

NOT_EXCEL = "This file is not an Excel workbook (.xlsx)"


# Files that are not workbooks ----------------------------------------------------------------


def _zip_without_workbook() -> bytes:
    handle = io.BytesIO()
    with zipfile.ZipFile(handle, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return handle.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.xlsx", "法院代字,人员编号\n苏0102,N1\n".encode()),  # a text file renamed
        ("people.csv", b"court_code,staff_number\nx,y\n"),
        ("garbage.xlsx", bytes(range(256)) * 40),
        ("archive.xlsx", _zip_without_workbook()),
        ("truncated.xlsx", b"PK\x03\x04" + b"\x00" * 200),
    ],
)
def test_a_file_that_is_not_excel_is_refused_with_a_message(client_for, name, content):
    response = upload(client_for("party"), "people", SimpleUploadedFile(name, content))
    assert NOT_EXCEL in page_errors(response)
    assert not ImportBatch.objects.exists()


def test_an_old_xls_file_is_told_to_be_saved_as_xlsx(client_for):
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500
    response = upload(client_for("party"), "people", SimpleUploadedFile("old.xls", content))
    assert "old-format Excel file (.xls)" in page_errors(response)


def test_the_message_comes_in_the_users_language(world, client_for):
    from tongxin.accounts.services import profile_set_language

    profile_set_language(user=world.users["party"], language="zh-hans")
    response = upload(client_for("party"), "people", SimpleUploadedFile("x.xlsx", b"garbage"))
    assert response.status_code == 200
    assert response.wsgi_request.LANGUAGE_CODE == "zh-hans"


def test_an_empty_workbook_is_refused(client_for):
    response = upload(client_for("party"), "people", xlsx([]))
    assert "The first sheet of this workbook is empty." in page_errors(response)
    assert not ImportBatch.objects.exists()


def test_a_sheet_with_headers_only_is_refused(client_for):
    response = upload(client_for("party"), "people", xlsx([PEOPLE]))
    assert "no data rows" in page_errors(response)


def test_missing_required_headers_are_named(client_for):
    response = upload(client_for("party"), "people", xlsx([["姓名", "性别"], ["李四", "男"]]))
    errors = page_errors(response)
    assert "Required columns are missing" in errors
    assert "法院代字 (Court code)" in errors and "工号 (Staff number)" in errors
    assert "姓名" not in errors.split(":", 1)[1]


def test_a_column_given_twice_is_refused(client_for):
    response = upload(
        client_for("party"), "people", xlsx([PEOPLE + ["Staff number"], person_row() + ["X"]])
    )
    assert "more than once in the header row: Staff number" in page_errors(response)


def test_a_50_mb_upload_is_refused_before_parsing(client_for, monkeypatch):
    from tongxin.transfer import services

    def never(*args, **kwargs):
        raise AssertionError("the file must not be parsed")

    monkeypatch.setattr(services, "iter_rows", never)
    big = SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"\x00" * (50 * 1024 * 1024))
    response = upload(client_for("party"), "people", big)
    assert "larger than 32 MB" in page_errors(response)
    assert not ImportBatch.objects.exists()


def test_the_service_refuses_files_above_the_limit_too(world, settings):
    from tongxin.core.exceptions import ApplicationError
    from tongxin.transfer.services import import_preview

    settings.IMPORT_MAX_BYTES = 1000
    with pytest.raises(ApplicationError, match="larger than"):
        import_preview(actor=world.users["party"], kind="people", upload=xlsx([PEOPLE]))


def test_a_missing_upload_field_asks_for_a_file(client_for):
    response = client_for("party").post(START, {"kind": "people"})
    assert "Choose an Excel file to upload." in page_errors(response)
    response = client_for("party").post(START, {"file": xlsx([PEOPLE, person_row()])})
    assert "Choose what the file contains." in page_errors(response)
    response = client_for("party").post(START, {"kind": "cases", "file": xlsx([PEOPLE])})
    assert response.status_code == 200 and not ImportBatch.objects.exists()


# Cells ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-05", datetime.date(2024, 1, 5)),
        ("2024/1/5", datetime.date(2024, 1, 5)),
        ("2024.1.5", datetime.date(2024, 1, 5)),
        ("2024年1月5日", datetime.date(2024, 1, 5)),
        (" 2024 年 1 月 5 日 ", datetime.date(2024, 1, 5)),
        ("20240105", datetime.date(2024, 1, 5)),
        (20240105, datetime.date(2024, 1, 5)),
        (datetime.datetime(2024, 1, 5), datetime.date(2024, 1, 5)),
        (datetime.date(2024, 1, 5), datetime.date(2024, 1, 5)),
        (45296, datetime.date(2024, 1, 5)),  # an Excel serial number
        ("2024-01-05 00:00:00", datetime.date(2024, 1, 5)),
        (None, None),
        ("  ", None),
    ],
)
def test_dates_are_read_in_every_usual_spelling(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value", ["2024-13-01", "2024-02-30", "5/1/2024", "昨天", "2024年", "1800-01-01", -3, True]
)
def test_malformed_dates_are_refused(value):
    from tongxin.transfer.formats import CellError

    with pytest.raises(CellError):
        parse_date(value)


def test_malformed_dates_reject_their_row_with_column_and_value(world, client_for):
    batch = preview(
        client_for("party"),
        "people",
        [
            PEOPLE + ["出生日期"],
            person_row() + ["1980-02-30"],
            person_row("N002") + ["明年"],
            person_row("N003") + [datetime.datetime(1981, 3, 4)],
        ],
    )
    assert batch.rejected_count == 2 and batch.created_count == 1
    assert "2: 出生日期: “1980-02-30” is not a date; write it as 2024-01-05." in reasons(batch)
    assert "3: 出生日期: “明年” is not a date" in reasons(batch)


def test_unknown_court_codes_are_rejected(world, client_for):
    batch = preview(client_for("party"), "people", [PEOPLE, ["沪0101", "N1", "李四", "男", "法官"]])
    assert "法院代字: there is no court with code “沪0101”." in reasons(batch)


def test_duplicate_staff_numbers_within_the_file_reject_every_copy(world, client_for):
    batch = preview(
        client_for("party"),
        "people",
        [PEOPLE, person_row("N1"), person_row("N2"), person_row("N1", "别人")],
    )
    assert batch.rejected_count == 2 and batch.created_count == 1
    assert "工号: “N1” appears more than once in this file (rows 2, 4)." in reasons(batch)


def test_a_staff_number_of_someone_else_in_the_database_is_rejected(world, client_for):
    member = world.members[3]
    batch = preview(
        client_for("party"),
        "people",
        [PEOPLE, ["苏0102", member.staff_number, "冒名顶替", "男", "法官"]],
    )
    assert f"already belongs to “{member.name}”, not “冒名顶替”" in reasons(batch)
    member.refresh_from_db()
    assert member.name != "冒名顶替"


def test_unknown_enum_values_are_rejected_with_the_accepted_values(world, client_for):
    batch = preview(
        client_for("party"),
        "people",
        [PEOPLE, ["苏0102", "N1", "李四", "男", "院长", "正式党员"], person_row("N2")],
    )
    text = reasons(batch)
    assert "人员类别: unknown value “院长”; use one of 法官 (judge)" in text
    assert batch.created_count == 1


@pytest.mark.parametrize(
    ("category", "status", "gender"),
    [
        ("法官", "正式党员", "男"),
        ("judge", "full", "m"),
        ("Judge", "Full member", "Male"),
        (" JUDGE ", "中共党员", "male"),
    ],
)
def test_enums_accept_chinese_labels_codes_and_english_labels(
    world, client_for, category, status, gender
):
    batch = preview(
        client_for("party"),
        "people",
        [PEOPLE, ["苏0102", "N1", "李四", gender, category, status, "2010-07-01", "民一庭党支部"]],
    )
    assert batch.reject_list() == [] and batch.created_count == 1
    assert batch.row_list()[0]["values"]["category"] == "judge"
    assert batch.row_list()[0]["values"]["political_status"] == "full"


def test_overlong_values_are_rejected(world, client_for):
    batch = preview(
        client_for("party"), "people", [PEOPLE, ["苏0102", "N1", "长" * 51, "男", "法官"]]
    )
    assert "姓名: “" in reasons(batch) and "is longer than 50 characters" in reasons(batch)


def test_chinese_text_in_every_field_is_read_or_rejected_cleanly(world, client_for):
    headers = [
        "法院代字", "人员编号", "姓名", "性别", "出生日期", "部门", "人员类别", "领导职务层级",
        "员额法官", "政治面貌", "入党日期", "转正日期", "党费基数", "是否退休", "所在党组织",
        "党小组", "入党支部日期",
    ]  # fmt: skip
    good = [
        "苏0102", "编号甲一", "欧阳娜娜", "女", "一九八〇年", "民事审判第一庭", "法官", "处级",
        "是", "正式党员", "2008年7月1日", "2009年7月1日", "八千", "否", "民一庭党支部",
        "民一庭第一党小组", "二〇二四年",
    ]  # fmt: skip
    batch = preview(
        client_for("party"),
        "people",
        [headers, good, ["苏0102", "编号乙二", "张三", "男", "", "", "书记员"]],
    )
    text = reasons(batch)
    assert "出生日期: “一九八〇年” is not a date" in text
    assert "党费基数: “八千” is not a number." in text
    assert "入党支部日期: “二〇二四年” is not a date" in text
    assert batch.created_count == 1
    assert batch.row_list()[0]["values"]["staff_number"] == "编号乙二"


def test_headers_match_in_english_ignoring_case_and_spaces(world, client_for):
    batch = preview(
        client_for("party"),
        "people",
        [
            [" court CODE", "Staff  Number", "name", "GENDER", " 人员 类别 "],
            ["苏0102", "N1", "李四", "f", "clerk"],
        ],
    )
    assert batch.created_count == 1, reasons(batch)
    assert batch.ignored_columns == []


def test_unknown_columns_are_ignored_and_reported(world, client_for):
    batch = preview(client_for("party"), "people", [PEOPLE + ["备注"], person_row() + ["x"]])
    assert batch.ignored_columns == ["备注"]
    assert "备注" in client_for("party").get(f"{START}{batch.pk}/").content.decode()


def test_people_who_are_not_party_members_cannot_join_an_organisation(world, client_for):
    batch = preview(
        client_for("party"),
        "people",
        [PEOPLE, ["苏0102", "N1", "李四", "男", "法官", "群众", "", "民一庭党支部"]],
    )
    assert "only full and probationary Party members belong" in reasons(batch)


def test_people_dates_must_be_consistent(world, client_for):
    batch = preview(
        client_for("party"),
        "people",
        [
            PEOPLE + ["出生日期", "转正日期"],
            person_row("N1") + ["2030-01-01", ""],
            person_row("N2") + ["2011-01-01", ""],
            person_row("N3") + ["", "2009-01-01"],
        ],
    )
    text = reasons(batch)
    # The reasons are person_save's own (tongxin/people/rules.py), quoting column and value.
    assert (
        "2: 出生日期 “2030-01-01”: The date of birth lies in the future or makes the person "
        "younger than 16." in text
    )
    assert (
        "3: 入党日期 “2010-07-01”: The date of joining the Party must be after the date of birth."
        in text
    )
    assert (
        "4: 转正日期 “2009-01-01”: Full membership cannot start before joining the Party." in text
    )
    assert batch.created_count == 0


def test_membership_moves_are_dated_after_the_current_one(world, client_for):
    member = world.members[4]
    batch = preview(
        client_for("party"),
        "people",
        [
            PEOPLE + ["入党支部日期"],
            [
                "苏0102",
                member.staff_number,
                member.name,
                "",
                "",
                "",
                "",
                "玄武法院机关党委",
                "2019-12-31",
            ],
        ],
    )
    assert "the move must be dated after the current membership started (2020-01-01)" in reasons(
        batch
    )


def test_a_party_group_must_belong_to_the_organisation(world, client_for):
    other = PartyOrganisation.objects.create(
        court=world.basic, parent=world.committee_org, kind="branch", name_zh="刑庭党支部"
    )
    from tongxin.core.tree import save_with_path

    save_with_path(other)
    batch = preview(
        client_for("party"),
        "people",
        [PEOPLE + ["党小组"], person_row(org="刑庭党支部") + ["民一庭第一党小组"]],
    )
    assert "does not belong to “刑庭党支部”" in reasons(batch)


def test_members_belong_to_branches_not_party_groups(world, client_for):
    batch = preview(client_for("party"), "people", [PEOPLE, person_row(org="民一庭第一党小组")])
    assert "there is no organisation “民一庭第一党小组”" in reasons(batch)


def test_rejected_rows_are_never_written(world, client_for):
    client = client_for("party")
    batch = preview(client, "people", [PEOPLE, ["沪0101", "N1", "李四", "男", "法官"]])
    client.post(f"{START}{batch.pk}/commit/")
    assert not Person.objects.filter(staff_number="N1").exists()
    assert Court.objects.filter(code="沪0101").count() == 0


def test_a_sheet_of_endless_empty_rows_is_refused_not_truncated(client_for, monkeypatch):
    from tongxin.lib import excel

    monkeypatch.setattr(excel, "MAX_BLANK_ROWS", 50)
    monkeypatch.setattr("tongxin.transfer.registry.MAX_ROWS_CHUNKED", 10)  # people
    rows = [PEOPLE, person_row()] + [[None]] * 80 + [person_row("N2")]
    book = Workbook()
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            book.active.cell(number, column, value)
    book.active.cell(len(rows) + 100, 1, "far below")
    handle = io.BytesIO()
    book.save(handle)
    response = upload(
        client_for("party"), "people", SimpleUploadedFile("long.xlsx", handle.getvalue())
    )
    assert "too many rows" in page_errors(response)
