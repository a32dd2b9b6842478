"""Fetch: bring Ofsted's published reports into a local folder with a MANIFEST.csv, politely
and resumably (`python -m indexer fetch`, `python -m indexer update`).

A stage beside ingest: it downloads files and never reads the index, search or answers.
`client` talks HTTP (rate, retries, allowed hosts, verified atomic downloads), `listing`
reads Ofsted's provider pages, `links` reads CSVs of links, `manifest` keeps the folder's
MANIFEST.csv and `run` puts them together.
"""
