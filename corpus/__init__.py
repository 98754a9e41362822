"""Ingestion: files -> reports (clean text, metadata, section tree) -> chunks."""
