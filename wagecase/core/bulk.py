"""Fast inserts for the bulk paths (imports): on PostgreSQL, COPY of rows whose ids were taken from
the table's sequence beforehand (one `nextval` query for the batch), about three times faster than
a multi-row INSERT and ten times faster than QuerySet.bulk_create, which compiles every value;
elsewhere (SQLite in tests and the demo) plain bulk_create. Not a loader: the caller is a service
that validated the rows, and change-logged records still get their change records (insert_logged
and signals.bulk_log_changes)."""
import contextlib
import contextvars
import datetime
import decimal
import gc
import io
import json
import uuid

import orjson
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.utils import timezone


def is_postgresql(model):
    return connections[router.db_for_write(model)].vendor == "postgresql"


def _escape(text):
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _iso(value):
    return value.isoformat()


def _json(value):
    # orjson: ~1 µs a change record against ~6 µs for json.dumps (0.2 s of a 20,000-row roster
    # import's 40,000 records); json.dumps for what orjson refuses (an int beyond 64 bits).
    try:
        text = orjson.dumps(value).decode()
    except TypeError:
        text = json.dumps(value, ensure_ascii=False)
    return _escape(text)


COPY_FORMATS = {
    str: _escape, int: str, decimal.Decimal: str, uuid.UUID: str, datetime.date: _iso, datetime.datetime: _iso,
    dict: _json, list: _json, bool: lambda value: "t" if value else "f", type(None): lambda value: "\\N",
}


def copy_value(value):
    """One value in COPY's text format."""
    format_ = COPY_FORMATS.get(type(value))
    if format_ is None:  # a subclass (a lazy string, an enum member…)
        format_ = next((f for t, f in COPY_FORMATS.items() if isinstance(value, t) and t is not bool), _escape)
        return format_(value if format_ is not _escape else str(value))
    return format_(value)


class CopyStream:
    """A file-like source for COPY … FROM STDIN that formats its lines while they are sent.

    psycopg2 calls read() for the next piece and hands it to the server, which parses the rows and
    updates the indexes while Python formats the following piece: with a buffer built beforehand
    the two ran one after the other (the roster import spent ~0.45 s of every 20,000 rows formatting
    and as long again waiting for the server). `lines` yields text lines ending in a newline."""

    PIECE = 64 * 1024  # characters per read(): small enough to overlap, large enough to be few calls

    def __init__(self, lines):
        self.lines, self.rest = iter(lines), ""

    def read(self, size=-1):
        size = self.PIECE if size is None or size < 0 else size
        parts, length = [self.rest], len(self.rest)
        for line in self.lines:
            parts.append(line)
            length += len(line)
            if length >= size:
                break
        text = "".join(parts)
        self.rest = text[size:]
        return text[:size]

    readline = read


class CopyPipeline:
    """Sends the COPYs of a bulk path from a second thread while this one goes on with the next rows.

    A roster import's database work (its rows, their change records, their indexes) is about as long
    as its Python work (reading, checking, formatting), and the two ran one after the other: the
    server waited while the next rows were parsed, the parser while the server wrote. Inside
    `copy_pipeline()`, copy_from() formats its text here and hands it to one writer thread, which
    sends the COPYs in order on the same connection (the same transaction) while this thread goes
    on; the connection is never used by both at once: any other statement on it (a query, a
    savepoint, the end of the block) first waits until every COPY handed over is written, and a
    COPY's error is raised there. psycopg2 lets the writer wait for the server without the GIL.

    Not around a server-side cursor (QuerySet.iterator() on PostgreSQL): its fetches do not pass
    through the execute wrapper, so one could meet a COPY on the connection."""

    # COPYs handed over and not yet written, at most: when the server falls behind, the next one waits
    # for the oldest, so what is held in memory is two chunks' text (a chunk is four COPYs), not a
    # file's. The wait costs nothing then: the server is what the import waits for anyway.
    MAX_PENDING = 8

    def __init__(self, connection):
        from concurrent.futures import ThreadPoolExecutor

        self.connection = connection
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="copy-pipeline")
        self.pending = []

    def submit(self, sql, text):
        self._wait_for_room()
        raw = self.connection.connection
        data = text.encode()

        def send():
            # One read() of the whole text: each read needs the GIL, which the busy thread here hands
            # over only every few milliseconds (in 64 KB pieces, 13 MB of change records waited
            # ~0.3 s for it); the sending and the server's work then run without it.
            with raw.cursor() as cursor:
                cursor.copy_expert(sql, io.BytesIO(data), size=max(len(data), 1))

        self.pending.append(self.executor.submit(send))

    def _wait_for_room(self):
        while len(self.pending) >= self.MAX_PENDING:
            oldest = self.pending[0]
            if oldest.exception() is not None:  # waits for it; its error is raised by drain()
                return
            self.pending.pop(0)

    def drain(self):
        """Wait for every COPY handed over; raise the first one's error, as Django's would be raised."""
        pending, self.pending = self.pending, []
        errors = []
        for future in pending:
            try:
                future.result()
            except Exception as exc:  # noqa: BLE001 -- re-raised below, after waiting for the others
                errors.append(exc)
        if errors:
            with self.connection.wrap_database_errors:
                raise errors[0]

    def __call__(self, execute, sql, params, many, context):
        """An execute wrapper: nothing else runs on the connection while a COPY is being sent."""
        self.drain()
        return execute(sql, params, many, context)


