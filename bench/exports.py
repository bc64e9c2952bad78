"""The export measurements: the people export as CSV and .xlsx, against plain SQL.

Three cases: `party` (party-affairs staff of the Beijing High Court: their own province),
`admin` with `?court=<the largest province>` (a province of the size the issue measured) and
`admin` without filters (the whole country). For each case and each kind:
- `reference`: the export's own SELECT (the same columns, raw codes instead of labels) run
  through the database cursor and written with Python's csv module: the floor for any export
  written in Python;
- `copy` (PostgreSQL only): the same SELECT through `COPY ... TO STDOUT (FORMAT csv)`;
- `csv`: GET /people/?export=csv as the user, read to the end (first byte and first rows timed);
- `xlsx`: GET /people/?export=xlsx as the user: the workbook itself, or for more than
  EXPORT_INLINE_ROWS rows the background job (run at once by the immediate task backend)
  until its file is ready.

Each measurement runs in a fresh Python process (`python -m bench.exports KIND USER`), so its
peak memory is its own: "growth" is the peak resident size during the export minus the size
before it. The ratio is the export's time over the reference's, in the same run.
"""

from __future__ import annotations

import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
URL = "/people/"
PROVINCE = "province"  # stands for the court code of the province with the most people


@dataclass(frozen=True)
class Case:
    user: str
    query: str = ""  # filters of the people list, e.g. "court=豫"; PROVINCE: the largest one

    @property
    def label(self) -> str:
        return self.user + (f" ?{self.query}" if self.query else "")


CASES = (Case("party"), Case("admin", PROVINCE), Case("admin"))


@dataclass
class ExportResult:
    user: str
    query: str
    kind: str
    rows: int
    seconds: float
    first_byte_ms: float | None
    first_rows_ms: float | None
    bytes: int
    queries: int | None
    rss_before_mb: float
    peak_rss_mb: float
    growth_mb: float
    ratio: float | None = None


def _status_mb(field: str) -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _peak_reset() -> float:
    """Reset the peak resident size to the current one (Linux: /proc/self/clear_refs) and
    return it. ru_maxrss cannot serve: Linux carries it over from the parent across exec."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        pass
    return _status_mb("VmRSS") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _peak_mb() -> float:
    return _status_mb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def largest_province() -> str:
    """The code of the high court with the most people below it."""
    from django.db.models import Count

    from tongxin.orgs.models import Court
    from tongxin.people.models import Person

    counts = (
        Person.objects.values("court__province")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("court__province", flat=True)
    )
    province = next(iter(counts), "")
    high = Court.objects.filter(level=Court.Level.HIGH, province=province).first()
    return high.code if high else ""


def _params(query: str) -> dict:
    from django.http import QueryDict

    return QueryDict(query).dict()


def _export_query(username: str, query: str):
    """The values query the people export runs for this user with these filters."""
    from django.contrib.auth import get_user_model

    from tongxin.core.exports import export_values
    from tongxin.people.lists import PEOPLE

    user = get_user_model().objects.get(username=username)
    return export_values(PEOPLE.queryset(user, _params(query)), PEOPLE.columns())


def _reference(username: str, query: str, kind: str) -> tuple[int, int]:
    """(rows, bytes) of the plain SQL written with csv, or of a COPY."""
    from django.db import connection

    sql, params = _export_query(username, query).query.sql_with_params()
    with tempfile.TemporaryFile("w+b") as handle, connection.cursor() as cursor:
        if kind == "copy":
            rows = 0
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy:
                for data in copy:
                    handle.write(data)
                    rows += bytes(data).count(b"\n")  # no newline inside these values
            return rows, handle.tell()
        text = open(handle.fileno(), "w", encoding="utf-8", newline="", closefd=False)  # noqa: SIM115
        writer = csv.writer(text)
        cursor.execute(sql, params)
        rows = 0
        while chunk := cursor.fetchmany(2000):
            writer.writerows(chunk)
            rows += len(chunk)
        text.flush()
        return rows, handle.tell()


def probe(kind: str, username: str, query: str = "") -> ExportResult:
    """One measurement in this process."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from tongxin.core.models import ExportJob

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    first_byte = first_rows = None
    queries = None
    with override_settings(ROOT_URLCONF="bench.urls", DEBUG=False):
        client.get("/__bench__/trivial/")  # warm: session, user, middleware
        before = _peak_reset()
        started = time.perf_counter()
        if kind in ("reference", "copy"):
            rows, size = _reference(username, query, kind)
        else:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(f"{URL}?{query}&export={kind}")
                if response.status_code == 302:  # a background job, already run
                    job = ExportJob.objects.filter(user__username=username).latest("id")
                    assert job.status == ExportJob.Status.DONE, (job.status, job.failure)
                    rows, size = (
                        job.row_count,
                        (Path(settings.EXPORT_ROOT) / job.file).stat().st_size,
                    )
                elif kind == "csv":
                    size, rows = 0, -1
                    for piece in response.streaming_content:
                        now = time.perf_counter() - started
                        if first_byte is None:
                            first_byte = now
                        elif first_rows is None:
                            first_rows = now
                        size += len(piece)
                        rows += piece.count(b"\r\n")
                else:
                    # (The test client closes the response at the end of its content.)
                    size = sum(len(piece) for piece in response.streaming_content)
                    rows = None
            queries = len(captured)
        seconds = time.perf_counter() - started
    if rows is None:
        rows = _export_query(username, query).count()  # not read back from the workbook
    peak = _peak_mb()
    return ExportResult(
        user=username,
        query=query,
        kind=kind,
        rows=rows,
        seconds=round(seconds, 3),
        first_byte_ms=None if first_byte is None else round(first_byte * 1000, 1),
        first_rows_ms=None if first_rows is None else round(first_rows * 1000, 1),
        bytes=size,
        queries=queries,
        rss_before_mb=round(before, 1),
        peak_rss_mb=round(peak, 1),
        growth_mb=round(peak - before, 1),
    )


