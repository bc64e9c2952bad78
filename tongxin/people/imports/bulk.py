"""Set-based SQL the people import needs beyond the ORM: rows matching (court, value) pairs read
from the court's index, and updates of many rows by primary key in one executemany."""

from __future__ import annotations

from collections import defaultdict

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL


def pairs_in(model, name: str, pairs: list) -> RawSQL:
    """Rows of `model` whose (court, `name`) is one of `pairs`: for each court, its values,
    ORed, which SQLite (a multi-index OR) and PostgreSQL (a bitmap OR) read from the index
    on (court, name). The values repeat from court to court (staff numbers, "民一庭党支部"),
    so "court in (…) and name in (…)" would read every court's namesakes: a national file's
    chunk names up to a thousand courts. (SQLite scans for a row-value IN; the condition is
    written as SQL because the ORM takes seconds to build an OR of a thousand terms.)"""
    by_court: dict = defaultdict(list)
    for court_id, value in pairs:
        by_court[court_id].append(value)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    court = f"{table}.{quote(model._meta.get_field('court').column)}"
    column = f"{table}.{quote(model._meta.get_field(name).column)}"
    terms, params = [], []
    for court_id, values in by_court.items():
        terms.append(f"({court} = %s AND {column} IN ({', '.join(['%s'] * len(values))}))")
        params += [court_id, *values]
    return RawSQL(f"({' OR '.join(terms)})", params, output_field=BooleanField())


def update_rows(model, objects: list, names) -> None:
    """Write the fields `names` of `objects` (already set on them): one UPDATE by primary key
    per object, sent by executemany (Django's bulk_update builds a CASE per object and
    field, about 6 ms a row in Python)."""
    if not objects:
        return
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(model._meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in fields),
        quote(model._meta.pk.column),
    )
    params = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields]
        + [obj.pk]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
