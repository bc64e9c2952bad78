"""python manage.py import_cases FILE... : the case import without the browser."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tongxin.core.exceptions import ApplicationError
from tongxin.trial.fastimport import FAST_MIN_BYTES, FAST_MIN_ROWS, import_file, parquet_rows_count
from tongxin.trial.reader import detect_encoding, file_format, write_rejects
from tongxin.trial.services import check_file_to_table, store_table


class Command(BaseCommand):
    help = (
        "Import case files (.xlsx, CSV in UTF-8/GBK/GB18030, Parquet) into the case store. "
        "Rejected rows are written next to each file as <name>.rejects.<ext> with a reason "
        "column; a case number already in the store is updated."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+")
        parser.add_argument("--no-rejects-file", action="store_true")
        parser.add_argument(
            "--path",
            choices=("auto", "fast", "per-row"),
            default="auto",
            help="auto: Parquet files of at least "
            f"{FAST_MIN_ROWS:,} rows and CSV files of at least {FAST_MIN_BYTES >> 20} MB are "
            "checked set-based in DuckDB (tongxin/trial/fastimport.py), others row by row; "
            "the result is the same.",
        )

    def handle(self, *args, files, no_rejects_file: bool, path: str = "auto", **options):
        choice = path
        failed = False
        for name in files:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{name}: no such file")
            started = time.perf_counter()
            with open(path, "rb") as handle:
                fmt = file_format(handle)
                encoding = detect_encoding(handle.read(1 << 20)) if fmt == "csv" else "utf-8"
                large = (
                    parquet_rows_count(path) >= FAST_MIN_ROWS
                    if fmt == "parquet"
                    else path.stat().st_size >= FAST_MIN_BYTES
                )
                fast = fmt in ("parquet", "csv") and (
                    choice == "fast" or (choice == "auto" and large)
                )
                try:
                    if fast:
                        result = import_file(path, fmt=fmt)
                        counts = result.counts
                    else:
                        result, table = check_file_to_table(handle, batch_id=0)
                except ApplicationError as error:
                    raise CommandError(f"{name}: {error.message}") from None
            if not fast:
                counts = store_table(table)
            seconds = time.perf_counter() - started
            self.stdout.write(
                f"{name}: {result.accepted} accepted ({counts['inserted']} new, "
                f"{counts['updated']} updated, {counts['unchanged']} unchanged), "
                f"{len(result.rejected)} rejected, {seconds:.1f} s"
                + (" (set-based)" if fast else "")
            )
            if result.rejected:
                failed = True
                for number, _cells, why in result.rejected[:20]:
                    self.stdout.write(f"  row {number}: {why}")
                if not no_rejects_file:
                    suffix = {"xlsx": ".xlsx", "parquet": ".parquet"}.get(fmt, ".csv")
                    target = path.with_name(path.stem + ".rejects" + suffix)
                    write_rejects(
                        target,
                        header=result.header,
                        rejected=result.rejected,
                        fmt=fmt,
                        encoding="utf-8-sig" if encoding == "utf-8-sig" else encoding,
                    )
                    self.stdout.write(f"  rejected rows with their reasons: {target}")
        if failed:
            self.stdout.write("Some rows were rejected; fix them and import the rejects file.")