def probe_isolated(kind: str, username: str, query: str = "") -> ExportResult:
    """One measurement in a fresh process (its own peak memory)."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.exports", kind, username, query],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"export probe {kind} {username} failed:\n{done.stderr}")
    return ExportResult(**json.loads(done.stdout.strip().splitlines()[-1]))


def measure_exports(*, cases=CASES, isolated: bool = True) -> list[ExportResult]:
    """Every kind for every case; ratios over the reference of the same case."""
    from django.db import connection

    kinds = ["reference", *(["copy"] if connection.vendor == "postgresql" else []), "csv", "xlsx"]
    results = []
    for case in cases:
        query = case.query
        if query == PROVINCE:
            query = f"court={largest_province()}"
        run = probe_isolated if isolated else probe
        measured = [run(kind, case.user, query) for kind in kinds]
        unit = measured[0].seconds
        for result in measured:
            result.ratio = round(result.seconds / unit, 1) if unit > 0 else None
        results += measured
    return results


def markdown(results: list[ExportResult]) -> str:
    lines = [
        "| user | filters | kind | rows | s | first byte ms | first rows ms | MB | queries "
        "| peak RSS MB | growth MB | × reference |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        fb = "" if r.first_byte_ms is None else f"{r.first_byte_ms:.1f}"
        fr = "" if r.first_rows_ms is None else f"{r.first_rows_ms:.1f}"
        queries = "" if r.queries is None else str(r.queries)
        ratio = "" if r.ratio is None else f"{r.ratio:.1f}"
        lines.append(
            f"| {r.user} | {r.query or '—'} | {r.kind} | {r.rows:,} | {r.seconds:.2f} | {fb} | {fr} "
            f"| {r.bytes / 1024 / 1024:.2f} | {queries} | {r.peak_rss_mb:.0f} "
            f"| {r.growth_mb:.0f} | {ratio} |"
        )
    return "\n".join(lines) + "\n"


def as_dicts(results: list[ExportResult]) -> list[dict]:
    return [asdict(r) for r in results]


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    sys.path.insert(0, str(ROOT))
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    print(json.dumps(asdict(probe(*sys.argv[1:4]))))
