"""Benchmarks of the foundation: seed time and the cost of the main pages at each scale."""
