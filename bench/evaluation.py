"""Computing an appraisal cycle at national scale, as a ratio to hand-written SQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> DEBUG=1 \\
        .venv/bin/python bench/evaluation.py --people 370000 --repeat 3

PostgreSQL only (the data are generated with generate_series). The database is migrated,
then filled with synthetic inputs: courts, people (categories spread), three raters per
person (two groups), submitted sheets, and one row of facts per person in a bench table
(`bench_eval_fact`: a democratic grade and a commitments share) read by two sources
registered for the run through the ordinary registry. The same inputs feed:
- **the product**: `services.cycle_compute` (load members, facts through the sources, the
  submitted ratings; the pure engine; bulk insert of the results with their explanation);
- **the reference**: one hand-written SQL statement computing the same final scores (the
  same tree and renormalisation of missing criteria) and the excellent grades by rank within
  each court's floor(20 %) quota, written into a table (CREATE TABLE AS).
The figure is the product's median time over the reference's median time in the same run;
the final scores of both are compared (they must agree to the cent).
Everything the run creates is dropped at the end (tables of the app are emptied).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCHEME = {
    "tree": [
        {
            "code": "party",
            "label": "党建",
            "weight": 40,
            "children": [
                {
                    "code": "democratic",
                    "label": "民主评议",
                    "weight": 60,
                    "source": "bench_grade",
                    "scoring": {
                        "kind": "map",
                        "map": {"excellent": 100, "qualified": 85, "basic": 60, "unqualified": 0},
                    },
                },
                {
                    "code": "commitments",
                    "label": "承诺",
                    "weight": 40,
                    "source": "bench_share",
                    "scoring": {"kind": "ratio"},
                },
            ],
        },
        {
            "code": "rated",
            "label": "测评",
            "weight": 60,
            "scoring": {"kind": "raters", "groups": {"leader": 50, "colleague": 50}},
        },
    ],
    "rules": [],
    "thresholds": {"excellent": 85, "competent": 60, "basic": 45},
    "tie_order": [],
}

REFERENCE = """
CREATE TABLE bench_eval_ref AS
WITH g AS (
  SELECT a.ratee_id AS pid, a."group", AVG(a.score) AS mean
  FROM evaluation_raterassignment a
  JOIN evaluation_ratersheet s ON s.cycle_id = a.cycle_id AND s.rater_id = a.rater_id
  WHERE a.cycle_id = %(cycle)s AND a.score IS NOT NULL
  GROUP BY a.ratee_id, a."group"
), r AS (
  SELECT pid, SUM(mean * CASE "group" WHEN 'leader' THEN 50 ELSE 50 END)
            / SUM(CASE "group" WHEN 'leader' THEN 50 ELSE 50 END) AS rated
  FROM g GROUP BY pid
), leaf AS (
  SELECT m.person_id AS pid, m.unit,
    CASE f.grade WHEN 'excellent' THEN 100 WHEN 'qualified' THEN 85 WHEN 'basic' THEN 60
                 WHEN 'unqualified' THEN 0 END::numeric AS democratic,
    CASE WHEN f.share IS NULL THEN NULL
         ELSE LEAST(100, GREATEST(0, f.share * 100)) END::numeric AS commitments, r.rated
  FROM evaluation_cyclemember m
  LEFT JOIN bench_eval_fact f ON f.person_id = m.person_id
  LEFT JOIN r ON r.pid = m.person_id
  WHERE m.cycle_id = %(cycle)s
), party AS (
  SELECT pid, unit, rated,
    (COALESCE(democratic * 60, 0) + COALESCE(commitments * 40, 0))
      / NULLIF((CASE WHEN democratic IS NULL THEN 0 ELSE 60 END)
             + (CASE WHEN commitments IS NULL THEN 0 ELSE 40 END), 0) AS party
  FROM leaf
), final AS (
  SELECT pid, unit,
    ROUND((COALESCE(party * 40, 0) + COALESCE(rated * 60, 0))
      / NULLIF((CASE WHEN party IS NULL THEN 0 ELSE 40 END)
             + (CASE WHEN rated IS NULL THEN 0 ELSE 60 END), 0), 2) AS final
  FROM party
), ranked AS (
  SELECT pid, unit, final,
    RANK() OVER (PARTITION BY unit ORDER BY final DESC) AS place,
    COUNT(*) OVER (PARTITION BY unit) AS assessed
  FROM final
)
SELECT pid, unit, final,
  CASE WHEN final IS NULL THEN ''
       WHEN final >= 85 AND place <= FLOOR(assessed * 0.2) THEN 'excellent'
       WHEN final >= 60 THEN 'competent' WHEN final >= 45 THEN 'basic'
       ELSE 'incompetent' END AS grade
