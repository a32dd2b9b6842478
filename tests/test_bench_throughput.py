"""The throughput benchmark's machinery (bench/throughput.py), for a second a mix over the
seed index: it serves the production gunicorn settings, drives them with wrk and records
requests/s, percentiles and errors per mix and server. No rate is asserted."""
from __future__ import annotations

import json
import shutil

import pytest


from bench import throughput
from bench.scale import load


def test_environments_try_every_value():
    assert throughput.environments([]) == [{}]
    assert throughput.environments(["A=1,0", "B=x"]) == [{"A": "1", "B": "x"},
                                                          {"A": "0", "B": "x"}]


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_a_short_run_records_every_mix(seed_index, tmp_path):
    out = throughput.main(["--index", str(seed_index), "--seconds", "2", "--warm", "1",
                           "--clients", "2", "--mixes", "baseline", "html",
                           "--env", "OFSTED_ANSWER_CACHE=0,8", "--results", str(tmp_path)])
    runs = json.loads(out.read_text())["runs"]
    assert [run["env"] for run in runs] == [{"OFSTED_ANSWER_CACHE": "0"},
                                           {"OFSTED_ANSWER_CACHE": "8"}]
    for run in runs:
        baseline = run["repeats"][0]["baseline"]
        assert baseline["requests"] > 0 and baseline["errors"] == 0
        assert baseline["p50_ms"] <= baseline["p95_ms"] <= baseline["p99_ms"]
        # the scale query set names authorities the seeds lack: those 400s count as errors
        html = run["repeats"][0]["html"]
        assert html["requests"] > 0 and html["socket_errors"] == 0
        assert html["errors"] == html["non_2xx"] <= html["requests"]


def test_wrk_summary_is_parsed():
    output = """Running 1s test @ http://127.0.0.1:1
  Latency Distribution
     50%    5.00ms
     99%   20.00ms
  200 requests in 1.00s, 1.00MB read
  Non-2xx or 3xx responses: 3
Requests/sec:    199.50
RESULT requests=200 us=1000000 connect=0 read=1 write=0 status=3 timeout=0 p50=5000 p95=12500 p99=20000
"""
    found = load.parse(output)
    assert (found["requests"], found["requests_per_second"], found["p50_ms"], found["p95_ms"],
            found["p99_ms"], found["errors"]) == (200, 199.5, 5.0, 12.5, 20.0, 3)
