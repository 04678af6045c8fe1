"""A PostgreSQL server of the test session's own, for the index tests on PostgreSQL.

Debian's PostgreSQL (the newest ``/usr/lib/postgresql/N/bin``, or ``IPLEDGER_TEST_PG_BIN``; installed by the
Makefile's ``postgresql`` stamp when apt is usable) is started in a fresh temporary directory on a free loopback
port, with trust authentication for the user ``pg`` and a UTF-8 ``C.UTF-8`` locale (so ``pg_trgm`` indexes Chinese
characters). PostgreSQL refuses to run as root: when the tests run as root the server runs as the ``postgres`` user,
in a directory owned by it. Without the binaries, or when the server does not start, :func:`postgres_server` skips
the tests that need it with the reason; :func:`index_url` runs each index test on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

POSTGRES_BIN_VARIABLE = "IPLEDGER_TEST_PG_BIN"
_USER = "pg"
_schemas = itertools.count(1)


@dataclass(frozen=True)
class PostgresServer:
    """A running test server: connect to ``url`` (database ``ipledger``, user ``pg``, no password)."""

    url: str
    port: int
    directory: Path

    def schema_url(self, name: str | None = None) -> str:
        """The server's URL naming a fresh schema (one index of its own)."""
        return f"{self.url}?schema={name or f'test_{os.getpid()}_{next(_schemas)}'}"

    def fresh_database(self) -> str:
        """The URL of a new, empty database on the server."""
        import psycopg

        name = f"test_{os.getpid()}_{next(_schemas)}"
        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        return self.url.rsplit("/", 1)[0] + f"/{name}"


def postgres_binaries() -> Path | None:
    """The directory of ``initdb`` and ``pg_ctl``, or ``None`` when PostgreSQL is not installed."""
    given = os.environ.get(POSTGRES_BIN_VARIABLE)
    installed = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda folder: int(folder.parent.name) if folder.parent.name.isdigit() else 0,
        reverse=True,
    )
    for candidate in ([given] if given else []) + [str(folder) for folder in installed]:
        if (Path(candidate) / "initdb").is_file() and (Path(candidate) / "pg_ctl").is_file():
            return Path(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    """``command`` run as the ``postgres`` user when we are root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return command
    return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(_quote(part) for part in command)]


def _quote(part: str) -> str:
    return "'" + part.replace("'", "'\"'\"'") + "'"


def _run(command: list[str]) -> None:
    done = subprocess.run(_as_server_user(command), capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:2])}: {(done.stderr or done.stdout).strip().splitlines()[-1:]}")


@contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """Starts a throw-away server, yields it and stops it (its directory removed); raises ``RuntimeError`` saying
    why it could not start."""
    binaries = postgres_binaries()
    if binaries is None:
        raise RuntimeError(
            "PostgreSQL is not installed (apt-get install postgresql, or set IPLEDGER_TEST_PG_BIN to its bin directory)"
        )
    if os.geteuid() == 0:
        try:
            import pwd

            server_user = pwd.getpwnam("postgres")
        except KeyError:
            raise RuntimeError("running as root and there is no postgres user to run PostgreSQL as") from None
    directory = Path(tempfile.mkdtemp(prefix="ipledger-pg-"))
    if os.geteuid() == 0:
        os.chown(directory, server_user.pw_uid, server_user.pw_gid)
    data, port = directory / "data", _free_port()
    started = False
    try:
        _run(
            [
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                _USER,
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        )
        options = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        _run([str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(directory / "log"), "-w", "start"])
        started = True
        _create_database(port)
        yield PostgresServer(url=f"postgresql://{_USER}@127.0.0.1:{port}/ipledger", port=port, directory=directory)
    finally:
        if started:
            subprocess.run(
                _as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                capture_output=True,
                timeout=60,
                check=False,
            )
        shutil.rmtree(directory, ignore_errors=True)


def _create_database(port: int) -> None:
    import psycopg

    deadline = time.monotonic() + 30
    while True:
        try:
            with psycopg.connect(f"postgresql://{_USER}@127.0.0.1:{port}/postgres", autocommit=True) as connection:
                connection.execute("CREATE DATABASE ipledger")
            return
        except psycopg.OperationalError as failure:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server does not answer: {failure}") from None
            time.sleep(0.2)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server; the tests that use it are skipped, with the reason, when it cannot run."""
    try:
        server = running_postgres()
        running = server.__enter__()
    except (RuntimeError, OSError, subprocess.SubprocessError) as failure:
        pytest.skip(f"no PostgreSQL server for the tests: {failure}")
    try:
        yield running
    finally:
        server.__exit__(None, None, None)


@pytest.fixture(params=["sqlite", "postgresql"])
def index_url(request: pytest.FixtureRequest, tmp_path: Path) -> IndexUrls:
    """Where a test's event indexes live, once on each database: ``index_url("name")`` is a fresh SQLite file, or a
    fresh schema of the session's PostgreSQL server (the PostgreSQL runs skipped, with the reason, without one)."""
    if request.param == "sqlite":
        return IndexUrls("sqlite", lambda name: str(tmp_path / f"{name}.sqlite"))
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return IndexUrls("postgresql", lambda _name: server.schema_url())


@dataclass(frozen=True)
class IndexUrls:
    """Fresh index locations on one database (``sqlite`` or ``postgresql``)."""

    dialect: str
    make: Callable[[str], str]

    def __call__(self, name: str = "index") -> str:
        return self.make(name)
