#!/usr/bin/env bash
# Set up everything the tests need (packages, Debian's Chromium), then run the whole suite.
set -euo pipefail
cd "$(dirname "$0")"
# Debian's Chromium (browser tests) and nginx (tests/test_deploy.py starts deploy/'s proxy)
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
if (( ${#missing[@]} )); then
    sudo=""; [[ "$(id -u)" == "0" ]] || sudo="sudo"
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
exec .venv/bin/python -m pytest "$@"
