"""A real `reportqa serve` on loopback, over a copy of the real sample index."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "var" / "test-artifacts"


@dataclass
class Server:
    """A running server and where to reach it."""

    url: str
    index_dir: Path
    process: subprocess.Popen[bytes]
    log: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(index_dir: Path, env: dict[str, str] | None = None, timeout: float = 120.0) -> Server:
    """Start `reportqa serve` and wait until it answers."""
    port = free_port()
    log_path = index_dir.parent / f"serve-{port}.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "serve", "--index", str(index_dir), "--port", str(port)],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})}, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log_path.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(url + "/", timeout=2)
            return Server(url, index_dir, process, log_path)
        except OSError as exc:
            if getattr(exc, "code", None) in (401, 403):  # up, and asking for credentials
                return Server(url, index_dir, process, log_path)
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("server did not start in time")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()


def serve_copy(real_index_dir: Path, tmp_path_factory: pytest.TempPathFactory,
               env: dict[str, str] | None = None) -> Server:
    """A server over a private copy of the real index, so no test sees another's uploads."""
    folder = tmp_path_factory.mktemp("served") / "index"
    shutil.copytree(real_index_dir, folder)
    return start_server(folder, env)


@pytest.fixture(scope="module")
def server(real_index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of this test module's own."""
    running = serve_copy(real_index_dir, tmp_path_factory)
    yield running
    stop_server(running)
