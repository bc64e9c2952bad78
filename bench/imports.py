"""The people import at scale: a file of N rows for the seeded data, previewed and committed
as the product does it (the upload's request, then the background jobs), each step timed
in a process of its own for its peak memory, beside a plain bulk INSERT (SQLite) or COPY
(PostgreSQL) of the same rows in the same run.

    .venv/bin/python bench/run.py --scale national --db sqlite --imports --name tongxin_bench_bulkimport

The file (`people_file`, not timed) mixes what a province's yearly update holds: 40% new
people (with department, Party dates and a branch of their court for the members), 30%
existing people with changed fields (cadre level, salary base; one in three of the members
among them moved to another branch of their court) and 30% existing people unchanged (key
and name only). Every row is meant to be accepted; the rejects are counted and reported.

Steps (`run_step`, each in a child process `python -m bench.imports STEP BATCH`):
- upload: `import_upload` as the upload request runs it (reads the header and the first rows,
  stores the file; the queued check is not run here);
- preview: `import_preview_claimed`, the background check (reads, checks, spools chunks);
- commit: the claim, then `import_commit_claimed`, the background commit (one transaction);
- reference: the same rows' 17 values inserted into a scratch table by plain SQL
  (executemany in one transaction on SQLite, COPY on PostgreSQL).
Peak memory is the child's maximum resident set size (`getrusage`), with its size after
Django's start for comparison. The detail page of the checked batch is requested too.
"""

from __future__ import annotations

import datetime
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tongxin.lib.dates import add_months

ROOT = Path(__file__).resolve().parent.parent
ACTOR = "admin"  # the demo system administrator: the whole country in reach
SHARES = {"new": 0.4, "changed": 0.3, "unchanged": 0.3}


@dataclass
class FileSpec:
    path: str
    rows: int
    new: int
    changed: int
    moved: int
    unchanged: int
    bytes: int
    seconds: float  # to build it (not part of the measure)


@dataclass
class Step:
    name: str
    seconds: float
    peak_rss_mb: float
    start_rss_mb: float
    detail: dict = field(default_factory=dict)


@dataclass
class ImportResult:
    file: FileSpec
    steps: list[Step]
    pages: list[dict]
    checks: dict

    def step(self, name: str) -> Step:
        return next(step for step in self.steps if step.name == name)


