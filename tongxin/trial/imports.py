"""The case import: a bulk kind of the import lifecycle (tongxin.transfer), and the same
checks for `manage.py import_cases`. Rows are checked a chunk at a time with one query for
the chunk's courts and one for its judges; accepted rows go to the Parquet case store in
one atomic write (`store.CaseStore.upsert`). See docs/import-formats.md and
docs/trial-indicators.md."""

from __future__ import annotations

import datetime
import threading

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongxin.core.exceptions import ApplicationError
from tongxin.core.permissions import Perm
from tongxin.transfer.formats import DATE, DECIMAL, ENUM, Field
from tongxin.transfer.registry import ImportKind, register
from tongxin.trial import caseno
from tongxin.trial.reader import read_rows


class Method(models.TextChoices):
    JUDGMENT = "judgment", gettext_lazy("Judgment")
    MEDIATION = "mediation", gettext_lazy("Mediation")
    WITHDRAWAL = "withdrawal", gettext_lazy("Withdrawal")
    DISMISSAL = "dismissal", gettext_lazy("Dismissal of the action")
    APPEAL_WITHDRAWN = "appeal_withdrawn", gettext_lazy("Appeal withdrawn")
    UPHELD = "upheld", gettext_lazy("Upheld")
    REVERSED = "reversed", gettext_lazy("Reversed")
    REMANDED = "remanded", gettext_lazy("Remanded for retrial")
    ENFORCED = "enforced", gettext_lazy("Enforcement completed")
    TERMINATED = "terminated", gettext_lazy("Terminated for now")
    TRANSFERRED = "transferred", gettext_lazy("Transferred")
    OTHER = "other", gettext_lazy("Other")


METHOD_WORDS = {
    "judgment": ("判决",),
    "mediation": ("调解",),
    "withdrawal": ("撤诉",),
    "dismissal": ("驳回起诉",),
    "appeal_withdrawn": ("准予撤回上诉", "撤回上诉"),
    "upheld": ("维持原判", "维持"),
    "reversed": ("改判",),
    "remanded": ("发回重审",),
    "enforced": ("执行完毕",),
    "terminated": ("终结本次执行", "终本"),
    "transferred": ("移送",),
    "other": ("其他",),
}


class Procedure(models.TextChoices):
    ORDINARY = "ordinary", gettext_lazy("Ordinary procedure")
    SIMPLE = "simple", gettext_lazy("Simple procedure")
    SMALL_CLAIMS = "small_claims", gettext_lazy("Small-claims procedure")


PROCEDURE_WORDS = {
    "ordinary": ("普通程序", "普通"),
    "simple": ("简易程序", "简易"),
    "small_claims": ("小额诉讼程序", "小额诉讼"),
}

FIELDS = (
    Field("case_number", "案号", "case_number", required=True, max_length=60, example="(2024)京0105民初12345号"),
    Field("filed_on", "立案日期", "filed_on", type=DATE, required=True, example="2024-03-05"),
    Field("closed_on", "结案日期", "closed_on", type=DATE, example="2024-06-30"),
    Field("closing_method", "结案方式", "closing_method", type=ENUM, choices=Method, words=METHOD_WORDS),
    Field("judge_staff_number", "承办法官", "judge_staff_number", required=True, max_length=30),
    Field("department", "承办部门", "department", max_length=100),
    Field("procedure", "适用程序", "procedure", type=ENUM, choices=Procedure, words=PROCEDURE_WORDS),
    Field("time_limit_days", "审限天数", "time_limit_days", max_length=5),
    Field("excluded_days", "扣除审限天数", "excluded_days", max_length=5),
    Field("origin_case_number", "原审案号", "origin_case_number", max_length=60),
    Field("enforcement_claimed", "申请执行标的", "enforcement_claimed", type=DECIMAL),
    Field("enforcement_recovered", "执行到位金额", "enforcement_recovered", type=DECIMAL),
)  # fmt: skip


def _days(value) -> int | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit() or int(text) > 10_000:
        raise ValueError(text)
    return int(text)


# The reasons of a rejected row, one rule in one place: the per-row check (CaseRows) and the
# set-based check of large files (tongxin/trial/fastimport.py) compute the same facts and turn
# them into (field, message) here.


def invalid_case_number() -> tuple[str, str]:
    return ("case_number", _("not a valid case number"))


