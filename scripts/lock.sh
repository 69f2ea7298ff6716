#!/usr/bin/env bash
# Regenerates the lock files from pyproject.toml with pip-tools (pip install pip-tools):
#   requirements.lock      the application (the wheel smoke test and the Dockerfile install it)
#   requirements-dev.lock  the application and the test tools, at the same versions (CI)
# Run after changing dependencies; `--upgrade` takes the newest versions pyproject allows.
set -euo pipefail
cd "$(dirname "$0")/.."
PIP_COMPILE=${PIP_COMPILE:-.venv/bin/pip-compile}
common=(--quiet --strip-extras --no-emit-index-url --no-emit-find-links --allow-unsafe "$@")
"$PIP_COMPILE" "${common[@]}" --output-file requirements.lock pyproject.toml
"$PIP_COMPILE" "${common[@]}" --extra test --constraint requirements.lock \
  --output-file requirements-dev.lock pyproject.toml
