#!/usr/bin/env bash
# Set up everything the tests need (packages, Debian's Chromium, axe-core from npm), then run
# the whole suite.
set -euo pipefail
cd "$(dirname "$0")"
apt_install() {
    if [[ "$(id -u)" == "0" ]]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
    else
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
    fi
}
if ! command -v chromium >/dev/null 2>&1; then
    apt_install chromium
fi
if ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm
fi
# axe-core, pinned in package.json and package-lock.json (tests/test_accessibility.py)
npm ci --no-audit --no-fund --silent
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
exec .venv/bin/python -m pytest "$@"
