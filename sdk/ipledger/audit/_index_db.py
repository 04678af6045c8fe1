"""The event index's database: one small connection wrapper over SQLite or PostgreSQL.

The index's SQL is written once, in the dialect both databases share (``ON CONFLICT ... DO NOTHING`` / ``DO UPDATE``,
``?`` placeholders); :class:`Database` adapts the rest:

- placeholders ``?`` become psycopg's ``%s`` on PostgreSQL; SQLite's unary ``+column`` (it keeps SQLite's planner off
  an index) is dropped there;
- the schema text per dialect (:func:`ipledger.audit._index_schema.schema_statements`): ``BIGINT`` numbers, identity
  ids, ``COLLATE "C"`` text (so text sorts as SQLite's binary collation does);
- a transaction context (``BEGIN IMMEDIATE`` on SQLite, so a writer takes its lock up front) and a read snapshot
  (one consistent view of the index for a query's several statements while a sync commits);
- results materialised under a lock, so one :class:`Database` may be shared by threads.

Where it lives (:func:`parse_location`): a path or ``sqlite:///path`` is an SQLite file, opened in WAL mode (readers
never wait for the syncing writer) with a busy timeout; ``postgresql://user@host:port/db`` is a PostgreSQL database,
through psycopg 3 (the ``postgres`` extra, imported only then), one schema per index: ``ipledger_<chain id>_<registry
in lower-case hex>`` unless the URL names one with ``?schema=NAME``. ``read_only`` opens SQLite with ``mode=ro`` and
PostgreSQL in read-only transactions (``default_transaction_read_only``): nothing a query does can write.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from ipledger._exceptions import InvalidInputError

__all__ = ["READER_TIMEOUT_MS", "Database", "Location", "Result", "database_errors", "parse_location", "schema_name"]

Dialect = Literal["sqlite", "postgresql"]
#: How long a writer waits for another writer's transaction on SQLite (readers never wait in WAL mode).
BUSY_TIMEOUT_MS = 30_000
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_URL_FORMS = "a file path, sqlite:///PATH or postgresql://USER@HOST:PORT/DATABASE[?schema=NAME]"
_UNARY_PLUS = re.compile(r"(?<=[\s(])\+(?=[A-Za-z_])")
_INSTALL = 'PostgreSQL support is not installed: pip install "ipledger[postgres]"'


@dataclass(frozen=True)
class Location:
    """Where an index lives: an SQLite file, or a PostgreSQL database (and schema, ``None`` until known)."""

    dialect: Dialect
    path: Path | None = None
    url: str | None = None
    schema: str | None = None

    def describe(self) -> str:
        """The path, or the URL without its password and with its schema."""
        if self.path is not None:
            return str(self.path)
        assert self.url is not None
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        user = f"{parts.username}@" if parts.username else ""
        port = f":{parts.port}" if parts.port else ""
        shown = urlunsplit((parts.scheme, f"{user}{host}{port}", parts.path, "", ""))
        return shown if self.schema is None else f"{shown}?schema={self.schema}"


#: A read-only PostgreSQL connection's ``statement_timeout`` (milliseconds).
READER_TIMEOUT_MS = 10_000


def database_errors() -> tuple[type[Exception], ...]:
    """The errors a database raises when it cannot write (read-only, locked, gone): SQLite's, and psycopg's when it
    is installed."""
    try:
        import psycopg
    except ImportError:
        return (sqlite3.Error,)
    return (sqlite3.Error, psycopg.Error)


def schema_name(chain_id: int, registry: str) -> str:
    """The PostgreSQL schema of the index of ``registry`` on ``chain_id``."""
    return f"ipledger_{chain_id}_{registry.lower().removeprefix('0x')}"


def parse_location(url_or_path: str | Path, *, option: str = "index URL") -> Location:
    """Reads a path, ``sqlite:///path`` or ``postgresql://...`` URL; a malformed one is refused in one line naming
    ``option`` and the forms expected."""
    if isinstance(url_or_path, Path):
        return Location("sqlite", path=url_or_path)
    text = str(url_or_path).strip()
    if not text:
        raise InvalidInputError(f"{option}: empty; expected {_URL_FORMS}")
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if not scheme:
        if ":" in text.split("/", 1)[0] and not re.match(r"[A-Za-z]:[\\/]", text):
            raise InvalidInputError(f"{option}: {text!r} is not a path or URL; expected {_URL_FORMS}")
        return Location("sqlite", path=Path(text).expanduser())
    if scheme == "sqlite":
        rest = text[len("sqlite://") :]
        if not rest.startswith("/") or rest == "/":
            raise InvalidInputError(f"{option}: {text!r} names no file; expected {_URL_FORMS}")
        return Location("sqlite", path=Path(rest[1:] if rest.startswith("//") else rest))
    if scheme in ("postgresql", "postgres"):
        return _postgres_location(text, option)
    raise InvalidInputError(f"{option}: {text!r} uses the scheme {scheme!r}; expected {_URL_FORMS}")


def _postgres_location(text: str, option: str) -> Location:
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError:
        raise InvalidInputError(f"{option}: {text!r} has a bad port; expected {_URL_FORMS}") from None
    del port
    database = parts.path.lstrip("/")
    if not parts.hostname or not database or "/" in database:
        raise InvalidInputError(f"{option}: {text!r} names no host or database; expected {_URL_FORMS}")
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((value for key, value in query if key == "schema"), None)
    if schema is not None and not _SCHEMA_NAME.fullmatch(schema):
        raise InvalidInputError(
            f"{option}: schema {schema!r} is not a plain lower-case name (letters, digits, _; at most 63); "
            f"expected {_URL_FORMS}"
        )
    rest = urlencode([(key, value) for key, value in query if key != "schema"])
    url = urlunsplit(("postgresql", parts.netloc, parts.path, rest, ""))
    return Location("postgresql", url=url, schema=schema)


class Result:
    """The rows of one statement (materialised) and how many rows it changed."""

    def __init__(self, rows: list[tuple[Any, ...]], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    def fetchone(self) -> Any:
        """The first row (a tuple), or ``None``."""
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        return list(self._rows)

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self._rows)


class Database:
    """A connection to the index's database (see the module notes). ``with database:`` is a transaction."""

    def __init__(self, location: Location, *, read_only: bool = False) -> None:
        self.location = location
        self.dialect: Dialect = location.dialect
        self.read_only = read_only
        self._lock = threading.RLock()
        self._depth = 0
        self._connection: Any = self._connect_sqlite() if location.dialect == "sqlite" else self._connect_postgres()

    # ------------------------------------------------------------------ connecting

    def _connect_sqlite(self) -> sqlite3.Connection:
        path = self.location.path
        assert path is not None
        if self.read_only:
            if not path.is_file():
                raise InvalidInputError(f"the index {path} does not exist: sync it first")
            connection = sqlite3.connect(
                f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
            )
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not self.read_only:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
        return connection

    def _connect_postgres(self) -> Any:
        try:
            import psycopg
        except ImportError:
            raise InvalidInputError(_INSTALL) from None
        # A reader (the web app's) runs each query under a time limit: an expensive request fails rather than holding
        # the server.
        options = (
            f"-c default_transaction_read_only=on -c statement_timeout={READER_TIMEOUT_MS}" if self.read_only else ""
        )
        try:
            # No server-side prepared statements: their generic plans ignore the LIKE pattern (twice as slow for a
            # title search), and poolers such as PgBouncer in transaction mode refuse them.
            return psycopg.connect(self.location.url or "", autocommit=True, options=options, prepare_threshold=None)
        except psycopg.Error as failure:
            reason = str(failure).strip().splitlines()[-1] if str(failure).strip() else type(failure).__name__
            where = self.location.describe()
            raise InvalidInputError(f"the index database {where} cannot be opened: {reason}") from None

    def use_schema(self, schema: str, *, create: bool) -> bool:
        """PostgreSQL: makes ``schema`` (then ``public``, where ``pg_trgm`` lives) the search path, creating it (and
        the extension) when ``create``; whether it exists."""
        if not _SCHEMA_NAME.fullmatch(schema):
            raise InvalidInputError(f"schema {schema!r} is not a plain lower-case name")
        exists = self.execute("SELECT 1 FROM pg_namespace WHERE nspname = ?", (schema,)).fetchone() is not None
        if create:
            if not exists:
                self.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            trgm = self.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").fetchone()
            if trgm is None:
                self.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
            exists = True
        self.execute(f'SET search_path TO "{schema}", public')
        self.location = Location("postgresql", url=self.location.url, schema=schema)
        return exists

    def index_schemas(self) -> list[str]:
        """PostgreSQL: the schemas in the database that hold an index (a ``meta`` table), by name."""
        return [
            str(name)
            for (name,) in self.execute(
                "SELECT table_schema FROM information_schema.tables WHERE table_name = 'meta' "
                "AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY table_schema"
            )
        ]

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    # ------------------------------------------------------------------ statements

    def _sql(self, sql: str) -> str:
        if self.dialect == "sqlite":
            return sql
        return _UNARY_PLUS.sub("", sql.replace("%", "%%").replace("?", "%s"))

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Result:
        """Runs one statement; its rows (all of them) and row count."""
        with self._lock:
            cursor = self._connection.execute(self._sql(sql), tuple(parameters))
            rows = [tuple(row) for row in cursor.fetchall()] if cursor.description is not None else []
            return Result(rows, cursor.rowcount)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        """Runs one statement per row; how many rows they changed in all."""
        batch = [tuple(row) for row in rows]
        if not batch:
            return 0
        with self._lock:
            if self.dialect == "sqlite":
                return int(self._connection.executemany(sql, batch).rowcount)
            with self._connection.cursor() as cursor:
                cursor.executemany(self._sql(sql), batch)
                return int(cursor.rowcount)

    def executescript(self, statements: Sequence[str]) -> None:
        """Runs schema statements, in one transaction."""
        with self.transaction():
            for statement in statements:
                self.execute(statement)

    # ------------------------------------------------------------------ transactions

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """A write transaction: committed at the end, rolled back on an exception (nested ones join it)."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            self._connection.execute("BEGIN IMMEDIATE" if self.dialect == "sqlite" else "BEGIN")
            self._depth = 1
            try:
                yield self
            except BaseException:
                self._depth = 0
                self._connection.execute("ROLLBACK")
                raise
            self._depth = 0
            self._connection.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[Database]:
        """One consistent view for several reads (a read transaction; inside a transaction, that one)."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            begin = "BEGIN" if self.dialect == "sqlite" else "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
            self._connection.execute(begin)
            self._depth = 1
            try:
                yield self
            finally:
                self._depth = 0
                self._connection.execute("COMMIT" if self.dialect == "sqlite" else "ROLLBACK")

    def __enter__(self) -> Database:
        self._manual = self.transaction()
        return self._manual.__enter__()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: Any) -> None:
        self._manual.__exit__(kind, error, trace)
