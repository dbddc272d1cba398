"""The OPA engine against a loopback STAND-IN server (tests/opa_standin.py), not a real OPA.

No OPA binary can be installed here; the stand-in implements the documented REST API
endpoints the engine uses (/health, /v1/policies, /v1/data) with OPA's response and error
shapes, and evaluates Rego with regorus.
"""

from __future__ import annotations

import json
import ssl
from pathlib import Path

import pytest
import trustme

from opa_standin import StandInOpa
from policy_fixtures import all_fixtures
from soc2gate.api import ScanOptions, scan
from soc2gate.engine.opa_engine import namespaced
from soc2gate.errors import ConfigError, PolicyLoadError
from soc2gate.model import Outcome

FIXTURES = [f for f in all_fixtures() if f.kind == "fail" and f.config is None][:6]


def _view(result) -> list[tuple]:
    """Findings as comparable tuples; an error's message is engine-specific, so only its policy counts."""
    return sorted((f.policy_id, f.outcome.value, f.resource, "" if f.outcome is Outcome.ERROR else f.message,
                   f.span.start_line if f.span else 0) for f in result.findings)


def _scan(path: str, **options) -> object:
    return scan(ScanOptions(paths=(path,), use_cache=False, **options))


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.id for f in FIXTURES])
def test_same_findings_as_the_embedded_engine(fixture) -> None:
    with StandInOpa() as opa:
        remote = _scan(str(fixture.path), opa_url=opa.url)
        assert opa.policies == {}, "the run must delete what it uploaded"
    local = _scan(str(fixture.path))
    assert {f.engine for f in remote.findings if f.policy_id == fixture.policy.id} == {"opa"}
    assert Outcome.FAIL in {f.outcome for f in remote.findings if f.policy_id == fixture.policy.id}
    assert _view(remote) == _view(local)
    assert remote.passed == local.passed


def test_uploads_under_owned_prefix_queries_once_then_cleans_up() -> None:
    fixture = FIXTURES[0]
    with StandInOpa() as opa:
        _scan(str(fixture.path), opa_url=opa.url)
        puts = [p for m, p in opa.log if m == "PUT"]
        deletes = [p for m, p in opa.log if m == "DELETE"]
        posts = [p for m, p in opa.log if m == "POST"]
    assert puts and all(p.startswith("/v1/policies/soc2gate/") for p in puts)
    assert sorted(puts) == sorted(deletes)
    assert len(posts) == 1 and posts[0].startswith("/v1/data/soc2gate_") and posts[0].endswith("/policies")
    assert ("GET", "/health") in opa.log


def test_bearer_token_is_sent_and_a_missing_one_is_a_clear_error() -> None:
    fixture = FIXTURES[0]
    with StandInOpa(token="s3cret") as opa:
        result = _scan(str(fixture.path), opa_url=opa.url, opa_token="s3cret")
        assert any(f.engine == "opa" for f in result.findings)
        with pytest.raises(ConfigError) as caught:
            _scan(str(fixture.path), opa_url=opa.url)
        wrong = pytest.raises(ConfigError, _scan, str(fixture.path), opa_url=opa.url, opa_token="nope")
    for error in (caught.value, wrong.value):
        assert opa.url in str(error) and "401" in str(error) and "unauthorized" in str(error)


def test_token_from_environment_variable_named_in_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fixture = FIXTURES[0]
    with StandInOpa(token="from-env") as opa:
        config = tmp_path / ".soc2gate.yaml"
        config.write_text(f"opa:\n  url: {opa.url}\n  token_env: MY_OPA_TOKEN\n")
        monkeypatch.setenv("MY_OPA_TOKEN", "from-env")
        result = _scan(str(fixture.path), config_path=str(config))
        assert any(f.engine == "opa" for f in result.findings)
        monkeypatch.delenv("MY_OPA_TOKEN")
        with pytest.raises(ConfigError, match="MY_OPA_TOKEN"):
            _scan(str(fixture.path), config_path=str(config))


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[ssl.SSLContext, str]:
    ca = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(server)
    bundle = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    return server, str(bundle)


