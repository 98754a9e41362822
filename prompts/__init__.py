"""Prompt templates for the LLM answerer."""
