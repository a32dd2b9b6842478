#!/usr/bin/env bash
# Set up everything the tests need (packages, Debian's Chromium, nginx, wrk, Node's npm and
# axe-core), then run the whole suite.
set -euo pipefail
cd "$(dirname "$0")"
# Debian's Chromium (browser tests), nginx (tests/test_deploy.py starts deploy/'s proxy),
# wrk (tests/test_bench_throughput.py drives the server with it) and npm (axe-core for
# tests/test_accessibility.py)
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if (( ${#missing[@]} )); then
    sudo=""; [[ "$(id -u)" == "0" ]] || sudo="sudo"
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# axe-core, pinned in package.json and package-lock.json
npm ci --no-audit --no-fund --silent
python3 -m venv .venv
.venv/bin/python -m pip install -qq --disable-pip-version-check -e '.[test]'
exec .venv/bin/python -m pytest "$@"
