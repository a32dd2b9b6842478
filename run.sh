#!/usr/bin/env bash
# Set up (virtual environment + pinned packages), index the seeds into an empty index, serve the web UI.
# Environment: PORT (default 5000), HOST (default 127.0.0.1), OFSTED_INDEX (default index),
# SKIP_INSTALL=1 to reuse an existing .venv without installing.
set -euo pipefail
cd "$(dirname "$0")"
if [[ "${SKIP_INSTALL:-0}" != "1" ]]; then
    python3 -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e '.[test]'
fi
export OFSTED_INDEX="${OFSTED_INDEX:-index}"
# An existing index is served as it is (never rebuilt from the seeds, which would drop what
# else it holds); the seeds are indexed only into an empty location.
if [[ -e "$OFSTED_INDEX/current" ]]; then
    echo "serving the existing index in $OFSTED_INDEX (python -m indexer build PATH --index $OFSTED_INDEX updates it)"
else
    .venv/bin/python -m indexer build seeds --index "$OFSTED_INDEX"
fi
exec .venv/bin/python -m webui --host "${HOST:-127.0.0.1}" --port "${PORT:-5000}" --index "$OFSTED_INDEX"
