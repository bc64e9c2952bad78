"""The command-line import: same checks and services as the page."""

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from tongxin.core.models import AuditEntry
from tongxin.orgs.models import Department


def write_departments(path, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["法院代字", "部门名称", "部门类型"])
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_command_previews_then_commits(world, tmp_path, capsys):
    path = tmp_path / "部门.xlsx"
    write_departments(path, [["苏0102", "立案庭", "审判业务"], ["浙0102", "立案庭", "审判业务"]])
    call_command("import_excel", "departments", str(path), user="party")
    out = capsys.readouterr().out
    assert "1 to create" in out and "1 rows rejected" in out and "row 3" in out
    assert not Department.objects.filter(name_zh="立案庭").exists()
    call_command("import_excel", "departments", str(path), user="party", commit=True)
    assert Department.objects.filter(court=world.basic, name_zh="立案庭").exists()
    assert not Department.objects.filter(court=world.other_basic, name_zh="立案庭").exists()
    assert AuditEntry.objects.filter(action="orgs.department.created").count() == 1


def test_command_errors_are_clear(world, tmp_path):
    with pytest.raises(CommandError, match="No active user"):
        call_command("import_excel", "departments", "x.xlsx", user="nobody")
    with pytest.raises(CommandError, match="No file"):
        call_command("import_excel", "departments", str(tmp_path / "missing.xlsx"), user="party")
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    with pytest.raises(CommandError):
        call_command("import_excel", "departments", str(bad), user="party")
