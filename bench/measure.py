"""The benchmark machinery: seed the demo data, then time pages as the demo users.

Each page is requested once with its queries captured (the query count, and a warm-up),
then `repeat` times without capture, interleaved with the trivial bench view so that both
see the same machine state. The figure of merit is the median time of a page divided by
the median time of the trivial view for the same user in the same run.
"""

from __future__ import annotations

import datetime
import logging
import os
import platform
import resource
import statistics
import time
from dataclasses import asdict, dataclass, field

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, reset_queries
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from bench.urls import TRIVIAL_URL

# Pages named by the issue, the home page and its health panel (loaded by htmx: it runs
# the same health computation as the health page).
PAGES = {
    "court tree": "/courts/",
    "organisation health": "/courts/health/",
    # Its last page (the paginator clamps the number): the deepest window of the findings.
    "organisation health, last page": "/courts/health/?page=999999",
    "people list": "/people/",
    "home": "/",
    "home health panel": "/health-counts/",
}
# admin = system admin at the root; party = party-affairs staff of one high court;
# secretary = branch secretary of one branch (see tongxin.people.demo.DEMO_USERS).
USERS = ("admin", "party", "secretary")


@dataclass
class PageResult:
    user: str
    page: str
    url: str
    status: int
    queries: int
    median_ms: float
    ratio: float | None
    bytes: int
    samples_ms: list[float] = field(default_factory=list)


@dataclass
class SeedResult:
    scale: str
    seed: int
    seconds: float
    counts: dict
    peak_rss_mb: float


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def seed_timed(*, scale: str, seed: int = 1) -> SeedResult:
    """Run `seed_demo` as the command line does, and time it."""
    from tongxin.orgs.models import Court, Department, PartyOrganisation
    from tongxin.people.models import Membership, Person

    started = time.perf_counter()
    call_command("seed_demo", scale=scale, seed=seed, stdout=_Null())
    seconds = time.perf_counter() - started
    counts = {
        "courts": Court.objects.count(),
        "departments": Department.objects.count(),
        "organisations": PartyOrganisation.objects.count(),
        "people": Person.objects.count(),
        "memberships": Membership.objects.count(),
    }
    return SeedResult(scale, seed, round(seconds, 2), counts, round(peak_rss_mb(), 1))


class _Null:
    def write(self, *_args, **_kwargs):
        pass

    def flush(self):
        pass


def _client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _timed_get(client: Client, url: str) -> tuple[float, int, int]:
    started = time.perf_counter()
    response = client.get(url)
    # A download streams: read it all, as a browser would, before the clock stops.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    elapsed = time.perf_counter() - started
    return elapsed, response.status_code, len(body)


def measure_pages(
    *, users=USERS, pages: dict[str, str] | None = None, repeat: int = 5
) -> list[PageResult]:
    """Queries and median time of each page for each user, with the trivial view as unit."""
    pages = PAGES if pages is None else pages
    # DEBUG off: no query log on the cursor while timing, as in production. The 403 pages
    # (the secretary has no court tree) are expected: keep them out of the log.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    try:
        with override_settings(ROOT_URLCONF="bench.urls", DEBUG=False):
            results = _measure(users, pages, repeat)
    finally:
        request_log.setLevel(level)
    return results


def _measure(users, pages: dict[str, str], repeat: int) -> list[PageResult]:
    results: list[PageResult] = []
    for username in users:
        client = _client(username)
        targets = {"trivial": TRIVIAL_URL, **pages}
        first: dict[str, tuple[int, int, int]] = {}
        for name, url in targets.items():
            reset_queries()  # the log keeps at most 9,000 queries: count from empty
            with CaptureQueriesContext(connection) as captured:
                _elapsed, status, size = _timed_get(client, url)
            first[name] = (status, len(captured), size)
        samples: dict[str, list[float]] = {name: [] for name in targets}
        for _ in range(repeat):
            for name, url in targets.items():
                samples[name].append(_timed_get(client, url)[0])
        unit = statistics.median(samples["trivial"])
        for name, url in targets.items():
            status, queries, size = first[name]
            median = statistics.median(samples[name])
            results.append(
                PageResult(
                    user=username,
                    page=name,
                    url=url,
                    status=status,
                    queries=queries,
                    median_ms=round(median * 1000, 2),
                    ratio=round(median / unit, 1) if unit > 0 else None,
                    bytes=size,
                    samples_ms=[round(s * 1000, 2) for s in samples[name]],
                )
            )
    return results


def machine() -> dict:
    """What the figures were measured on."""
    import django

    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next(
                (line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")),
                cpu,
            )
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            kb = int(handle.readline().split()[1])
            memory = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        db_version = cursor.fetchone()[0]
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": f"{connection.vendor} {db_version}",
    }


def markdown(*, info: dict, seed: SeedResult | None, pages: list[PageResult]) -> str:
    """The results as the table bench/README.md shows."""
    lines = [
        f"### {info.get('scale', '')} scale on {info['database']} ({info['date']})",
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory']}; "
        f"Python {info['python']}, Django {info['django']}.",
        "",
    ]
    if seed is not None:
        counts = ", ".join(f"{v:,} {k}" for k, v in seed.counts.items())
        lines += [
            f"Seed (`seed_demo --scale {seed.scale} --seed {seed.seed}`): "
            f"**{seed.seconds:.1f} s**, peak memory {seed.peak_rss_mb:.0f} MB; {counts}.",
            "",
        ]
    if pages:
        lines += [
            "| user | page | status | queries | median ms | × trivial |",
            "|---|---|---:|---:|---:|---:|",
        ]
    for row in pages:
        ratio = "" if row.ratio is None else f"{row.ratio:.1f}"
        lines.append(
            f"| {row.user} | {row.page} (`{row.url}`) | {row.status} | {row.queries} "
            f"| {row.median_ms:.1f} | {ratio} |"
        )
    return "\n".join(lines) + "\n"


def as_dict(*, info: dict, seed: SeedResult | None, pages: list[PageResult]) -> dict:
    return {
        "machine": info,
        "seed": asdict(seed) if seed else None,
        "pages": [asdict(p) for p in pages],
    }
