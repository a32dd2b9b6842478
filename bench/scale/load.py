"""Serving under load: wrk (Debian's `wrk`) holds N concurrent connections against the
gunicorn server for a fixed time, cycling through a list of URL paths; loopback only.
wrk's own summary gives p50/p75/p90/p99; a `done()` hook in the script adds p95 and the
error counts as one machine-readable line.

    apt-get install -y wrk
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%%d us=%%d connect=%%d read=%%d write=%%d "
    .. "status=%%d timeout=%%d p50=%%d p95=%%d p99=%%d\\n", summary.requests,
    summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run(base: str, paths: list[str], clients: int = 20, seconds: int = 60,
        threads: int = 2) -> dict:
    """Throughput, latency percentiles and errors of a bounded wrk run over `paths`."""
    if not base.startswith("http://127.0.0.1:"):
        raise ValueError("the load test runs against loopback only")
    quoted = ", ".join(f'"{path}"' for path in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % quoted)
    command = ["wrk", "-t", str(threads), "-c", str(clients), "-d", f"{seconds}s",
               "--timeout", "10s", "--latency", "-s", script.name, base]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60,
                          check=True)
    Path(script.name).unlink()
    return parse(done.stdout) | {"command": " ".join(command[:-3] + ["SCRIPT", base])}


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse(output: str) -> dict:
    found = {"raw": output}
    for label in ("50", "75", "90", "99"):
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
        if match:
            found[f"p{label}_ms"] = round(_ms(*match.groups()), 1)
    requests = re.search(r"(\d+) requests in ([\d.]+)(s|m)", output)
    if requests:
        found["requests"] = int(requests.group(1))
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    found["requests_per_second"] = float(rate.group(1)) if rate else None
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       output)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    found["socket_errors"] = sum(map(int, errors.groups())) if errors else 0
    found["non_2xx"] = int(non2xx.group(1)) if non2xx else 0
    found["errors"] = found["socket_errors"] + found["non_2xx"]
    result = re.search(r"^RESULT (.*)$", output, re.M)
    if result:
        values = {k: int(v) for k, v in (pair.split("=") for pair in result.group(1).split())}
        for label in ("50", "95", "99"):
            found[f"p{label}_ms"] = round(values[f"p{label}"] / 1000, 1)
    return found
