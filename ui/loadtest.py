"""`reportqa loadtest`: concurrent clients against a running server's OpenAI-compatible endpoint.

Only for servers on this machine (loopback): the request loop is bounded in time and stops by itself.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass
from typing import Any

from eval.memory import rss_mb

QUESTIONS = ["哪些县设立了行政争议调解中心？", "西湖区2024年行政复议收案多少件？纠错率是多少？",
             "南安市2023年人民调解成功率是多少？", "诸暨市法治政府建设存在哪些问题？",
             "伊春市成立了什么仲裁机构？", "比较南安市和伊春市的人民调解成功率。",
             "如何表述“行政争议实质性化解”方面的工作？", "2020年度的报告是哪个地区的？"]


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What the load run measured."""

    clients: int
    seconds: float
    requests: int
    errors: int
    throughput_rps: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    rss_start_mb: float | None
    rss_end_mb: float | None
    rss_max_mb: float | None
    first_error: str | None = None


def run_load(url: str, clients: int = 20, seconds: float = 60.0, pid: int | None = None,
             api_key: str | None = None) -> LoadResult:
    """Each client asks questions back to back until the time is up; every failure is counted."""
    if not url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise ValueError("load tests only target servers on this machine (loopback addresses)")
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    memory: list[float] = []

    def client(number: int) -> None:
        turn = number
        while time.monotonic() < deadline:
            body = json.dumps({"model": "reportqa", "messages": [
                {"role": "user", "content": QUESTIONS[turn % len(QUESTIONS)]}]}).encode()
            request = urllib.request.Request(url.rstrip("/") + "/v1/chat/completions", data=body, headers={
                "Content-Type": "application/json", **({"Authorization": f"Bearer {api_key}"} if api_key else {})})
            started = time.monotonic()
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    payload = json.loads(response.read())
                ok = bool(payload["choices"][0]["message"]["content"])
                with lock:
                    latencies.append((time.monotonic() - started) * 1000)
                    if not ok:
                        errors.append("empty answer")
            except Exception as exc:  # every kind of failure counts as an error
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
            turn += 1

    def sample_memory() -> None:
        while time.monotonic() < deadline and pid:
            value = rss_mb(pid)
            if value is not None:
                memory.append(value)
            time.sleep(1.0)

    start_rss = rss_mb(pid) if pid else None
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    threads.append(threading.Thread(target=sample_memory))
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    ordered = sorted(latencies) or [0.0]
    return LoadResult(
        clients=clients, seconds=round(elapsed, 1), requests=len(latencies) + len(errors), errors=len(errors),
        throughput_rps=round(len(latencies) / elapsed, 2), p50_ms=round(statistics.median(ordered), 1),
        p95_ms=round(ordered[int(0.95 * (len(ordered) - 1))], 1), max_ms=round(ordered[-1], 1),
        rss_start_mb=start_rss, rss_end_mb=rss_mb(pid) if pid else None,
        rss_max_mb=max(memory) if memory else None, first_error=errors[0] if errors else None)


def as_json(result: LoadResult) -> dict[str, Any]:
    """Plain JSON."""
    return asdict(result)
