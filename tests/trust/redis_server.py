"""A private Redis for the fault tests: started on a free loopback port, stopped and started at will.

Never the shared Redis on 6379: stopping that one would disturb everyone else using it.
"""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_redis_server() -> str:
    path = shutil.which("redis-server")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is required for the fault tests in CI")
        pytest.skip("redis-server is not installed")
    return path


def answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except (redis.RedisError, OSError):
        return False


class RedisServer:
    """redis-server on 127.0.0.1:<port> with its data in ``data`` (append-only file fsynced at every
    write, as docs/operations.md asks of the production Redis), so that a restart keeps the queue."""

    def __init__(self, data: Path, port: int | None = None):
        self.binary = require_redis_server()
        self.port = port or free_port()
        self.data = data
        self.data.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> "RedisServer":
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.data),
                   "--appendonly", "yes", "--appendfsync", "always", "--save", ""]  # fmt: skip
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 20
        while not answers(self.url()):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.1)
        return self

    def stop(self) -> None:
        """Stop this Redis (SIGTERM: it writes its append-only file and exits), as an operator would."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None