_pipeline = contextvars.ContextVar("copy_pipeline", default=None)


@contextlib.contextmanager
def copy_pipeline(using=DEFAULT_DB_ALIAS):
    """Within the block, copy_from() on this database sends from a writer thread (CopyPipeline).
    PostgreSQL only; elsewhere, and when a pipeline is already open, the block runs as it is.
    Open it inside the transaction (the atomic block) its writes belong to: it is drained before
    the block ends, so the commit comes after the last COPY."""
    connection = connections[using]
    if connection.vendor != "postgresql" or _pipeline.get() is not None:
        yield None
        return
    connection.ensure_connection()
    pipeline = CopyPipeline(connection)
    token = _pipeline.set(pipeline)
    try:
        with connection.execute_wrapper(pipeline):
            yield pipeline
            pipeline.drain()
    finally:
        _pipeline.reset(token)
        pipeline.executor.shutdown(wait=True)  # after an error too: the rollback must not meet a COPY


_FOREIGN_KEYS = {}


@contextlib.contextmanager
def foreign_keys_checked_per_statement(model, using=DEFAULT_DB_ALIAS):
    """Within the block, the model's foreign keys are checked at the end of each statement that
    writes its rows instead of at commit (SET CONSTRAINTS … IMMEDIATE; Django declares them
    DEFERRABLE INITIALLY DEFERRED), then deferred again. PostgreSQL only; elsewhere nothing changes.

    The checks cost the same either way (one per key and row: 80,000 for a 20,000-row roster), but
    at commit they run after the import has finished reading, with nothing left to overlap: 0.8 s
    of 2.9 s per 20,000 rows. Checked per COPY, they run on the pipeline's writer while the next
    chunk is read. A violation is then raised at the statement after that COPY, in the block."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if table not in _FOREIGN_KEYS:
            cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f' "
                           "AND condeferrable ORDER BY conname", [table])
            _FOREIGN_KEYS[table] = [row[0] for row in cursor.fetchall()]
        names = ", ".join(connection.ops.quote_name(name) for name in _FOREIGN_KEYS[table])
        if not names:
            yield
            return
        cursor.execute(f"SET CONSTRAINTS {names} IMMEDIATE")
    yield
    # Not after an error, nor when the block marked its transaction for rollback (an import with
    # errors): it is being rolled back, and the setting goes with it.
    if not connection.needs_rollback:
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {names} DEFERRED")


class PausedCollector:
    """Python's automatic cyclic garbage collection paused for a bulk path, which collects the young
    generations itself with collect(), once per chunk.

    A roster import allocates millions of containers (row dicts, parsed values, text lines) and
    frees them by reference counting. The collector, run after every 700 allocations, traversed
    them all the same, and on its full passes the whole heap of the process (Django's included):
    ~25 % of the import's CPU time (1.40 s → 1.00 s per 20,000 rows). It is still needed: Django
    leaves reference cycles behind (a FieldError kept with its traceback while a lookup path is
    resolved holds every frame of the stack, a chunk of rows included), so collect() after each
    chunk keeps what cycles hold to one chunk. Nested, or with collection already off, it leaves
    the setting as it found it."""

    def __enter__(self):
        self.was_enabled = gc.isenabled()
        gc.disable()
        return self

    def __exit__(self, *exc_info):
        if self.was_enabled:
            gc.enable()

    def collect(self):
        """Collect the objects made since the last collect() (generations 0 and 1); returns the count freed."""
        return gc.collect(1)


def copy_from(model, columns, lines, table=None):
    """COPY the text `lines` (an iterable, consumed as it is sent) into the model's table; inside
    copy_pipeline(), formatted here and sent by the pipeline's writer."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    sql = f"COPY {quote(table or model._meta.db_table)} ({names}) FROM STDIN"
    pipeline = _pipeline.get()
    if pipeline is not None and pipeline.connection is connection:
        pipeline.submit(sql, "".join(lines))
        return
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(sql, CopyStream(lines), size=CopyStream.PIECE)


def copy_rows(model, columns, rows):
    """COPY `rows` (tuples of Python values, in `columns` order) into the model's table."""
    copy_from(model, columns, ("\t".join(map(copy_value, row)) + "\n" for row in rows))


def existing(model, field_name, values):
    """The subset of `values` found in the model's column: on PostgreSQL one `= ANY(array)` probe
    (a list of 5,000 IN parameters cost ~100 ms of parsing and planning; the array ~10 ms)."""
    values = list(values)
    if not values:
        return set()
    if not is_postgresql(model):
        found = set()
        for start in range(0, len(values), 500):
            found.update(model._base_manager.filter(**{f"{field_name}__in": values[start:start + 500]})
                         .values_list(field_name, flat=True))
        return found
    connection = connections[router.db_for_write(model)]
    column = connection.ops.quote_name(model._meta.get_field(field_name).column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {connection.ops.quote_name(model._meta.db_table)} WHERE {column} = ANY(%s)",
                       [values])
        return {row[0] for row in cursor.fetchall()}


def update_rows(model, objs, field_names, *, using=None, batch_size=5000):
    """Django's bulk_update for PostgreSQL: the `field_names` of the saved instances `objs` written
    by `UPDATE … FROM unnest(ids, values…)`, one statement per `batch_size` rows, one array of
    values per column. Django builds a `CASE WHEN pk = … THEN …` expression with a branch per row
    and field, ~1 ms of Python per row (606 payroll lines: 0.65 s) and n² comparisons in the
    database. Returns the number of rows matched, or None when a field does not suit arrays
    (JSON, or a non-PostgreSQL database): the caller then uses Django's bulk_update.

    Like bulk_update it writes the instances' values as they are (no save(), no signals, no
    auto_now)."""
    connection = connections[using or router.db_for_write(model)]
    if connection.vendor != "postgresql":
        return None
    meta = model._meta
    fields = [meta.get_field(name) for name in field_names]
    if any(not f.concrete or f.primary_key or f.get_internal_type() == "JSONField" for f in fields):
        return None
    columns = [meta.pk, *fields]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in columns)
    names = ", ".join(quote(f.column) for f in columns)
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in fields)
    sql = (f"UPDATE {table} SET {assignments} FROM unnest({arrays}) AS v({names}) "
           f"WHERE {table}.{quote(meta.pk.column)} = v.{quote(meta.pk.column)}")
    objs = list(objs)
    matched = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            batch = objs[start:start + batch_size]
            cursor.execute(sql, [[f.get_db_prep_save(getattr(obj, f.attname), connection) for obj in batch]
                                 for f in columns])
            matched += cursor.rowcount
    return matched


