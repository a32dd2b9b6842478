"""gunicorn settings the service relies on (docs/decisions/0016-bounded-query-cost.md):

    OFSTED_INDEX=DIR gunicorn -c gunicorn.conf.py 'webui:create_app()'

Every value can be overridden on the command line. The search deadline
(OFSTED_SEARCH_DEADLINE, 2 s) ends a costly search long before `timeout` would kill the
worker; `timeout` is the last resort for anything else. Requests gunicorn itself rejects
(a request line or header beyond the limits below) get gunicorn's own short error page:
gunicorn offers no hook to add our security headers to those, and they carry no content
of ours. Every response of the app carries them (webui/security.py).
"""
import os

bind = os.environ.get("OFSTED_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))  # one per core of the 2-core target
threads = 1  # sync workers: a search is CPU-bound (numpy, Whoosh) and holds the GIL
worker_class = "sync"
timeout = 30  # seconds of silence before the arbiter kills a worker (searches stop at 2 s)
graceful_timeout = 30
keepalive = 5
max_requests = 5000  # recycle workers now and then (postings caches grow to their cap)
max_requests_jitter = 500
limit_request_line = 8190  # a 500-character query, percent-encoded, with 50 filter values
limit_request_fields = 64
limit_request_field_size = 8190
preload_app = False  # each worker opens the memory-mapped index itself, lazily