FROM ranked
"""


def setup(people: int, courts: int):
    import datetime

    from django.core.management import call_command
    from django.db import connection

    from tongxin.evaluation import services
    from tongxin.evaluation.models import Scheme
    from tongxin.orgs.models import Court

    call_command("migrate", verbosity=0)
    cleanup()
    root = Court.objects.create(code="BENCHROOT", name_zh="基准根", level="spc", province="")
    with connection.cursor() as c:
        c.execute(
            "INSERT INTO orgs_court (code, name_zh, name_en, level, kind, province, parent_id,"
            " is_active, path, depth) SELECT 'BENCH' || i, '基准法院' || i, '', 'basic',"
            " 'ordinary', '', %s, true, '', 1 FROM generate_series(1, %s) i",
            [root.pk, courts],
        )
        c.execute(
            "UPDATE orgs_court SET path = %s || lpad(id::text, 7, '0') || '.' WHERE parent_id = %s",
            [root.path, root.pk],
        )
        c.execute(
            "INSERT INTO people_person (court_id, name, gender, staff_number, category,"
            " cadre_level, is_quota_judge, political_status, is_retired, is_active)"
            " SELECT c.id, '人' || i, 'f', 'B' || i,"
            " (ARRAY['judge','assistant','clerk','police','admin'])[1 + i %% 5], '', false,"
            " 'full', false, true"
            " FROM generate_series(1, %s) i"
            " JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM orgs_court"
            "       WHERE parent_id = %s) c ON c.n = i %% %s",
            [people, root.pk, courts],
        )
        c.execute(
            "CREATE TABLE bench_eval_fact (person_id bigint PRIMARY KEY, grade text, share numeric)"
        )
        c.execute(
            "INSERT INTO bench_eval_fact SELECT id,"
            " (ARRAY['excellent','qualified','qualified','basic','unqualified'])[1 + id %% 5],"
            " CASE WHEN id %% 7 = 0 THEN NULL ELSE (id %% 5) / 4.0 END"
            " FROM people_person WHERE staff_number LIKE 'B%%' AND id %% 11 <> 0",
            [],
        )
        c.execute("ANALYZE")
    scheme = Scheme.objects.create(
        code="bench", category="bench", name_zh="基准", definition=SCHEME
    )
    cats = ["judge", "assistant", "clerk", "police", "admin"]
    cycle = services.cycle_create(
        actor=None,
        court=root,
        year=2025,
        name="基准",
        categories=cats,
        schemes={c: scheme.pk for c in cats},
        opens_on=datetime.date(2025, 12, 1),
        rating_closes_on=datetime.date(2025, 12, 31),
    )
    t = time.perf_counter()
    cycle = services.cycle_open(actor=None, cycle=cycle)
    opened = time.perf_counter() - t
    with connection.cursor() as c:
        # Three raters per person from the same court (its neighbours by id), two groups.
        c.execute(
            'INSERT INTO evaluation_raterassignment (cycle_id, rater_id, ratee_id, "group", score)'
            " SELECT %s, r.id, p.id, CASE WHEN k = 1 THEN 'leader' ELSE 'colleague' END,"
            " 60 + ((p.id * 7 + k * 13) %% 41)"
            " FROM people_person p CROSS JOIN generate_series(1, 3) k"
            " JOIN LATERAL (SELECT id FROM people_person q WHERE q.court_id = p.court_id"
            "   AND q.id > p.id ORDER BY q.id OFFSET k - 1 LIMIT 1) r ON true"
            " WHERE p.staff_number LIKE 'B%%'",
            [cycle.pk],
        )
        c.execute(
            "INSERT INTO evaluation_ratersheet (cycle_id, rater_id, submitted_at)"
            " SELECT DISTINCT %s, rater_id, now() FROM evaluation_raterassignment"
            " WHERE cycle_id = %s",
            [cycle.pk, cycle.pk],
        )
        c.execute("ANALYZE")
    return cycle, opened


def register_sources():
    from django.db import connection

    from tongxin.evaluation.sources import register

    def column(name):
        def fetch(person_ids, year):
            # As the app's own sources do (sources._chunks): the cycle's people joined in
            # the database when their query is given, else the ids sent in chunks.
            out = {}
            query = getattr(person_ids, "query", None)
            with connection.cursor() as c:
                if query is not None:
                    sql, params = query.query.sql_with_params()
                    c.execute(
                        f"SELECT person_id, {name} FROM bench_eval_fact"
                        f" WHERE person_id IN ({sql}) AND {name} IS NOT NULL",
                        params,
                    )
                    return dict(c.fetchall())
                for i in range(0, len(person_ids), 50000):
                    chunk = person_ids[i : i + 50000]
                    c.execute(
                        f"SELECT person_id, {name} FROM bench_eval_fact"
                        f" WHERE person_id = ANY(%s) AND {name} IS NOT NULL",
                        [chunk],
                    )
                    out.update(c.fetchall())
            return out

        return fetch

    register("bench_grade", "bench")(column("grade"))
    register("bench_share", "bench")(column("share"))


def product(cycle):
    from django.db import transaction

    from tongxin.evaluation import services
    from tongxin.evaluation.models import Cycle

    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.OPEN)
    cycle.refresh_from_db()
    settle()
    t = time.perf_counter()
    with transaction.atomic():
        run = services.cycle_compute(actor=None, cycle=cycle)
    elapsed = time.perf_counter() - t
    drop_runs(cycle, keep=run.pk)
    return elapsed, run


def drop_runs(cycle, keep=None):
    """The cycle's computations but `keep`, with their results (in SQL: the ORM's cascade
    would load every result)."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            "DELETE FROM evaluation_result WHERE cycle_id = %s AND computation_id <> %s",
            [cycle.pk, keep or 0],
        )
        c.execute(
            "DELETE FROM evaluation_computation WHERE cycle_id = %s AND id <> %s",
            [cycle.pk, keep or 0],
        )


