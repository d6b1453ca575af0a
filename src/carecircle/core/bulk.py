"""Fast bulk writes for generated and imported data: plain rows straight into a table (COPY on
PostgreSQL, executemany on SQLite), with ids allocated up front so that child rows can point at
their parents without a round trip. For a single writer (generation, one import batch at a time)
only: call `reset_sequences` afterwards so that the ORM's own inserts continue after the block."""

import datetime
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TypeAlias
from uuid import UUID

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Field, Max, Model

SqlValue: TypeAlias = bool | int | float | Decimal | str | bytes | datetime.date | UUID | None
"""One value of a row written here: what the database driver takes as it is."""


def allocate_ids(model: type[Model], n: int) -> range:
    start = (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1
    return range(start, start + n)


def _adapter() -> Callable[[SqlValue], SqlValue]:
    # SQLite gets dates and datetimes in the text form Django itself writes (UTC, no offset).
    ops = connection.ops

    def adapt(value: SqlValue) -> SqlValue:
        if isinstance(value, datetime.datetime):
            return ops.adapt_datetimefield_value(value)
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value

    return adapt


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or not field.column:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return field.column


def insert_rows(model: type[Model], fields: list[str], rows: Sequence[Sequence[SqlValue]]) -> None:
    if not rows:
        return
    qn = connection.ops.quote_name
    columns = ", ".join(qn(_column(model, f)) for f in fields)
    table = qn(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            _adapt = _adapter()
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",
                [tuple(_adapt(v) for v in row) for row in rows],
            )


def reset_sequences(*models: type[Model]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