def problem_reasons(
    *,
    unknown_court: str | None = None,
    unknown_judge: bool = False,
    closed_before_filed: bool = False,
    filed_in_future: bool = False,
    closed_without_method: bool = False,
    method_without_closing: bool = False,
    bad_days=(),
    bad_origin: bool = False,
    duplicate_of: int | None = None,
) -> list[tuple[str, str]]:
    """The (field, message) pairs of a row whose case number parsed, in the order shown."""
    found = []
    if unknown_court is not None:
        found.append(("case_number", _("unknown court code %(code)s") % {"code": unknown_court}))
    elif unknown_judge:
        found.append(("judge_staff_number", _("no judge with this staff number in the court")))
    if closed_before_filed:
        found.append(("closed_on", _("closed before it was filed")))
    if filed_in_future:
        found.append(("filed_on", _("filed in the future")))
    if closed_without_method:
        found.append(("closing_method", _("a closed case needs its closing method")))
    if method_without_closing:
        found.append(("closed_on", _("a closing method without a closing date")))
    for name in ("time_limit_days", "excluded_days"):
        if name in bad_days:
            found.append((name, _("not a whole number of days")))
    if bad_origin:
        found.append(("origin_case_number", _("not a valid case number")))
    if duplicate_of is not None:
        found.append(
            ("case_number", _("duplicate in the file (row %(row)d)") % {"row": duplicate_of})
        )
    return found


class _Seen(threading.local):
    """The case numbers seen so far in the file being checked (duplicates in the file): the
    lifecycle checks a file's chunks in order, in one thread; a chunk starting at or before
    the last row seen is a new file."""

    def __init__(self):
        self.numbers: dict[str, int] = {}
        self.last_row = 0


class CaseRows:
    """The bulk kind (see tongxin.transfer.registry): `check` a chunk, `commit` the rows."""

    def __init__(self):
        self._seen = _Seen()

    # Checking ------------------------------------------------------------------------------

    def reset(self) -> None:
        self._seen.numbers = {}
        self._seen.last_row = 0

    def check(self, rows, *, actor=None) -> dict[int, list[tuple[str, str]]]:
        from tongxin.orgs.models import Court
        from tongxin.people.models import Person

        seen = self._seen
        if rows and rows[0].number <= seen.last_row:
            self.reset()
        if rows:
            seen.last_row = rows[-1].number
        parsed, problems = {}, {}
        for row in rows:
            try:
                parsed[row.number] = caseno.parse(row.values["case_number"])
            except caseno.CaseNumberError:
                problems[row.number] = [invalid_case_number()]
        codes = {number.court for number in parsed.values()}
        courts = dict(Court.objects.filter(code__in=codes).values_list("code", "pk"))
        staff = {(r.values.get("judge_staff_number") or "") for r in rows}
        judges = {
            (court_id, number): pk
            for pk, court_id, number in Person.objects.filter(
                Q(staff_number__in=staff), court_id__in=set(courts.values())
            ).values_list("pk", "court_id", "staff_number")
        }
        for row in rows:
            if row.number in problems:
                continue
            found = self._row_problems(row, parsed[row.number], courts, judges)
            if found:
                problems[row.number] = found
            else:
                key = parsed[row.number].canonical()
                seen.numbers[key] = row.number
                row.values["_court_id"] = courts[parsed[row.number].court]
                row.values["_judge_id"] = judges[
                    (row.values["_court_id"], row.values["judge_staff_number"])
                ]
        return problems

    def _row_problems(self, row, number, courts, judges) -> list:
        values = row.values
        court_id = courts.get(number.court)
        filed, closed = values.get("filed_on"), values.get("closed_on")
        bad_days = []
        for name in ("time_limit_days", "excluded_days"):
            try:
                _days(values.get(name))
            except ValueError:
                bad_days.append(name)
        origin = values.get("origin_case_number")
        key = number.canonical()
        return problem_reasons(
            unknown_court=number.court if court_id is None else None,
            unknown_judge=court_id is not None
            and (court_id, values.get("judge_staff_number")) not in judges,
            closed_before_filed=bool(filed and closed and closed < filed),
            filed_in_future=bool(filed and filed > datetime.date.today().isoformat()),
            closed_without_method=bool(closed and not values.get("closing_method")),
            method_without_closing=bool(values.get("closing_method") and not closed),
            bad_days=bad_days,
            bad_origin=bool(origin and caseno.canonical(origin) is None),
            duplicate_of=self._seen.numbers.get(key),
        )

    # Committing ----------------------------------------------------------------------------

    def commit(self, rows, *, actor=None, batch_id: int = 0, total: int = 0, progress=None):
        from tongxin.trial.services import store_rows
        from tongxin.trial.tasks import recompute_after_import

        try:
            counts = store_rows(rows, batch_id=batch_id, total=total, progress=progress)
        except OSError as error:
            raise ApplicationError(
                _("The case store could not be written (%s).") % error
            ) from error
        recompute_after_import(counts)
        return counts


CASES = CaseRows()

KIND = register(
    ImportKind(
        name="cases",
        label=gettext_lazy("Cases"),
        description=gettext_lazy(
            "Case data exported from a court's case management system (Excel, CSV in UTF-8 or "
            "GBK, Parquet), matched by case number: a case imported again is updated."
        ),
        fields=FIELDS,
        permission=Perm.TRIAL_IMPORT,
        template_name="案件导入模板.xlsx",
        bulk=CASES,
        max_rows=5_000_000,
        order=60,
        reader=read_rows,
    )
)
