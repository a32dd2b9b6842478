"""Benchmarks that print figures against a baseline measured in the same run. Run each as
a module from the repository's root: `python -m bench.NAME` (README.md lists them);
their results, with the commands that produced them, are in bench/results/."""
