"""Benchmark harness for purchase-emulator (see docs/benchmarks.md); not part of the package."""
