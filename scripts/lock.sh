#!/usr/bin/env bash
# Re-pin every dependency after changing pyproject.toml:
#   requirements.lock       runtime (the Docker image installs exactly this)
#   requirements-test.lock  runtime + test extras (CI and the README's test command use it)
# pip-tools runs in a throwaway venv so it never lands in the project's environment. Existing pins
# are kept (pip-compile moves a pin only when asked to upgrade it); new requirements get the newest release.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
python3 -m venv "$tools/venv"
"$tools/venv/bin/pip" install -q pip-tools
# No index, trusted host or find-links line: a lock names packages and versions, never where one
# machine found them (a local wheel folder in it makes every other install warn or fail).
compile=("$tools/venv/bin/pip-compile" --quiet --no-emit-index-url --no-emit-trusted-host
         --no-emit-find-links --strip-extras)
"${compile[@]}" --output-file requirements.lock pyproject.toml
"${compile[@]}" --extra test --output-file requirements-test.lock pyproject.toml
