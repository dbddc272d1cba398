"""Fuzz the Terraform readers (.tf through the whole collect pipeline, and .tfvars) with mutated real files.

Asserts for every input: no exception escapes, an input the reference parser rejects is never read
without an error finding (no pass on an unparsable input), each input within the per-example
deadline of the hypothesis profile, and bounded process growth over the run.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings

from fuzz_support import MAX_GROWTH_MB, SCALE, mutated, rss_mb, seeds
from fuzz_support import check_collected as _check
from soc2gate.parsers.collect import CollectOptions, collect_stdin
from soc2gate.parsers.collected import Collected
from soc2gate.parsers.textio import decode
from soc2gate.parsers.tfvars import var_file_values

TF_SEEDS = seeds(("real/terragoat/**/*.tf", "real/terraform-aws-s3-bucket/*.tf", "kics/assets/queries/terraform/aws/*/test/*.tf"),
                 max_bytes=2500, limit=120)
TFVARS_SEEDS = seeds(("real/**/*.tfvars", "kics/assets/queries/terraform/**/*.tfvars"), max_bytes=2500, limit=40,
                     extra=(b'region = "eu-west-1"\ntags = { team = "a", cost = 3 }\nlist = [1, 2, "x"]\n',
                            b'nested = { a = { b = [true, null, 1.5e3] } }\nheredoc = <<EOT\nline\nEOT\n'), least=3)
HCL_FRAGMENTS = (b'resource "aws_s3_bucket" "x" {', b'dynamic "d" {', b"for_each = ", b"count = ", b"var.", b"local.",
                 b"module.", b"each.key", b"[for x in var.l : x]", b"? 1 : 0", b"...", b"=>", b"~}", b"locals {",
                 b'module "m" { source = "./m" }', b'variable "v" { default = {} }')
OPTIONS = CollectOptions(use_cache=False)


def _hcl_parses(data: bytes) -> bool:
    import hcl2

    try:
        hcl2.loads(decode(data, "x.tf"))
    except Exception:  # noqa: BLE001 - the reference parser's verdict, whatever it raises
        return False
    return True


@settings(max_examples=1500 * SCALE)
@given(mutated(TF_SEEDS, HCL_FRAGMENTS))
def test_fuzz_terraform_files(data: bytes) -> None:
    _check(collect_stdin(data, "terraform", OPTIONS), data, _hcl_parses)


@settings(max_examples=1000 * SCALE)
@given(mutated(TFVARS_SEEDS, HCL_FRAGMENTS))
def test_fuzz_tfvars(tmp_path_factory, data: bytes) -> None:
    path = Path(tmp_path_factory.getbasetemp()) / "fuzz.tfvars"
    path.write_bytes(data)
    out = Collected()
    values = var_file_values((str(path),), out)
    assert isinstance(values, dict)
    _check(out, data, _hcl_parses)


def test_fuzz_growth_is_bounded() -> None:
    """Runs after the surfaces above in this module: the whole process stayed within a bounded size."""
    assert rss_mb() < 1024 + MAX_GROWTH_MB

