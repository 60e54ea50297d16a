"""Benchmarks of the real workloads against a hand-written floor and a naive resolver (``passport bench``)."""
