"""`reportqa serve`: the Gradio app, an OpenAI-compatible API and the report viewer on one FastAPI server.

Imported only by the serve command and its tests: FastAPI comes with the `ui` extra.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
import uuid
from collections.abc import Iterator
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from answer.types import Answer
from ui.page import ChinesePage, gradio_translations
from ui.service import AssistantService
from ui.settings import Settings
from ui.web_render import report_page

MODEL_ID = "reportqa"
# Offline: no web fonts from a CDN (system fonts only).
THEME_FONTS = {"font": ["system-ui", "sans-serif"], "font_mono": ["ui-monospace", "monospace"]}


def create_app(service: AssistantService) -> Any:
    """The FastAPI application with everything mounted."""
    import gradio as gr

    from ui.webapp import CSS, build_app

    settings = service.settings
    app = FastAPI(title="reportqa", docs_url=None, redoc_url=None, openapi_url=None)

    def authorised(request: Request) -> None:
        if not credentials_ok(settings, request.headers.get("authorization", "")):
            raise HTTPException(status_code=401, detail="authentication required",
                                headers={"WWW-Authenticate": 'Basic realm="reportqa"'})

    @app.get("/v1/models", dependencies=[Depends(authorised)])
    def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "reportqa"}]}

    @app.post("/v1/chat/completions", dependencies=[Depends(authorised)], response_model=None)
    async def chat_completions(request: Request) -> Any:
        try:
            body = await request.json()
            question, history = split_messages(body.get("messages"))
        except (ValueError, TypeError, KeyError) as exc:
            return JSONResponse({"error": {"message": f"invalid request: {exc}", "type": "invalid_request_error"}},
                                status_code=400)
        answer = await run_in_threadpool(service.ask, question, history)
        if body.get("stream"):
            return StreamingResponse(stream_events(answer), media_type="text/event-stream")
        return completion(answer)

    @app.get("/report/{source}", response_class=HTMLResponse, dependencies=[Depends(authorised)])
    def report(source: str, start: int | None = None, end: int | None = None) -> Any:
        found = service.report(source)
        if found is None:
            raise HTTPException(status_code=404, detail="no such report")
        return HTMLResponse(report_page(found, start, end))

    auth = None
    if settings.auth_username and settings.auth_password:
        auth = (settings.auth_username, settings.auth_password.get_secret_value())
    theme = gr.themes.Default(**THEME_FONTS)  # type: ignore[arg-type]
    blocks = build_app(service)
    blocks.queue(default_concurrency_limit=4)
    mounted = gr.mount_gradio_app(app, blocks, path="/", auth=auth, theme=theme, css=CSS, footer_links=["api"],
                                  server_name=settings.host, server_port=settings.port, show_error=True,
                                  i18n=gradio_translations())
    mounted.add_middleware(ChinesePage)
    return mounted


def credentials_ok(settings: Settings, header: str) -> bool:
    """No login configured, or Basic user:password, or Bearer <password> (what OpenAI clients send)."""
    if not (settings.auth_username and settings.auth_password):
        return True
    password = settings.auth_password.get_secret_value().encode()
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return secrets.compare_digest(value.strip().encode(), password)
    if scheme.lower() == "basic":
        try:
            user, _, given = base64.b64decode(value.strip()).partition(b":")
        except ValueError:
            return False
        return secrets.compare_digest(user, settings.auth_username.encode()) and secrets.compare_digest(given, password)
    return False


def split_messages(messages: Any) -> tuple[str, list[str]]:
    """The last user message is the question; earlier user messages are the history."""
    if not isinstance(messages, list) or not messages:
        raise ValueError("messages must be a non-empty list")
    turns = [_content(m) for m in messages if isinstance(m, dict) and m.get("role") == "user"]
    if not turns or not turns[-1].strip():
        raise ValueError("no user message")
    return turns[-1], turns[:-1]


def _content(message: dict[str, Any]) -> str:
    content = message.get("content", "")
    if isinstance(content, list):  # [{type: text, text: …}] parts
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def message_text(answer: Answer) -> str:
    """The answer with its sources written out, for chat clients that show only text."""
    if not answer.citations:
        return answer.answer
    sources = [f"[{c.n}] 《{c.title}》 {c.section}：“{c.quote}”" for c in answer.citations]
    return answer.answer + "\n\n来源：\n" + "\n".join(sources)


def completion(answer: Answer) -> dict[str, Any]:
    """A chat.completion object; citations also come as a structured field."""
    data = answer.to_json()
    return {"id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": "chat.completion", "created": int(time.time()),
            "model": MODEL_ID, "choices": [{"index": 0, "finish_reason": "stop", "message": {
                "role": "assistant", "content": message_text(answer), "citations": data["citations"]}}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            "citations": data["citations"], "reportqa": data}


def stream_events(answer: Answer) -> Iterator[str]:
    """Server-sent chat.completion.chunk events, then the citations, then [DONE]."""
    ident, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())

    def event(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        chunk = {"id": ident, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
                 "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
        return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"

    yield event({"role": "assistant", "content": ""})
    text = message_text(answer)
    for start in range(0, len(text), 24):
        yield event({"content": text[start:start + 24]})
    data = answer.to_json()
    yield event({}, "stop", citations=data["citations"], reportqa=data)
    yield "data: [DONE]\n\n"


def serve(settings: Settings) -> None:
    """Run the server until interrupted."""
    import uvicorn

    from ui.setup import load_embedder

    service = AssistantService(settings, load_embedder(settings))
    uvicorn.run(create_app(service), host=settings.host, port=settings.port, log_level="warning")