_SEQUENCES = {}


def next_ids(model, count):
    """`count` new primary keys from the table's sequence. The sequence's name is looked up once:
    `nextval(pg_get_serial_sequence(...))` looks it up again for every row (16 ms for 5,000 ids,
    against 2 ms with the name given)."""
    connection = connections[router.db_for_write(model)]
    key = (connection.alias, model._meta.db_table, model._meta.pk.column)
    with connection.cursor() as cursor:
        if key not in _SEQUENCES:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column])
            _SEQUENCES[key] = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [_SEQUENCES[key], count])
        return [row[0] for row in cursor.fetchall()]


class IdPool:
    """Primary keys of a model taken ahead, for a bulk path that writes in chunks inside
    copy_pipeline(): the first take() reserves `reserve` keys at once (the rows a file is expected
    to hold), so the later chunks take theirs without a query, and a query is what makes the
    pipeline wait for every COPY handed over. Keys reserved and not used are gaps in the sequence,
    as a rolled-back insert leaves. take() returns None where keys are not taken beforehand (not
    PostgreSQL): the rows then get theirs when inserted."""

    def __init__(self, model, reserve=0):
        self.model, self.reserve, self.free = model, reserve, []

    def take(self, count):
        if not count or not is_postgresql(self.model):
            return None
        if len(self.free) < count:
            self.free.extend(next_ids(self.model, max(count - len(self.free), self.reserve - len(self.free))))
            self.reserve = 0  # reserved once; beyond the estimate, each take asks for what it needs
        taken, self.free = self.free[:count], self.free[count:]
        return taken


