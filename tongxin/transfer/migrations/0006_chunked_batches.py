"""A batch's rows and rejects move from two JSON columns of the batch into its chunks (a slice
of the file each), so a page reads a slice and a large file is never one value; a large file
is stored (ImportFile) while the background worker checks it (status previewing)."""

import django.db.models.deletion
from django.db import migrations, models

SLICE = 1_000  # rows of the file per chunk (tongxin.transfer.slices.CHUNK_ROWS)


def _slices(rows: list, rejects: list):
    """(first, last, rows, rejects) per slice of SLICE row numbers, in file order."""
    numbers = sorted({r["row"] for r in rows} | {r["row"] for r in rejects})
    by_row: dict = {}
    for reject in rejects:
        by_row.setdefault(reject["row"], []).append(reject)
    accepted = {r["row"]: r for r in rows}
    for start in range(0, len(numbers), SLICE):
        part = numbers[start : start + SLICE]
        yield (
            part[0],
            part[-1],
            [accepted[n] for n in part if n in accepted],
            [reject for n in part for reject in by_row.get(n, [])],
        )


def forwards(apps, schema_editor):
    ImportBatch = apps.get_model("transfer", "ImportBatch")
    ImportChunk = apps.get_model("transfer", "ImportChunk")
    for batch in ImportBatch.objects.iterator(chunk_size=100):
        rows, rejects = batch.rows or [], batch.rejects or []
        chunks = list(ImportChunk.objects.filter(batch=batch).order_by("seq"))
        if chunks:
            # A bulk kind: its chunks hold the accepted values; `rows` only the first shown.
            for chunk in chunks:
                chunk.rows = [
                    {"action": "create", "changed": [], "label": "", **row} for row in chunk.rows
                ]
                numbers = [row["row"] for row in chunk.rows]
                chunk.first_row, chunk.last_row = min(numbers), max(numbers)
                chunk.writes = len(chunk.rows)
                chunk.save()
            if rejects:
                numbers = [r["row"] for r in rejects]
                ImportChunk.objects.create(
                    batch=batch,
                    seq=chunks[-1].seq + 1,
                    first_row=min(numbers),
                    last_row=max(numbers),
                    rejected=len(set(numbers)),
                    rejects=sorted(rejects, key=lambda r: r["row"]),
                )
            continue
        for seq, (first, last, part_rows, part_rejects) in enumerate(_slices(rows, rejects)):
            ImportChunk.objects.create(
                batch=batch,
                seq=seq,
                first_row=first,
                last_row=last,
                writes=sum(1 for r in part_rows if r.get("action") in ("create", "change")),
                rejected=len({r["row"] for r in part_rejects}),
                rows=part_rows,
                rejects=part_rejects,
            )


class Migration(migrations.Migration):

    dependencies = [
        ('transfer', '0005_bulk_chunks'),
    ]

    operations = [
        migrations.CreateModel(
            name='ImportFile',
            fields=[
                ('batch', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='upload', serialize=False, to='transfer.importbatch')),
                ('name', models.CharField(max_length=255)),
                ('content', models.BinaryField()),
            ],
        ),
        migrations.AddField(
            model_name='importchunk',
            name='first_row',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='importchunk',
            name='last_row',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='importchunk',
            name='rejected',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='importchunk',
            name='rejects',
            field=models.JSONField(default=list),
        ),
        migrations.AddField(
            model_name='importchunk',
            name='writes',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name='importbatch',
            name='status',
            field=models.CharField(choices=[('previewing', 'Checking'), ('pending', 'Waiting for commit'), ('committing', 'Committing'), ('committed', 'Committed'), ('cancelled', 'Cancelled'), ('failed', 'Failed')], default='pending', max_length=20, verbose_name='status'),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='importbatch',
            name='rejects',
        ),
        migrations.RemoveField(
            model_name='importbatch',
            name='rows',
        ),
    ]
