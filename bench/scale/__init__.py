"""Search at archive scale: a seeded synthetic corpus, a query set, a runner measuring
build, in-process and HTTP latency against a SQLite FTS5 baseline, and a load test.

See docs/decisions/0010-search-at-scale.md for the figures and how to reproduce them.
"""
