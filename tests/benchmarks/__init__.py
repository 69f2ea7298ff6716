"""Benchmarks: not in the default test run; `python -m tests.benchmarks` runs them all."""
