"""Prompt templates of the LLM answerer, kept as text files beside this module."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def template(name: str) -> str:
    """The text of prompts/<name>.txt."""
    return resources.files("prompts").joinpath(f"{name}.txt").read_text(encoding="utf-8")


def passage_block(number: int, title: str, section: str, text: str) -> str:
    """One numbered passage, fenced so that its content reads as data.

    Fence markers inside the text are neutralised so a report cannot close its own fence.
    """
    safe = text.replace("<<<", "＜＜＜").replace(">>>", "＞＞＞")
    return f"[{number}] 《{title}》 {section}\n<<<\n{safe}\n>>>"


def user_message(question: str, passages: list[str]) -> str:
    """The user turn: numbered passages, then the question."""
    return template("answer_user").format(count=len(passages), passages="\n\n".join(passages), question=question)


def system_message() -> str:
    """The system turn."""
    return template("answer_system")
