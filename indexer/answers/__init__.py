"""Answers built on the search engine: trends, comparisons, authority histories and follow-ups, feeds, citations."""
