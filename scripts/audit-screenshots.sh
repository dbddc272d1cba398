#!/usr/bin/env bash
# Regenerate docs/images/audit-*.png (docs/audit-guide.md) from the example evidence history.
# Needs Debian's chromium (.ci/run installs it) and the project's venv.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
PYTHONPATH="$PWD/src" "$PYTHON" scripts/audit_screenshots.py