def test_tls_with_the_servers_ca(tls) -> None:
    context, bundle = tls
    fixture = FIXTURES[0]
    with StandInOpa(tls=context) as opa:
        assert opa.url.startswith("https://")
        remote = _scan(str(fixture.path), opa_url=opa.url, opa_ca_bundle=bundle)
        assert opa.policies == {}
    assert _view(remote) == _view(_scan(str(fixture.path)))


def test_tls_with_an_unknown_ca_is_a_clear_error(tls, monkeypatch: pytest.MonkeyPatch) -> None:
    context, _ = tls
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    with StandInOpa(tls=context) as opa:
        with pytest.raises(ConfigError) as caught:
            _scan(str(FIXTURES[0].path), opa_url=opa.url)
    assert opa.url in str(caught.value) and "TLS" in str(caught.value)


def test_connection_refused_names_the_url() -> None:
    with StandInOpa() as opa:
        url = opa.url
    with pytest.raises(ConfigError) as caught:
        _scan(str(FIXTURES[0].path), opa_url=url)
    assert url in str(caught.value) and "cannot connect" in str(caught.value)


def test_server_error_on_query_is_a_clear_error_and_still_cleans_up() -> None:
    with StandInOpa() as opa:
        opa.fail_data = (503, {"code": "internal_error", "message": "storage unavailable"})
        with pytest.raises(ConfigError) as caught:
            _scan(str(FIXTURES[0].path), opa_url=opa.url)
        assert opa.policies == {}
    text = str(caught.value)
    assert opa.url in text and "HTTP 503" in text and "storage unavailable" in text


def test_policy_that_does_not_parse_is_refused_before_upload_naming_the_file(tmp_path: Path) -> None:
    """The sandbox parses every user policy at load, so a syntax error never reaches the server."""
    bad = tmp_path / "terraform" / "broken"
    bad.mkdir(parents=True)
    source = (Path(FIXTURES[0].policy.path).read_text(encoding="utf-8")
              .replace(FIXTURES[0].policy.id, "TF-999")
              .replace(f"package {FIXTURES[0].policy.package}", "package soc2gate.policies.terraform.broken_x")
              + "\ndeny contains x if {\n")
    (bad / "policy.rego").write_text(source, encoding="utf-8")
    with StandInOpa() as opa:
        with pytest.raises(PolicyLoadError) as caught:
            _scan(str(FIXTURES[0].path), opa_url=opa.url, policy_dirs=(str(tmp_path),))
        assert opa.policies == {}
    assert f"{bad / 'policy.rego'}:" in str(caught.value) and "Rego does not compile" in str(caught.value)


@pytest.mark.parametrize("url", ["ftp://opa:8181", "http://opa:8181/v1", "opa:8181", "http://:8181"])
def test_bad_url_is_a_config_error(url: str) -> None:
    with pytest.raises(ConfigError, match="opa-url"):
        _scan(str(FIXTURES[0].path), opa_url=url)


def test_package_root_renamed_in_declarations_and_data_refs_only() -> None:
    source = ("package soc2gate.policies.x\n\nimport data.soc2gate.lib.terraform as tf\n"
              "msg := \"see data.soc2gate_other\"\nroot := data.soc2gate.lib.y\n")
    renamed = namespaced(source, "soc2gate_ab12")
    assert "package soc2gate_ab12.policies.x" in renamed
    assert "import data.soc2gate_ab12.lib.terraform as tf" in renamed
    assert "root := data.soc2gate_ab12.lib.y" in renamed
    assert "data.soc2gate_other" in renamed


def test_cli_json_report_names_the_opa_engine(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from soc2gate.cli import cli

    fixture = FIXTURES[0]
    with StandInOpa(token="t") as opa:
        run = CliRunner().invoke(cli, ["scan", str(fixture.path), "--opa-url", opa.url, "--format", "json",
                                       "--no-cache"], env={"SOC2GATE_OPA_TOKEN": "t"})
    assert run.exit_code == 1, run.stderr
    report = json.loads(run.stdout)
    assert {f["engine"] for f in report["findings"] if f["policy"] == fixture.policy.id} == {"opa"}