def insert_logged(model, objs):
    """Insert new, unsaved instances of a change-logged model and record their creation, as
    ChangeLoggedQuerySet.bulk_create does, setting each instance's pk. The instances must be
    valid (no full_clean here) and have no pk."""
    from .choices import ChangeAction
    from .signals import bulk_log_changes

    objs = list(objs)
    if not objs:
        return objs
    if not is_postgresql(model):
        return model.objects.bulk_create(objs)
    now = timezone.now()
    fields = model._meta.concrete_fields
    for obj, new_id in zip(objs, next_ids(model, len(objs))):
        obj.pk = new_id
        obj.created = obj.created or now
        obj.last_updated = now
        obj._state.adding = False
    copy_rows(model, [f.column for f in fields], ([getattr(obj, f.attname) for f in fields] for obj in objs))
    datas = [obj.changelog_data() for obj in objs]
    bulk_log_changes((obj, ChangeAction.CREATE, None, data) for obj, data in zip(objs, datas))
    for obj, data in zip(objs, datas):
        obj._changelog_snapshot = data
    return objs


# --- the import path: rows as dicts, no model instances ------------------------------------------

def _text_or_null(value):
    if value is None:
        return "\\N"
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return _escape(value)
    return value


def _iso_or_null(value):
    return "\\N" if value is None else value.isoformat()


def _str_or_null(value):
    return "\\N" if value is None else str(value)


def column_formatter(field):
    """A function giving one column's values in COPY's text format, chosen once per column (one
    call per value: the roster import formats 300,000 values per 20,000 rows)."""
    kind = field.get_internal_type()
    if kind in ("CharField", "TextField", "SlugField", "EmailField", "URLField"):
        return _text_or_null
    if kind in ("DateField", "DateTimeField", "TimeField"):
        return _iso_or_null
    if kind in ("AutoField", "BigAutoField", "IntegerField", "BigIntegerField", "PositiveIntegerField",
                "PositiveSmallIntegerField", "SmallIntegerField", "ForeignKey", "OneToOneField", "DecimalField",
                "UUIDField"):
        return _str_or_null
    return copy_value


def changelog_converter(field):
    """The function ChangeLoggedModel.changelog_data applies to this field's value (json_value, and
    the quantizing of decimals), chosen once per field."""
    from django.db import models

    from .models.base import json_value

    if isinstance(field, models.DecimalField):
        exponent = decimal.Decimal(1).scaleb(-field.decimal_places)
        return lambda value: None if value is None else str(decimal.Decimal(value).quantize(exponent))
    if isinstance(field, (models.DateField, models.TimeField)):  # DateTimeField is a DateField
        return lambda value: None if value is None else value.isoformat()
    if isinstance(field, models.UUIDField):
        return lambda value: None if value is None else str(value)
    if isinstance(field, (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey)):
        return lambda value: value
    return json_value


