"""Writing the data set fast: rows as plain tuples with executemany (COPY on PostgreSQL), ids handed
out here, and the few helpers that shape the numbers."""

import hashlib
import json
import random
from datetime import UTC, datetime

from django.core.management.color import no_style
from django.db import connection, models

from releases.models import TaskState

BATCH = 2000
BASE_TIME = datetime(2024, 1, 1, tzinfo=UTC)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def skewed_counts(rng: random.Random, n: int, total: int, low: int, high: int) -> list[int]:
    """n counts in [low, high] (skewed like real registries) that add up to `total` exactly."""
    counts = [
        min(high, low + int(rng.expovariate(1.0 / max(1, total / n - low)))) for _ in range(n)
    ]
    i = 0
    while (diff := total - sum(counts)) != 0:
        step = 1 if diff > 0 else -1
        j = i % n
        if low <= counts[j] + step <= high:
            counts[j] += step
        i += 1
    return counts


def bulk(model, rows: list[dict]) -> list[dict]:
    """Insert rows (dicts keyed by column attname) with executemany; fill in their `id`.

    bulk_create spends ~30 us per value compiling SQL; the generator writes ~3 million values,
    so it writes plain tuples instead (the tables are empty or hold only reference data, so ids
    are handed out here and PostgreSQL's sequences are reset afterwards).
    """
    if not rows:
        return rows
    fields = [f for f in model._meta.concrete_fields]
    table = model._meta.db_table
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # table and column names come from our models, never from input
        cursor.execute(f"SELECT MAX({quote('id')}) FROM {quote(table)}")  # noqa: S608
        next_id = (cursor.fetchone()[0] or 0) + 1
        converters = [_converter(field) for field in fields]
        defaults = [_default(field) for field in fields]
        values = []
        for row in rows:
            row["id"] = next_id
            next_id += 1
            values.append(
                tuple(
                    convert(row[f.attname] if f.attname in row else default())
                    for f, convert, default in zip(fields, converters, defaults, strict=True)
                )
            )
        columns = ", ".join(quote(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        if connection.vendor == "postgresql":
            # COPY: executemany sends one statement per row and waits on each round trip
            with cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
        else:
            sql = f"INSERT INTO {quote(table)} ({columns}) VALUES ({marks})"  # noqa: S608
            for start in range(0, len(values), BATCH):
                cursor.executemany(sql, values[start : start + BATCH])
    _reset_sequence(model)
    return rows


def _default(field):
    """A per-row default: a callable default (a fresh uuid4 task id) is called for every row."""
    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
        return lambda: BASE_TIME
    if callable(field.default):
        return field.get_default
    value = field.get_default()  # "" for text fields without a default, as Django would store
    return lambda: value


def _converter(field):
    sqlite = connection.vendor == "sqlite"
    if isinstance(field, models.DateTimeField):
        if sqlite:  # what Django's SQLite backend stores: naive UTC ISO text
            return lambda v: (
                None if v is None else v.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
            )
        return lambda v: v
    if isinstance(field, models.DateField):
        return (lambda v: None if v is None else v.isoformat()) if sqlite else (lambda v: v)
    if isinstance(field, models.JSONField):
        return lambda v: json.dumps(v)
    if isinstance(field, models.UUIDField) and sqlite:  # Django stores 32 hex digits there
        return lambda v: None if v is None else v.hex
    return lambda v: v


def _reset_sequence(model) -> None:
    sql = connection.ops.sequence_reset_sql(no_style(), [model])
    if sql:
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)


# Rows with the columns the models fill by default (bulk writes no defaults of its own)


def package_row(**values) -> dict:
    row = {
        "state_comment": "",
        "declared_license": "",
        "labels": [],
        "supports_all_games": False,
        "in_root_manifest": False,
        "score": 0.0,
        "score_downloads": 0.0,
        "updated_at": values["created_at"],
    }
    row.update(values)
    return row


def release_row(**values) -> dict:
    row = {
        "title": "",
        "approved": True,
        "task_state": TaskState.DONE,
        "task_error": "",
        "revision": 1,
        "lua_constraint": "",
        "is_development": False,
        "is_archived": False,
        "source_url": "",
        "updated_at": values["created_at"],
    }
    row.update(values)
    return row


def file_row(package: dict, release: dict, kind: str, arch: str, filename: str) -> dict:
    path = f"{kind}s/{package['author_id']}/{package['id']}/{release['id']}/r1/{filename}"
    return {
        "release_id": release["id"],
        "kind": kind,
        "arch": arch,
        "file": path,
        "filename": filename,
        "size": 1000 + len(filename) * 37,
        "sha256": sha(filename),
        "revision": 1,
        "downloads": 0,
        "created_at": release["created_at"],
        "updated_at": release["created_at"],
    }
