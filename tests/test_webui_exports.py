"""Exports (CSV, JSON) over real indexes (the five seeds, and a letter containing
<script>). Flask's test client; nothing of ours is mocked."""
from __future__ import annotations

import csv
import io

from webui import create_app



def test_csv_export_has_one_row_per_passage_and_states_the_cap(client):
    response = client.get("/export.csv?q=management&page=2&per_page=5")
    assert response.mimetype == "text/csv"
    assert response.headers["X-Export-Cap"] == "5000"
    assert (response.headers["X-Export-Total"], response.headers["X-Export-Rows"]) == ("56", "56")
    assert response.headers["X-Export-Truncated"] == "false"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 56
    assert len({(r["report_id"], r["passage_id"]) for r in rows}) == 56
    first = rows[0]
    permalink = f"http://localhost/reports/{first['report_id']}#{first['passage_id']}"
    assert first["permalink"] == permalink
    report = client.get(f"/reports/{first['report_id']}").get_data(as_text=True)
    assert f'id="{first["passage_id"]}"' in report


def test_json_export_matches_csv_and_states_the_cap(client):
    data = client.get('/export.json?q="drift and delay"').get_json()
    assert {k: data[k] for k in ("total", "exported", "cap", "truncated")} == {
        "total": 1, "exported": 1, "cap": 5000, "truncated": False}
    [row] = data["rows"]
    assert row["text"].endswith("to avoid drift and delay for all children.")
    assert row["section"] == "areas_for_improvement" and row["date"] == "2018-02-27"


def test_export_is_cut_at_the_cap(seed_index):
    small = create_app({"OFSTED_INDEX": str(seed_index), "EXPORT_CAP": 3}).test_client()
    response = small.get("/export.csv?q=management")
    assert response.headers["X-Export-Truncated"] == "true"
    assert len(list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))) == 3
    page = small.get("/search?q=management").get_data(as_text=True)
    assert "up to 3 passages" in page and "only the first 3 of 56 are exported" in page
