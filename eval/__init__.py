"""Evaluation against gold question sets."""
