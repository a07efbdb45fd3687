"""Benchmarks (`nox -s bench`), each printing ratios measured side by side in one run, and the plain
baseline they time grading against."""
