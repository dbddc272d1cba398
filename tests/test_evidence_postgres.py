"""The PostgreSQL evidence store against a real PostgreSQL server (tests/pg_server.py): schema setup,
least-privilege writers, many concurrent writers, a killed writer, SQL-level tampering, copying
folder ledgers in and out, and fail-closed behaviour when the store cannot be reached."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO
from pg_server import SUPERUSER_PASSWORD, WRITER_PASSWORD, PostgresServer, postgres  # noqa: F401 (fixture)
from soc2gate.cli import cli
from soc2gate.commands import register_all
from soc2gate.errors import Soc2gateError
from soc2gate.evidence import EvidenceSettings, record_run, verify_store
from soc2gate.evidence.admin import copy_store, init_store
from soc2gate.evidence.store import StoreOptions, open_store
from test_evidence import T0, make_result

WRITER_ENV = "SOC2GATE_TEST_PG_PASSWORD"
register_all(cli)


def invoke(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    """The CLI with main()'s edge semantics: a soc2gate error is its exit code and its one-line message."""
    result = CliRunner(env=env).invoke(cli, args)
    if isinstance(result.exception, Soc2gateError):
        return result.exception.exit_code, result.output + str(result.exception)
    return result.exit_code, result.output


@pytest.fixture()
def database(postgres: PostgresServer, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh, initialised evidence database with the CI role's grants; the writer's URL (no password)."""
    name = postgres.create_database()
    applied, version = init_store(postgres.migrator_url(name))
    assert applied == [1, 2] and version == 2
    postgres.grant_writer(name)
    monkeypatch.setenv(WRITER_ENV, WRITER_PASSWORD)
    return postgres.writer_url(name)


def _options() -> StoreOptions:
    return StoreOptions(password_env=WRITER_ENV, retries=1, retry_backoff=0.05)


def _append(url: str, chain: str, count: int, start: int = 0, key: Path | None = None) -> None:
    settings = EvidenceSettings(url, key=str(key) if key else None, chain=chain, store=_options())
    for index in range(start, start + count):
        record_run(make_result(failing=("a",) if index % 2 else ()), settings, T0 + timedelta(hours=index),
                   {}, run_id=f"{chain}-{index}")


def _verify(url: str, public_key: Path | None = None):
    return _verify_with(url, _options(), public_key)


def _verify_with(url: str, options: StoreOptions, public_key: Path | None = None):
    store = open_store(url, options)
    try:
        return verify_store(store, str(public_key) if public_key else None)
    finally:
        store.close()


def test_a_version_1_database_is_migrated_and_keeps_its_records(postgres: PostgresServer) -> None:
    from soc2gate.evidence import pg_schema

    name = postgres.create_database()
    store = open_store(postgres.migrator_url(name), StoreOptions())
    connection = store.connection()
    try:
        first = pg_schema.MIGRATIONS[:1]
        real, pg_schema.MIGRATIONS = pg_schema.MIGRATIONS, first  # the schema as version 1 shipped it
        try:
            assert pg_schema.migrate(connection) == [1]
        finally:
            pg_schema.MIGRATIONS = real
        url = postgres.migrator_url(name)
        settings = EvidenceSettings(url, chain="c", store=StoreOptions())
        record_run(make_result(), settings, T0, {}, run_id="before")  # a version 1 store works as it is
        assert pg_schema.migrate(connection) == [2] and pg_schema.current_version(connection) == 2
        record_run(make_result(), settings, T0 + timedelta(hours=1), {}, run_id="after")
        assert _verify_with(url, StoreOptions()).ok
        compression = connection.execute("SELECT attcompression FROM pg_attribute WHERE attrelid = "
                                         "'evidence_records'::regclass AND attname = 'line'").fetchone()[0]
        assert compression == "l"  # lz4 (Debian's PostgreSQL is built with it)
        assert connection.execute("SELECT count(*) FROM evidence_heads").fetchone()[0] == 2
    finally:
        store.close()


def test_init_is_idempotent_and_refuses_folders(postgres: PostgresServer, tmp_path: Path) -> None:
    name = postgres.create_database()
    result = CliRunner().invoke(cli, ["evidence", "init", postgres.migrator_url(name)])
    assert result.exit_code == 0 and "schema version 2 (applied migration(s) 1, 2)" in result.output
    assert SUPERUSER_PASSWORD not in result.output and ":***@" in result.output
    again = CliRunner().invoke(cli, ["evidence", "init", postgres.migrator_url(name)])
    assert again.exit_code == 0 and "already up to date" in again.output
    code, output = invoke(["evidence", "init", str(tmp_path)])
    assert code == 2 and "needs no setup" in output


def test_writer_role_may_insert_and_select_but_never_update_or_delete(postgres: PostgresServer, database: str) -> None:
    _append(database, "acme/infra", 2)
    name = database.rsplit("/", 1)[1]
    for statement in ("UPDATE evidence_records SET run_id = 'x'", "DELETE FROM evidence_records",
                      "DELETE FROM evidence_heads", "TRUNCATE evidence_records"):
        done = subprocess.run(["psql", "-At", "-c", statement, postgres.writer_url(name)], capture_output=True,
                              text=True, env={**os.environ, "PGPASSWORD": WRITER_PASSWORD}, timeout=60)
        assert done.returncode != 0 and "permission denied" in done.stderr, statement
    assert _verify(database).ok


def test_scan_appends_to_postgres_and_verify_and_report_read_it(database: str, tmp_path: Path) -> None:
    env = {"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme/infra", "GITHUB_REF_NAME": "main", "GITHUB_RUN_ID": "7"}
    runner = CliRunner(env={**env, WRITER_ENV: WRITER_PASSWORD})
    scanned = runner.invoke(cli, ["scan", str(REPO / "examples/terraform"), "--evidence", database,
                                  "--evidence-password-env", WRITER_ENV])
    assert scanned.exit_code == 1, scanned.output  # the examples fail on purpose; the record is still written
    assert "evidence record #1" in scanned.output and "chain 'acme/infra'" in scanned.output
    verified = runner.invoke(cli, ["evidence", "verify", database, "--password-env", WRITER_ENV])
    assert verified.exit_code == 0 and "OK: 1 record(s)" in verified.output, verified.output
    report = runner.invoke(cli, ["evidence", "report", database, "--password-env", WRITER_ENV, "--format", "json"])
    data = json.loads(report.output)
    assert data["runs"] == 1 and data["repos"] == ["acme/infra"] and data["integrity"]["ok"]
    assert WRITER_PASSWORD not in scanned.output + verified.output + report.output


def _writer(url: str, chain: str, worker: int, count: int, password: str) -> None:
    os.environ[WRITER_ENV] = password
    _append(url, chain, count, start=worker * 1000)


def test_sixteen_writers_on_four_chains_lose_and_duplicate_nothing(postgres: PostgresServer, database: str) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(database, f"repo-{w % 4}", w, 50, WRITER_PASSWORD)) for w in range(16)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(600)
        assert process.exitcode == 0
    name = database.rsplit("/", 1)[1]
    counts = postgres.sql("SELECT chain, count(*), count(DISTINCT seq), max(seq) FROM evidence_records "
                          "GROUP BY chain ORDER BY chain", name).split()
    assert counts == [f"repo-{c}|200|200|200" for c in range(4)]
    result = _verify(database)
    assert result.ok and result.records == 800 and sorted(result.chains) == [f"repo-{c}" for c in range(4)]


KILLED_WRITER = r"""
import os, sys, time
from soc2gate.evidence import EvidenceSettings, record_run
from soc2gate.evidence import pg_store
from soc2gate.evidence.store import StoreOptions
from test_evidence import T0, make_result

class Paused:
    def __init__(self, connection):
        self._connection = connection
    def __getattr__(self, name):
        return getattr(self._connection, name)
    def execute(self, statement, *args, **kwargs):
        if statement.startswith("INSERT INTO evidence_heads"):
            print("record inserted, head not yet", flush=True)
            time.sleep(300)
        return self._connection.execute(statement, *args, **kwargs)

original = pg_store.PostgresStore._connect
pg_store.PostgresStore._connect = lambda self: Paused(original(self))
settings = EvidenceSettings(sys.argv[1], chain="acme/infra", store=StoreOptions(password_env=sys.argv[2]))
record_run(make_result(), settings, T0, {}, run_id="killed")
"""


def test_a_writer_killed_mid_transaction_leaves_the_chain_valid(database: str, tmp_path: Path) -> None:
    _append(database, "acme/infra", 3)
    script = tmp_path / "writer.py"
    script.write_text(KILLED_WRITER)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO / "tests")]),
           WRITER_ENV: WRITER_PASSWORD}
    process = subprocess.Popen([sys.executable, str(script), database, WRITER_ENV], stdout=subprocess.PIPE,
                               text=True, env=env)
    assert process.stdout is not None and "record inserted" in process.stdout.readline()
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    _append(database, "acme/infra", 1, start=3)  # waits for the dead writer's lock, then appends #4
    result = _verify(database)
    assert result.ok and result.chains["acme/infra"].last_seq == 4
    assert "killed" not in {r["run_id"] for r in open_store(database, _options()).records()}


@pytest.fixture()
def signed(postgres: PostgresServer, database: str, tmp_path: Path) -> tuple[str, Path, Path, str]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

    key = Ed25519PrivateKey.generate()
    private, public = tmp_path / "key.pem", tmp_path / "key.pub"
    private.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    public.write_bytes(key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo))
    _append(database, "acme/infra", 5, key=private)
    assert _verify(database, public).ok
    return database, private, public, database.rsplit("/", 1)[1]


def _kinds(url: str, public: Path | None = None) -> set[str]:
    return {p.kind for p in _verify(url, public).problems}


def test_sql_update_of_a_record_is_detected(postgres: PostgresServer, signed: tuple) -> None:
    url, _, public, name = signed
    postgres.sql("UPDATE evidence_records SET line = replace(line, '\"verdict\":\"failed\"', '\"verdict\":\"passed\"') "
                 "WHERE seq = 2", name)
    assert "modified" in _kinds(url)


def test_sql_delete_of_a_middle_or_last_record_is_detected(postgres: PostgresServer, signed: tuple) -> None:
    url, _, _, name = signed
    postgres.sql("DELETE FROM evidence_records WHERE seq = 3", name)
    assert "deleted" in _kinds(url)
    postgres.sql("DELETE FROM evidence_records WHERE seq = 5", name)
    problems = _verify(url).problems
    assert any(p.kind == "deleted" and "deleted from the end" in p.message for p in problems)


def test_sql_reordering_is_detected(postgres: PostgresServer, signed: tuple) -> None:
    url, _, _, name = signed
    swap = ("UPDATE evidence_records SET seq = -seq WHERE seq IN (2, 3); "
            "UPDATE evidence_records SET seq = 5 + seq WHERE seq IN (-2, -3)")  # 2 <-> 3 in the columns
    postgres.sql(swap, name)
    assert "modified" in _kinds(url)
    postgres.sql(swap, name)  # columns restored
    assert _kinds(url) == set()
    postgres.sql("UPDATE evidence_records SET id = id + 1000 WHERE seq = 2", name)  # row order: 1, 3, 4, 5, 2
    assert "reordered" in _kinds(url)


def test_rechaining_without_the_key_is_detected_by_signatures(postgres: PostgresServer, signed: tuple) -> None:
    from soc2gate.evidence.chain import GENESIS, canonical, seal

    url, _, public, name = signed
    rows = [json.loads(line) for line in postgres.sql("SELECT line FROM evidence_records ORDER BY seq", name).splitlines()]
    previous = GENESIS
    for record in rows:  # a privileged editor rebuilds a consistent chain with the verdict changed
        body = {k: v for k, v in record.items() if k not in ("seq", "prev_hash", "hash", "signature")}
        forged = seal({**body, "verdict": "passed"}, record["seq"], previous)
        forged["signature"] = record.get("signature", "")
        previous = forged["hash"]
        line = canonical(forged).decode().replace("'", "''")
        postgres.sql(f"UPDATE evidence_records SET line = '{line}', hash = '{forged['hash']}', "
                     f"prev_hash = '{forged['prev_hash']}' WHERE seq = {record['seq']}", name)
    postgres.sql(f"INSERT INTO evidence_heads (chain, seq, hash) VALUES ('acme/infra', 6, '{previous}'); "
                 "DELETE FROM evidence_heads WHERE seq < 6; UPDATE evidence_heads SET seq = 5", name)
    assert _kinds(url) == set()  # the chain alone cannot tell: that is what signatures are for
    assert "signature" in _kinds(url, public)


def test_copy_folder_to_postgres_and_back_preserves_every_hash(postgres: PostgresServer, tmp_path: Path) -> None:
    from test_evidence import append

    folder = tmp_path / "ledger"
    for index in range(6):
        append(folder, make_result(failing=("a",) if index % 2 else ()), T0 + timedelta(days=index), f"r{index}")
    name = postgres.create_database()
    init_store(postgres.migrator_url(name))
    target = postgres.migrator_url(name)
    assert copy_store(str(folder), target, chain="acme/infra") == {"acme/infra": 6}
    assert _verify_plain(target).ok
    back = tmp_path / "back"
    assert copy_store(target, f"file:{back}") == {"acme/infra": 6}
    assert (back / "ledger.jsonl").read_bytes() == (folder / "ledger.jsonl").read_bytes()
    code, output = invoke(["evidence", "copy", str(folder), target, "--chain", "acme/infra"])
    assert code == 2 and "not empty" in output


def _verify_plain(url: str):
    store = open_store(url)
    try:
        return verify_store(store)
    finally:
        store.close()


def test_copy_refuses_a_ledger_that_does_not_verify(postgres: PostgresServer, tmp_path: Path) -> None:
    from test_evidence import append

    folder = tmp_path / "ledger"
    for index in range(3):
        append(folder, make_result(), T0 + timedelta(days=index), f"r{index}")
    lines = (folder / "ledger.jsonl").read_text().splitlines(keepends=True)
    (folder / "ledger.jsonl").write_text(lines[0] + lines[2])
    name = postgres.create_database()
    init_store(postgres.migrator_url(name))
    code, output = invoke(["evidence", "copy", str(folder), postgres.migrator_url(name)])
    assert code == 2 and "does not verify" in output and "nothing was copied" in output


def test_an_unreachable_store_fails_the_run_with_exit_2(tmp_path: Path) -> None:
    config = tmp_path / ".soc2gate.yaml"
    config.write_text("version: 1\nevidence:\n  retries: 1\n  retry_backoff_s: 0.05\n")
    closed = "postgresql://soc2gate_ci:hunter2@127.0.0.1:1/evidence"
    code, output = invoke(["scan", str(REPO / "examples/terraform"), "--config", str(config), "--evidence", closed])
    assert code == 2, output
    assert "connect failed after 2 attempt(s)" in output and "hunter2" not in output


def test_a_store_without_schema_says_how_to_create_it(postgres: PostgresServer) -> None:
    name = postgres.create_database()
    code, output = invoke(["evidence", "verify", postgres.migrator_url(name)])
    assert code == 2 and "soc2gate evidence init" in output


def test_report_spans_chains_in_time_order(database: str) -> None:
    _append(database, "acme/a", 3)
    _append(database, "acme/b", 3)
    store = open_store(database, _options())
    try:
        times = [r["time"] for r in store.records()]
    finally:
        store.close()
    assert times == sorted(times) and len(times) == 6
    assert sorted(store.chains()) == ["acme/a", "acme/b"]


def test_github_action_run_appends_its_record_to_the_store(database: str, tmp_path: Path) -> None:
    env = {"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme/web", "GITHUB_REF_NAME": "main", "GITHUB_RUN_ID": "9",
           "GITHUB_EVENT_NAME": "push", "GITHUB_OUTPUT": str(tmp_path / "out"), "GITHUB_STEP_SUMMARY": "",
           "SOC2GATE_EVIDENCE_URL": database, "SOC2GATE_EVIDENCE_PASSWORD": WRITER_PASSWORD, WRITER_ENV: "",
           "PGPASSWORD": None}  # None: CliRunner restores it afterwards
    code, output = invoke(["github", "run", "--paths", str(REPO / "examples/terraform"), "--output-dir",
                           str(tmp_path / "reports")], env=env)
    assert code == 1, output  # the examples fail on purpose
    assert "chain 'acme/web'" in output and WRITER_PASSWORD not in output
    records = list(open_store(database, _options()).records("acme/web"))
    assert [r["ci"]["run_id"] for r in records] == ["9"] and records[0]["verdict"] == "failed"


def test_a_libpq_service_file_carries_the_connection_and_its_password(postgres: PostgresServer, database: str,
                                                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The monitor's install mounts a Secret holding a libpq service file (PGSERVICEFILE) instead of reading a
    Secret into an environment variable (K8S-069): the URL names only the service."""
    name = database.rsplit("/", 1)[1]
    service = tmp_path / "pg_service.conf"
    service.write_text(f"[soc2gate-evidence]\nhost=127.0.0.1\nport={postgres.port}\ndbname={name}\n"
                       f"user=soc2gate_ci\npassword={WRITER_PASSWORD}\n")
    monkeypatch.setenv("PGSERVICEFILE", str(service))
    monkeypatch.delenv(WRITER_ENV, raising=False)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    url = "postgresql://?service=soc2gate-evidence"
    code, output = invoke(["scan", str(REPO / "examples/terraform"), "--evidence", url])
    assert code == 1 and "evidence record #1" in output, output
    assert WRITER_PASSWORD not in output
    assert _verify_with(url, StoreOptions()).ok
    assert postgres.sql("SELECT count(*) FROM evidence_records", name).strip() == "1"
    service.write_text(service.read_text().replace(WRITER_PASSWORD, "wrong"))
    code, output = invoke(["scan", str(REPO / "examples/terraform"), "--evidence", url])
    assert code == 2 and "wrong" not in output and WRITER_PASSWORD not in output, output