def insert_logged_rows(model, rows, *, reprs, parent=None, ids=None):
    """Insert new records of a change-logged model given as {attname: value} dicts (validated; the
    fields left out take their defaults) and record each creation, as insert_logged does for
    instances; returns the new primary keys in order. `reprs` are the records' str() for the change
    log, `parent` the (model, pk) whose history also shows them. On PostgreSQL no model instance is
    built: the rows and their change records go by COPY, each column formatted by a function chosen
    once (the roster import of 20,000 rows spent ~40% of its time building and reading instances).
    `ids`: the primary keys, taken beforehand with next_ids() (PostgreSQL), else taken here.
    Elsewhere, instances through insert_logged."""
    rows = list(rows)
    if not rows:
        return []
    from django.db.models import QuerySet

    from .choices import ChangeAction

    if not is_postgresql(model):
        objs = QuerySet(model=model).bulk_create([model(**row) for row in rows])  # unlogged: logged below
        log_records(model, [(obj.pk, ChangeAction.CREATE, None, obj.changelog_data()) for obj in objs], reprs=reprs,
                    parent=parent)
        return [obj.pk for obj in objs]

    now = timezone.now()
    fields = model._meta.concrete_fields
    pk_name = model._meta.pk.attname
    defaults = {f.attname: f.get_default() for f in fields if not f.primary_key}
    defaults.update({"created": now, "last_updated": now})
    now_text = now.isoformat()

    def formatter(field):
        format_ = column_formatter(field)
        if field.attname in ("created", "last_updated"):  # the same moment on every row: formatted once
            return lambda value: now_text if value is now else format_(value)
        return format_

    formatters = [(f.attname, formatter(f)) for f in fields]
    logged = [(f.attname, changelog_converter(f)) for f in fields if f.name not in model.changelog_exclude]
    ids = next_ids(model, len(rows)) if ids is None else list(ids)
    if len(ids) != len(rows):
        raise ValueError(f"{len(ids)} ids for {len(rows)} rows")
    records = []

    def lines():
        for pk, row in zip(ids, rows):
            values = {**defaults, **row, pk_name: pk}
            records.append((pk, ChangeAction.CREATE, None, {name: convert(values[name]) for name, convert in logged}))
            yield "\t".join([format_(values[name]) for name, format_ in formatters]) + "\n"

    copy_from(model, [f.column for f in fields], lines())
    log_records(model, records, reprs=reprs, parent=parent)
    return ids


def log_records(model, records, *, reprs, parent=None):
    """Change records of one model by COPY (PostgreSQL): `records` are (pk, action, before, after),
    `reprs` their str(), `parent` (model, pk) or None; user, source, label and request id from the
    change context, as signals.log_change writes them."""
    from django.contrib.contenttypes.models import ContentType

    from .context import current_context
    from .models.changelog import ObjectChange

    ctx = current_context()
    user = ctx.get_user()
    now = timezone.now()
    changed_type = ContentType.objects.get_for_model(model, for_concrete_model=True).pk
    related = parent is not None and parent[1] is not None
    related_type = ContentType.objects.get_for_model(parent[0], for_concrete_model=True).pk if related else None
    related_id = str(parent[1]) if related else ""
    fixed = (now, user.pk if user else None, user.get_username() if user else "", ctx.request_id, ctx.source,
             ctx.label[:200])
    if not is_postgresql(ObjectChange):
        rows = [(*fixed, action, changed_type, str(pk), related_type, related_id, str(text)[:200], before, after)
                for (pk, action, before, after), text in zip(records, reprs)]
        fields = ("time", "user_id", "user_name", "request_id", "source", "source_label", "action",
                  "changed_object_type_id", "changed_object_id", "related_object_type_id", "related_object_id",
                  "object_repr", "prechange_data", "postchange_data")
        ObjectChange.objects.bulk_create([ObjectChange(**dict(zip(fields, row))) for row in rows], batch_size=500)
        return len(rows)
    # The columns every row shares are formatted once; per row only what differs.
    head = "\t".join(copy_value(value) for value in fixed)
    null = "\\N"
    related_text = f"{copy_value(related_type)}\t{_escape(related_id)}"
    lines = (f"{head}\t{action}\t{changed_type}\t{_escape(str(pk))}\t{related_text}\t{_escape(str(text)[:200])}\t"
             f"{null if before is None else _json(before)}\t{null if after is None else _json(after)}\n"
             for (pk, action, before, after), text in zip(records, reprs))
    copy_from(ObjectChange, ["time", "user_id", "user_name", "request_id", "source", "source_label", "action",
                             "changed_object_type_id", "changed_object_id", "related_object_type_id",
                             "related_object_id", "object_repr", "prechange_data", "postchange_data"], lines)
    return len(records)
