"""The import template of a kind as an .xlsx download: the Chinese headers on the first sheet,
a drop-down list (Excel data validation) under every enumerated and yes/no column, and an
instructions sheet describing each column."""

from __future__ import annotations

import tempfile

from django.http import FileResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from tongxin.lib.excel import download_response
from tongxin.transfer import registry
from tongxin.transfer.formats import BOOL, ENUM, Field, accepted_values
from tongxin.transfer.registry import MAX_ROWS

LIST_LIMIT = 255  # Excel's limit on a list written into the validation itself


def drop_down(item: Field) -> list[str]:
    """The words a template's drop-down offers for a column ([] for a free-text column): per
    code its first Chinese word, the product's own label; other spellings stay accepted."""
    if item.type == ENUM:
        return [(item.words.get(code) or (code,))[0] for code, _label in item.choices.choices]
    if item.type == BOOL:
        return ["是", "否"]
    return []


def _describe(kind: str) -> str:
    return {
        "date": _("a date: 2024-01-05, 2024/1/5, 2024年1月5日 or an Excel date"),
        "bool": _("是 or 否 (yes or no)"),
        "decimal": _("a number"),
        "list": _("names separated by 、 or ;"),
    }.get(kind, _("text"))


def _validation(item: Field, column: str) -> DataValidation | None:
    words = drop_down(item)
    formula = '"' + ",".join(words) + '"'
    if not words or len(formula) > LIST_LIMIT:
        return None
    # A warning, not a stop: the parser also accepts the codes, English labels and aliases
    # listed on the instructions sheet, and a pasted value is never checked by Excel anyway.
    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle=item.zh,
        error=_(
            "Choose a value from the list; the other accepted values are on the instructions sheet."
        ),
    )
    validation.add(f"{column}2:{column}{MAX_ROWS + 1}")
    return validation


def template_book(kind: str) -> Workbook:
    fmt = registry.get(kind)
    book = Workbook()
    sheet = book.active
    sheet.title = str(fmt.label)[:31]
    bold = Font(bold=True)
    sheet.append([item.zh for item in fmt.fields])
    for index, item in enumerate(fmt.fields, start=1):
        column = get_column_letter(index)
        sheet.cell(row=1, column=index).font = bold
        sheet.column_dimensions[column].width = max(12, 2 * len(item.zh) + 4)
        validation = _validation(item, column)
        if validation is not None:
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"

    notes = book.create_sheet(title=_("Instructions")[:31])
    notes.append(
        [
            _("Column"),
            _("English header"),
            _("Required column"),
            _("Accepted values"),
            _("Example"),
            _("Notes"),
        ]
    )
    for cell in notes[1]:
        cell.font = bold
    for item in fmt.fields:
        notes.append(
            [
                item.zh,
                item.en,
                _("yes") if item.required else "",
                accepted_values(item, aliases=True) if item.type == ENUM else _describe(item.type),
                item.example,
                str(item.note),
            ]
        )
    for column, width in zip("ABCDEF", (16, 22, 10, 50, 20, 60), strict=True):
        notes.column_dimensions[column].width = width
    return book


def template_response(kind: str) -> FileResponse:
    """The .xlsx template of a kind, as a download."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    template_book(kind).save(handle)
    return download_response(handle, filename=registry.get(kind).template_name)
