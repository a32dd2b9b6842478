#!/usr/bin/env bash
# Set up everything the tests need (packages, Debian's Chromium, nginx and wrk), then run the
# whole suite.
set -euo pipefail
cd "$(dirname "$0")"
# Debian's Chromium (browser tests), nginx (tests/test_deploy.py starts deploy/'s proxy) and
# wrk (tests/test_bench_throughput.py drives the server with it)
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
if (( ${#missing[@]} )); then
    sudo=""; [[ "$(id -u)" == "0" ]] || sudo="sudo"
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
python3 -m venv .venv
.venv/bin/python -m pip install -qq --disable-pip-version-check -e '.[test]'
exec .venv/bin/python -m pytest "$@"