def rss_mb() -> float:
    """This process's peak resident memory so far: VmHWM (the high-water mark of its own
    address space; `getrusage`'s ru_maxrss carries the parent's peak across fork and exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# The file ------------------------------------------------------------------------------------


def _headers() -> list[str]:
    from tongxin.transfer import registry

    return [item.zh for item in registry.get("people").fields]


def people_file(path: Path, *, rows: int, today: datetime.date | None = None) -> FileSpec:
    """Write a people file of `rows` rows for the seeded data (see the module docstring)."""
    from django.db.models import Q

    from tongxin.lib.excel import workbook_bytes_to
    from tongxin.orgs.models import Court, Department, PartyOrganisation
    from tongxin.people.imports import MEMBER_KINDS
    from tongxin.people.models import Membership, Person

    started = time.perf_counter()
    today = today or datetime.date.today()
    new = int(rows * SHARES["new"])
    changed = int(rows * SHARES["changed"])
    unchanged = rows - new - changed
    courts = {
        c.pk: c for c in Court.objects.filter(code__isnull=False, is_active=True).exclude(code="")
    }
    branches: dict[int, list[str]] = {}
    for court_id, name in PartyOrganisation.objects.filter(
        court_id__in=courts, kind__in=MEMBER_KINDS, is_active=True
    ).values_list("court_id", "name_zh"):
        branches.setdefault(court_id, []).append(name)
    departments: dict[int, list[str]] = {}
    for court_id, name in Department.objects.filter(
        court_id__in=courts, is_active=True
    ).values_list("court_id", "name_zh"):
        departments.setdefault(court_id, []).append(name)
    existing_ids = list(
        Person.objects.filter(court_id__in=courts, is_active=True)
        .order_by("id")
        .values_list("id", flat=True)
    )
    wanted = changed + unchanged
    if len(existing_ids) < wanted:
        raise SystemExit(f"the seeded data has {len(existing_ids)} people, {wanted} wanted")
    step = len(existing_ids) / wanted
    picked = [existing_ids[int(i * step)] for i in range(wanted)]
    people = Person.objects.in_bulk(picked)
    current = {
        m.person_id: m
        for m in Membership.objects.filter(person_id__in=picked, ends_on__isnull=True)
        .filter(Q(starts_on__lt=today))
        .select_related("organisation")
    }
    out: list[list] = []
    moved = 0
    for index, pk in enumerate(picked):
        person = people[pk]
        court = courts[person.court_id]
        row = [court.code, person.staff_number, person.name] + [None] * 14
        if index < changed:
            levels = ["", "section", "division"]
            row[7] = {"": "无", "section": "乡科级", "division": "县处级"}[
                levels[(levels.index(person.cadre_level) + 1) % 3]
                if person.cadre_level in levels
                else ""
            ]
            row[12] = float(person.dues_base or 0) + 100
            membership = current.get(pk)
            options = [
                name
                for name in branches.get(court.pk, [])
                if membership is not None and name != membership.organisation.name_zh
            ]
            if index % 3 == 0 and options and person.is_party_member:
                row[14] = options[index % len(options)]
                moved += 1
        out.append(row)
    coded = sorted(courts.values(), key=lambda c: c.path)
    stamp = f"{int(time.time()) % 100000:05d}"
    categories = ["法官", "法官助理", "书记员", "司法警察", "司法行政人员"]
    for n in range(new):
        court = coded[n % len(coded)]
        birth = datetime.date(1965 + n % 30, 1 + n % 12, 1 + n % 28)
        member = n % 5 < 3
        row = [
            court.code,
            f"B{stamp}{n:07d}",
            f"测试{n}",
            "男" if n % 2 else "女",
            birth.isoformat(),
            (departments.get(court.pk) or [None])[n % max(1, len(departments.get(court.pk, [])))],
            categories[n % len(categories)],
            "无",
            "否",
            "正式党员" if member else "群众",
            (birth + datetime.timedelta(days=365 * 25)).isoformat() if member else None,
            # Full membership when the probation year ends (not 365 days: a leap day would
            # make it a day early, which the product refuses).
            add_months(birth + datetime.timedelta(days=365 * 25), 12).isoformat()
            if member
            else None,
            7000 + n % 3000,
            "否",
            None,
            None,
            None,
        ]
        if member and branches.get(court.pk):
            row[14] = branches[court.pk][n % len(branches[court.pk])]
        out.append(row)
    with open(path, "wb") as handle:
        workbook_bytes_to(handle, headers=_headers(), rows=out)
    return FileSpec(
        path=str(path),
        rows=rows,
        new=new,
        changed=changed,
        moved=moved,
        unchanged=unchanged,
        bytes=path.stat().st_size,
        seconds=round(time.perf_counter() - started, 1),
    )


# Steps, each in a process of its own ---------------------------------------------------------


def _actor():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=ACTOR)


def step_upload(path: str) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tongxin.transfer import services

    data = Path(path).read_bytes()
    queue = services._enqueue_preview
    services._enqueue_preview = lambda task, batch_id: None  # the worker's part is timed apart
    try:
        started = time.perf_counter()
        batch = services.import_upload(
            actor=_actor(), kind="people", upload=SimpleUploadedFile(Path(path).name, data)
        )
        seconds = time.perf_counter() - started
    finally:
        services._enqueue_preview = queue
    return {"seconds": seconds, "batch": batch.pk, "status": str(batch.status)}


def step_preview(batch_id: int) -> dict:
    from tongxin.transfer import services

    started = time.perf_counter()
    batch = services.import_preview_claimed(batch_id=batch_id)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "status": str(batch.status),
        "failure": batch.failure,
        "created": batch.created_count,
        "changed": batch.changed_count,
        "unchanged": batch.unchanged_count,
        "rejected": batch.rejected_count,
    }


def step_commit(batch_id: int) -> dict:
    from tongxin.transfer import commit, lease
    from tongxin.transfer.models import ImportBatch

    claimed = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.PENDING).update(
        status=ImportBatch.Status.COMMITTING, lease_owner="", lease_until=lease.lease_end()
    )
    assert claimed, "the batch is not pending"
    started = time.perf_counter()
    batch = commit.import_commit_claimed(batch_id=batch_id)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "status": str(batch.status),
        "failure": batch.failure,
        "created": batch.created_count,
        "changed": batch.changed_count,
    }


def step_reference(path: str) -> dict:
    """The same rows by plain SQL into a scratch table of 17 text columns (the sheet's):
    COPY on PostgreSQL, one executemany in one transaction on SQLite. The rows are read
    from the file first (not timed)."""
    from django.db import connection, transaction

    from tongxin.lib.excel import iter_rows

    with open(path, "rb") as handle:
        rows = [
            tuple(None if v is None else str(v) for v in (list(values) + [None] * 17)[:17])
            for number, values in iter_rows(handle)
            if number > 1
        ]
    columns = ", ".join(f"c{i} text" for i in range(17))
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_reference")
        cursor.execute(f"CREATE TABLE bench_reference ({columns})")
        if connection.vendor == "postgresql":
            with cursor.cursor.copy("COPY bench_reference FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * 17)
            cursor.executemany(f"INSERT INTO bench_reference VALUES ({marks})", rows)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_reference")
    return {"seconds": seconds, "rows": len(rows)}


STEPS = {
    "upload": step_upload,
    "preview": step_preview,
    "commit": step_commit,
    "reference": step_reference,
}


def _child(argv: list[str]) -> int:
    """python -m bench.imports STEP ARG: run one step, print its result as JSON."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # no query log while timing, as in production
    start = rss_mb()
    name, argument = argv[0], argv[1]
    argument = int(argument) if argument.isdigit() else argument
    profile = os.environ.get("BENCH_PROFILE")  # a directory: each step's cProfile output
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        result = profiler.runcall(STEPS[name], argument)
        profiler.dump_stats(str(Path(profile) / f"{name}.prof"))
    else:
        result = STEPS[name](argument)
    result["peak_rss_mb"] = rss_mb()
    result["start_rss_mb"] = start
    print("RESULT " + json.dumps(result))
    return 0


def run_step(name: str, argument, *, isolate: bool = True) -> Step:
    """One step: in a child process (isolate; its own peak memory), or here (the tests)."""
    if isolate:
        done = subprocess.run(
            [sys.executable, "-m", "bench.imports", name, str(argument)],
            cwd=ROOT,
            env={**os.environ},
            capture_output=True,
            text=True,
            check=False,
        )
        line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
        if done.returncode != 0 or line is None:
            raise RuntimeError(f"step {name} failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}")
        result = json.loads(line[len("RESULT ") :])
    else:
        start = rss_mb()
        result = STEPS[name](argument)
        result["peak_rss_mb"], result["start_rss_mb"] = rss_mb(), start
    seconds = result.pop("seconds")
    return Step(
        name=name,
        seconds=round(seconds, 3),
        peak_rss_mb=round(result.pop("peak_rss_mb"), 1),
        start_rss_mb=round(result.pop("start_rss_mb"), 1),
        detail=result,
    )


# The whole measure ---------------------------------------------------------------------------


def _pages(batch_id: int) -> list[dict]:
    """The batch's detail page (first page, the page after row 50,000) as the uploader:
    queries and time."""
    from django.db import connection, reset_queries
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(_actor())
    results = []
    with override_settings(DEBUG=False):
        for label, url in (
            ("detail page", f"/transfer/import/{batch_id}/"),
            (
                "detail page after row 50,000",
                f"/transfer/import/{batch_id}/?rows=50000&rejects=50000",
            ),
        ):
            client.get(url)
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                seconds = time.perf_counter() - started
            results.append(
                {
                    "page": label,
                    "status": response.status_code,
                    "queries": len(queries),
                    "ms": round(seconds * 1000, 1),
                    "bytes": len(response.content),
                }
            )
    return results


def _checks(batch_id: int) -> dict:
    """After the commit: the batch's entry and its changes, and one changed field answered
    from the audit (who, when, from what)."""
    from tongxin.core.models import AuditChange, AuditEntry

    entry = AuditEntry.objects.filter(
        action="transfer.batch.committed", object_id=str(batch_id)
    ).first()
    if entry is None:
        return {"entry": None}
    changes = AuditChange.objects.filter(entry=entry)
    sample = changes.filter(action="people.person.changed").order_by("id").first()
    return {
        "entry": entry.pk,
        "changes": changes.count(),
        "by_action": {
            action: changes.filter(action=action).count()
            for action in (
                "people.person.created",
                "people.person.changed",
                "people.membership.ended",
                "people.membership.created",
            )
        },
        "sample": None
        if sample is None
        else {
            "object": f"{sample.object_type}:{sample.object_id}",
            "who": entry.actor_name,
            "when": entry.at.isoformat(),
            "before": sample.before,
            "after": sample.after,
        },
    }


def measure_imports(*, rows: int, workdir: Path, isolate: bool = True) -> ImportResult:
    spec = people_file(workdir / f"people-{rows}.xlsx", rows=rows)
    print(f"file: {spec}", flush=True)
    steps = [run_step("reference", spec.path, isolate=isolate)]
    print(f"reference: {steps[-1]}", flush=True)
    upload = run_step("upload", spec.path, isolate=isolate)
    steps.append(upload)
    print(f"upload: {upload}", flush=True)
    batch_id = upload.detail["batch"]
    steps.append(run_step("preview", batch_id, isolate=isolate))
    print(f"preview: {steps[-1]}", flush=True)
    pages = _pages(batch_id)
    print(f"pages: {pages}", flush=True)
    steps.append(run_step("commit", batch_id, isolate=isolate))
    print(f"commit: {steps[-1]}", flush=True)
    return ImportResult(file=spec, steps=steps, pages=pages, checks=_checks(batch_id))


def markdown(result: ImportResult, info: dict) -> str:
    reference = result.step("reference").seconds or 1e-9
    spec = result.file
    preview = result.step("upload").seconds + result.step("preview").seconds
    commit = result.step("commit").seconds
    lines = [
        f"### People import, {spec.rows:,} rows, {info.get('scale', '')} scale on "
        f"{info['database']} ({info['date']})",
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory']}; "
        f"Python {info['python']}, Django {info['django']}.",
        "",
        f"File: {spec.bytes / 1024 / 1024:.1f} MB, {spec.new:,} new people, {spec.changed:,} "
        f"changed ({spec.moved:,} of them moved to another branch), {spec.unchanged:,} "
        "unchanged.",
        "",
        "| step | seconds | × reference | peak memory (MB) | at start (MB) |",
        "|---|---:|---:|---:|---:|",
    ]
    for step in result.steps:
        lines.append(
            f"| {step.name} | {step.seconds:.2f} | {step.seconds / reference:.1f} "
            f"| {step.peak_rss_mb:.0f} | {step.start_rss_mb:.0f} |"
        )
    lines += [
        f"| **preview (upload + check) + commit** | **{preview + commit:.1f}** "
        f"| {(preview + commit) / reference:.1f} | | |",
        "",
        f"Preview: {result.step('preview').detail}.",
        "",
        f"Commit: {result.step('commit').detail}.",
        "",
        "| page | status | queries | ms |",
        "|---|---:|---:|---:|",
    ]
    for page in result.pages:
        lines.append(f"| {page['page']} | {page['status']} | {page['queries']} | {page['ms']} |")
    lines += ["", f"Audit: {json.dumps(result.checks, ensure_ascii=False)}", ""]
    return "\n".join(lines)


def as_dict(result: ImportResult, info: dict) -> dict:
    return {"machine": info, **asdict(result)}


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
