"""With a login configured, every UI page, Gradio API call and OpenAI-compatible request needs credentials."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.ui.conftest import Server, serve_copy, stop_server
from ui.settings import Settings

USER, PASSWORD = "official", "s3cret-pass"


@pytest.fixture(scope="module")
def locked(real_index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = serve_copy(real_index_dir, tmp_path_factory,
                         {"REPORTQA_AUTH_USERNAME": USER, "REPORTQA_AUTH_PASSWORD": PASSWORD})
    yield running
    stop_server(running)


def test_openai_routes_refuse_without_credentials(locked: Server) -> None:
    assert httpx.get(locked.url + "/v1/models", timeout=30).status_code == 401
    assert httpx.post(locked.url + "/v1/chat/completions", json={"messages": [{"role": "user", "content": "调解"}]},
                      timeout=30).status_code == 401
    wrong = httpx.get(locked.url + "/v1/models", headers={"Authorization": "Bearer wrong"}, timeout=30)
    assert wrong.status_code == 401
    ok = httpx.get(locked.url + "/v1/models", headers={"Authorization": f"Bearer {PASSWORD}"}, timeout=30)
    assert ok.status_code == 200
    basic = httpx.get(locked.url + "/v1/models", auth=(USER, PASSWORD), timeout=30)
    assert basic.status_code == 200


def test_report_viewer_refuses_without_credentials(locked: Server) -> None:
    path = "/report/004_e5f05fa6786c6ba1.txt"
    assert httpx.get(locked.url + path, timeout=30).status_code == 401
    assert httpx.get(locked.url + path, auth=(USER, PASSWORD), timeout=30).status_code == 200


def test_ui_and_gradio_api_need_login(locked: Server) -> None:
    from gradio_client import Client

    page = httpx.get(locked.url + "/", timeout=30)
    config = httpx.get(locked.url + "/config", timeout=30)
    assert config.status_code == 401 or '"auth_required":true' in page.text.replace(" ", "")
    with pytest.raises(Exception):  # noqa: B017 - gradio_client raises its own kinds for a refused login
        Client(locked.url + "/", verbose=False).predict("调解", "[]", api_name="/ask")
    with pytest.raises(Exception):  # noqa: B017
        Client(locked.url + "/", auth=(USER, "wrong"), verbose=False)
    client = Client(locked.url + "/", auth=(USER, PASSWORD), verbose=False)
    assert client.predict("伊春市成立了什么仲裁机构？", "[]", api_name="/ask")["answerable"]


def test_settings_never_show_secrets() -> None:
    settings = Settings(auth_username=USER, auth_password=PASSWORD, llm_api_key="sk-secret")
    shown = repr(settings) + str(settings) + str(settings.model_dump())
    assert PASSWORD not in shown and "sk-secret" not in shown
