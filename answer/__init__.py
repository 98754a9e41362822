"""Conversational answering: grounded answers with verbatim citations (extractive or LLM)."""
