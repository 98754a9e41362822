"""The HTTP APIs end to end: gradio_client on Gradio's API, the official openai client on /v1."""

from __future__ import annotations

import json

import pytest

from tests.ui.conftest import Server

CARD = "哪些县设立了行政争议调解中心"
EXPECTED = {"诸暨市", "柯城区", "西湖区"}  # the places naming the centre; a list may hold more (see listing.py)


def test_gradio_client_asks_the_card_question(server: Server) -> None:
    from gradio_client import Client

    client = Client(server.url + "/", verbose=False)
    answer = client.predict(CARD, "[]", api_name="/ask")
    data = answer if isinstance(answer, dict) else json.loads(answer)
    assert data["answerable"] and {c["region"] for c in data["citations"]} >= EXPECTED
    history = json.dumps([{"role": "user", "content": "西湖区打造了哪些调解室品牌？"}])
    follow = client.predict("那它的人民调解成功率是多少？", history, api_name="/ask")
    assert "99.73%" in (follow if isinstance(follow, dict) else json.loads(follow))["answer"]


def test_openai_client_non_streaming(server: Server) -> None:
    from openai import OpenAI

    client = OpenAI(base_url=server.url + "/v1", api_key="not-needed")
    assert [m.id for m in client.models.list().data] == ["reportqa"]
    response = client.chat.completions.create(model="reportqa", messages=[{"role": "user", "content": CARD}])
    message = response.choices[0].message
    for place in ("诸暨", "柯城", "西湖"):
        assert place in message.content
    assert "来源：" in message.content
    citations = (message.model_extra or {})["citations"]
    assert {c["region"] for c in citations} >= EXPECTED and all(c["quote"] for c in citations)


def test_openai_client_streaming(server: Server) -> None:
    from openai import OpenAI

    client = OpenAI(base_url=server.url + "/v1", api_key="not-needed")
    stream = client.chat.completions.create(model="reportqa", stream=True,
                                            messages=[{"role": "user", "content": CARD}])
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert len(chunks) > 3 and all(place in text for place in ("诸暨", "柯城", "西湖"))
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert {c["region"] for c in (last.model_extra or {})["citations"]} >= EXPECTED


def test_bad_chat_request_is_a_clear_400(server: Server) -> None:
    import httpx

    response = httpx.post(server.url + "/v1/chat/completions", json={"messages": []}, timeout=30)
    assert response.status_code == 400 and "messages" in response.json()["error"]["message"]


@pytest.mark.parametrize("path", ["/report/004_e5f05fa6786c6ba1.txt?start=1374&end=1418"])
def test_report_viewer_marks_the_span(server: Server, path: str) -> None:
    import httpx

    page = httpx.get(server.url + path, timeout=30).text
    assert '<mark id="hl">2024年全区发生一审行政诉讼案件229件' in page


def test_gradio_client_with_a_non_json_history_gets_a_clear_error_and_no_traceback(server: Server) -> None:
    from gradio_client import Client

    client = Client(server.url + "/", verbose=False)
    with pytest.raises(Exception, match="history 须为 JSON 数组") as error:  # gradio_client's AppError
        client.predict("伊春市成立了什么仲裁机构？", "not json", api_name="/ask")
    assert type(error.value).__name__ == "AppError"
    assert "Traceback" not in server.log.read_text(encoding="utf-8", errors="replace")
    assert client.predict("伊春市成立了什么仲裁机构？", "[]", api_name="/ask")["answerable"]  # the server goes on


def test_a_question_over_the_limit_is_refused_by_both_apis(server: Server) -> None:
    from gradio_client import Client
    from openai import OpenAI

    question = "西湖区" * 200
    refusal = "问题过长（600字），请精简到500字以内。"
    data = Client(server.url + "/", verbose=False).predict(question, "[]", api_name="/ask")
    assert data["answer"] == refusal and not data["answerable"] and data["warnings"] == ["question_too_long"]
    client = OpenAI(base_url=server.url + "/v1", api_key="not-needed")
    response = client.chat.completions.create(model="reportqa", messages=[{"role": "user", "content": question}])
    assert response.choices[0].message.content == refusal
