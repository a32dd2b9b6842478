#!/usr/bin/env bash
# Set up (virtual environment + pinned packages), index the seeds into an empty index, serve the
# web UI with gunicorn and gunicorn.conf.py (`python -m webui` is the development server).
# Environment: PORT (default 5000), HOST (default 127.0.0.1), OFSTED_INDEX (default index),
# SKIP_INSTALL=1 to reuse an existing .venv without installing.
set -euo pipefail
cd "$(dirname "$0")"
if [[ "${SKIP_INSTALL:-0}" != "1" ]]; then
    python3 -m venv .venv
    # -qq: errors only (pip's warnings about the machine's index settings are not ours)
    .venv/bin/python -m pip install -qq --disable-pip-version-check -e .
fi
export OFSTED_INDEX="${OFSTED_INDEX:-index}"
# An existing index is served as it is (never rebuilt from the seeds, which would drop what
# else it holds); the seeds are indexed only into an empty location.
if [[ -e "$OFSTED_INDEX/current" ]]; then
    echo "serving the existing index in $OFSTED_INDEX (ofsted-search build PATH --index $OFSTED_INDEX updates it)"
else
    .venv/bin/ofsted-search build seeds --index "$OFSTED_INDEX"
fi
exec .venv/bin/ofsted-search serve --bind "${HOST:-127.0.0.1}:${PORT:-5000}" --index "$OFSTED_INDEX"