def settle():
    """Before each timed phase, product's or reference's alike: the earlier round's deleted
    results vacuumed and the dirty pages written, so that neither phase pays for the other's
    leftovers (autovacuum or a checkpoint starting mid-run moved single runs by ±20 %)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("VACUUM evaluation_result")
            c.execute("CHECKPOINT")


def reference(cycle):
    from django.db import connection, transaction

    with connection.cursor() as c:
        c.execute("DROP TABLE IF EXISTS bench_eval_ref")
    settle()
    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as c:
        c.execute(REFERENCE, {"cycle": cycle.pk})
    return time.perf_counter() - t


def compare(run):
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            "SELECT COUNT(*), SUM(CASE WHEN r.final IS DISTINCT FROM x.final THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN (r.grade = 'excellent') <> (x.grade = 'excellent') THEN 1 ELSE 0 END)"
            " FROM evaluation_result r JOIN bench_eval_ref x ON x.pid = r.person_id"
            " WHERE r.computation_id = %s",
            [run.pk],
        )
        return c.fetchone()


def cleanup():
    from django.db import connection

    with connection.cursor() as c:
        c.execute("DROP TABLE IF EXISTS bench_eval_ref")
        c.execute("DROP TABLE IF EXISTS bench_eval_fact")
        for table in (
            "evaluation_override",
            "evaluation_reviewrequest",
            "evaluation_result",
            "evaluation_computation",
            "evaluation_ratersheet",
            "evaluation_raterassignment",
            "evaluation_cyclemember",
            "evaluation_cycle",
        ):
            c.execute(f"DELETE FROM {table}")
        c.execute("DELETE FROM evaluation_scheme WHERE code = 'bench'")
        c.execute("DELETE FROM core_auditentry WHERE action LIKE 'evaluation.%%'", [])
        c.execute(
            "DELETE FROM people_person WHERE staff_number LIKE 'B%%'"
            " AND court_id IN (SELECT id FROM orgs_court WHERE code LIKE 'BENCH%%')",
            [],
        )
        c.execute("DELETE FROM orgs_court WHERE code LIKE 'BENCH%%' AND parent_id IS NOT NULL", [])
        c.execute("DELETE FROM orgs_court WHERE code = 'BENCHROOT'")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=370_000)
    parser.add_argument("--courts", type=int, default=3_500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="leave the inputs in the database")
    parser.add_argument(
        "--reuse", action="store_true", help="measure on the inputs an earlier --keep run left"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile one more product run")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.DEBUG = False
    if connection.vendor != "postgresql":
        raise SystemExit("bench/evaluation.py needs PostgreSQL (DATABASE_URL)")
    register_sources()
    t = time.perf_counter()
    if args.reuse:
        from django.core.management import call_command

        from tongxin.evaluation.models import Cycle, CycleMember

        call_command("migrate", verbosity=0)
        cycle = Cycle.objects.get(name="基准", court__code="BENCHROOT")
        drop_runs(cycle)
        print(f"inputs of an earlier run: {CycleMember.objects.filter(cycle=cycle).count()} people")
    else:
        cycle, opened = setup(args.people, args.courts)
        print(
            f"inputs: {args.people} people, {args.courts} courts, 3 raters each;"
            f" written in {time.perf_counter() - t:.1f} s; cycle opened in {opened:.1f} s"
        )
    ours, refs = [], []
    try:
        for _ in range(args.repeat):
            refs.append(reference(cycle))
            elapsed, run = product(cycle)
            ours.append(elapsed)
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            product(cycle)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
            run = product(cycle)[1]
        rows, differ, excellent_differ = compare(run)
        mine, base = statistics.median(ours), statistics.median(refs)
        print(f"product cycle_compute: median {mine:.2f} s {[round(x, 2) for x in ours]}")
        print(f"hand-written SQL:      median {base:.2f} s {[round(x, 2) for x in refs]}")
        print(
            f"ratio {mine / base:.1f}x; {rows} results, final scores differing: {differ},"
            f" excellent differing: {excellent_differ}"
        )
    finally:
        drop_runs(cycle)
        if not args.keep:
            cleanup()


if __name__ == "__main__":
    main()
