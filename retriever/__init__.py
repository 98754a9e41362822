"""Hybrid retrieval, filters and question analysis."""
