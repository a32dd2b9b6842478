"""gunicorn settings the service relies on (docs/decisions/0016-bounded-query-cost.md,
0031-slow-clients-and-forged-headers.md):

    OFSTED_INDEX=DIR gunicorn -c gunicorn.conf.py 'webui:create_app()'

Every value can be overridden on the command line. The search deadline
(OFSTED_SEARCH_DEADLINE, 2 s) ends a costly search long before `timeout` would kill the
worker; `timeout` is the last resort for anything else. Requests gunicorn itself rejects
(a request line or header beyond the limits below) get gunicorn's own short error page:
gunicorn offers no hook to add our security headers to those, and they carry no content
of ours. Every response of the app carries them (webui/security.py).

Slow and idle clients cost one connection each (a greenlet of the gevent worker), not a
worker; this holds by itself, but a public deployment should still sit behind the
buffering proxy of deploy/ (nginx), which also limits what one client may ask for.
"""
import os
import tempfile

bind = os.environ.get("OFSTED_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))  # one per core of the 2-core target
# gevent: a connection costs a greenlet, not a worker, so slow and idle clients cannot
# stop the service. A search still runs from start to end in its worker (CPU-bound, it
# never yields), as under the sync worker this replaces.
worker_class = "gevent"
worker_connections = 1000  # connections one worker holds open; more wait in the backlog
timeout = 30  # seconds of silence before the arbiter kills a worker (searches stop at 2 s)
graceful_timeout = 30
# the gevent worker reads a request's line and headers (and drains a body the app left
# unread) under one timer of `keepalive` seconds: a client slower than that is closed
keepalive = 5
max_requests = 5000  # recycle workers now and then (postings caches grow to their cap)
max_requests_jitter = 500
limit_request_line = 8190  # a 500-character query, percent-encoded, with 50 filter values
limit_request_fields = 64
limit_request_field_size = 8190
preload_app = False  # each worker opens the memory-mapped index itself, lazily


def post_request(worker, req, environ, resp):
    """Under gevent, let the worker's other connections have their turn before this one's
    next request (docs/decisions/0058-fair-keep-alive.md): a keep-alive connection whose
    next request has already arrived would otherwise be served again at once, ahead of
    every other client of the worker, for as long as it keeps asking (a search never
    yields). The response has been sent; only this connection's next request waits."""
    if type(worker).__module__ == "gunicorn.workers.ggevent":
        import gevent
        gevent.idle()

# Headers a client cannot forge: gunicorn believes a `SCRIPT_NAME` header (a path prefix
# that reaches every link) from the addresses in forwarded_allow_ips, loopback by default.
# We believe it only when OFSTED_PROXY_FIX says proxies are in front, and only from them.
_proxies = int(os.environ.get("OFSTED_PROXY_FIX") or 0)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1") if _proxies else ""
forwarder_headers = "SCRIPT_NAME" if _proxies else ""
header_map = "drop"  # other headers with underscores never reach the app
# no control socket: by default every gunicorn of one user would share ~/.gunicorn/gunicorn.ctl
control_socket_disable = True

# Costly requests (exports, long result pages, wildcard searches) are counted per client in
# one small file shared by this server's workers (webui/ledger.py, webui/costly.py): made
# here in the master, named in the environment the workers inherit, removed at exit.
if not os.environ.get("OFSTED_LEDGER"):
    _handle, _ledger = tempfile.mkstemp(prefix="ofsted-ledger-")
    os.close(_handle)
    os.environ["OFSTED_LEDGER"] = _ledger

    def on_exit(server):
        try:
            os.unlink(_ledger)
        except OSError:
            pass
