"""A real PostgreSQL server for the tests, started from the Debian packages (.ci/run installs them).

initdb refuses to run as root, so as root the server runs as the `postgres` system user (created by the
Debian package) or, failing that, a user made here. It listens on 127.0.0.1 on a free port, with
scram-sha-256 password authentication; the test roles follow docs/evidence.md (a migrator that owns the
schema, a CI writer with INSERT and SELECT only).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

SUPERUSER_PASSWORD = "super-" + uuid.uuid4().hex
WRITER_PASSWORD = "writer-" + uuid.uuid4().hex


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.fail("PostgreSQL server binaries are missing: .ci/run installs the Debian `postgresql` package")
    return Path(found[-1]).parent


def _user() -> str | None:
    """The user the server runs as (None: this user, when not root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "soc2gate-pg"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(["useradd", "--system", "--no-create-home", "soc2gate-pg"], check=True)
    return "soc2gate-pg"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    directory: Path
    port: int
    user: str | None
    bindir: Path

    def run(self, *args: str, input_text: str | None = None) -> subprocess.CompletedProcess[str]:
        command = list(args)
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, input=input_text, timeout=120, check=False)

    def url(self, user: str = "postgres", database: str = "postgres", password: str | None = None) -> str:
        secret = f":{password}" if password else ""
        return f"postgresql://{user}{secret}@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str, database: str = "postgres") -> str:
        done = subprocess.run([str(self.bindir / "psql"), "-v", "ON_ERROR_STOP=1", "-At", "-c", statement,
                               self.url(database=database)], capture_output=True, text=True, timeout=60,
                              env={**os.environ, "PGPASSWORD": SUPERUSER_PASSWORD})
        assert done.returncode == 0, done.stderr
        return done.stdout

    def create_database(self) -> str:
        """A fresh database owned by the migrator role (docs/evidence.md); its name."""
        name = "evidence_" + uuid.uuid4().hex[:10]
        self.sql(f"CREATE DATABASE {name} OWNER soc2gate_migrator")
        return name

    def grant_writer(self, database: str) -> None:
        """The CI role's grants from docs/evidence.md: INSERT and SELECT, never UPDATE or DELETE."""
        self.sql("GRANT SELECT, INSERT ON evidence_records, evidence_heads TO soc2gate_ci; "
                 "GRANT SELECT ON soc2gate_migrations TO soc2gate_ci; "
                 "GRANT USAGE ON SEQUENCE evidence_records_id_seq TO soc2gate_ci", database)

    def migrator_url(self, database: str) -> str:
        return self.url("soc2gate_migrator", database, SUPERUSER_PASSWORD)

    def writer_url(self, database: str, with_password: bool = False) -> str:
        return self.url("soc2gate_ci", database, WRITER_PASSWORD if with_password else None)


def _start() -> PostgresServer:
    bindir, user = _bindir(), _user()
    directory = Path(tempfile.mkdtemp(prefix="soc2gate-pg-"))
    server = PostgresServer(directory, _free_port(), user, bindir)
    if user:
        shutil.chown(directory, user)
    pwfile = directory / "pw"
    pwfile.write_text(SUPERUSER_PASSWORD + "\n")
    if user:
        shutil.chown(pwfile, user)
    data = directory / "data"
    done = server.run(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=scram-sha-256",
                      f"--pwfile={pwfile}", "--no-sync", "-E", "UTF8", "--locale=C")
    assert done.returncode == 0, done.stderr
    options = f"-c listen_addresses=127.0.0.1 -p {server.port} -k {directory} -c fsync=off -c max_connections=60"
    done = server.run(str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(directory / "log"),
                      "-w", "-t", "60", "start")
    assert done.returncode == 0, done.stderr + (directory / "log").read_text(errors="replace")
    server.sql(f"CREATE ROLE soc2gate_migrator LOGIN PASSWORD '{SUPERUSER_PASSWORD}'")
    server.sql(f"CREATE ROLE soc2gate_ci LOGIN PASSWORD '{WRITER_PASSWORD}'")
    return server


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = _start()
    try:
        yield server
    finally:
        server.run(str(server.bindir / "pg_ctl"), "-D", str(server.directory / "data"), "-m", "immediate", "stop")
        shutil.rmtree(server.directory, ignore_errors=True)
