"""Searchable index: embeddings, FAISS, BM25 and the chunk store."""
