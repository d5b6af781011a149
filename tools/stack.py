"""Start the real Rasa server and action server on loopback ports (tests and benchmarks)."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import requests

ROOT = Path(__file__).resolve().parents[1]
BOT = ROOT / "bot"
RASA = ROOT / ".venvs" / "rasa" / "bin" / "rasa"
STARTUP_SECONDS = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def train_model() -> Path:
    """The Rasa model for the current data, trained once per fingerprint by scripts/train_rasa.sh."""
    out = subprocess.run([str(ROOT / "scripts" / "train_rasa.sh")], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"rasa train failed:\n{out.stderr[-4000:]}")
    return Path(out.stdout.strip().splitlines()[-1])


def _wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float = STARTUP_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} process exited early:\n{log.read_text()[-4000:]}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError(f"{url} did not come up in {timeout}s:\n{log.read_text()[-4000:]}")


class Stack:
    """A running assistant reachable over the REST channel."""

    def __init__(self, rasa_url: str, action_url: str, workdir: Path):
        self.rasa_url = rasa_url
        self.action_url = action_url
        self.workdir = workdir

    def send(self, sender: str, text: str) -> requests.Response:
        return requests.post(f"{self.rasa_url}/webhooks/rest/webhook",
                             json={"sender": sender, "message": text}, timeout=60)

    def say(self, sender: str, text: str) -> List[Dict]:
        response = self.send(sender, text)
        assert response.status_code == 200, response.text
        return response.json()


def _start(cmd: List[str], cwd: Path, env: Dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


@contextlib.contextmanager
def running_stack(model: Path, database_url: str, workdir: Path, scorer_path: Optional[Path] = None,
                  endpoints_extra: str = "", credentials: Optional[Path] = None,
                  env_extra: Optional[Dict[str, str]] = None) -> Iterator[Stack]:
    """Both servers up and answering; stopped again on exit.

    ``credentials``: the channels file (default bot/credentials.yml); ``env_extra``: variables for
    both servers (the Slack and Telegram connectors read their secrets from the environment).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    action_port, rasa_port = free_port(), free_port()
    env = dict(os.environ, PYTHONPATH=str(BOT), CONCIERGE_DATABASE_URL=database_url,
               CONCIERGE_SCORER_PATH=str(scorer_path or workdir / "no-scorer"),
               SQLALCHEMY_SILENCE_UBER_WARNING="1")
    env.update(env_extra or {})
    actions = _start([sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(action_port)],
                     BOT, env, workdir / "actions.log")
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n{endpoints_extra}')
    rasa = _start([str(RASA), "run", "--model", str(model), "--port", str(rasa_port), "-i", "127.0.0.1",
                   "--endpoints", str(endpoints), "--credentials", str(credentials or BOT / "credentials.yml")],
                  BOT, env, workdir / "rasa.log")
    try:
        _wait_for(f"http://127.0.0.1:{action_port}/health", actions, workdir / "actions.log")
        _wait_for(f"http://127.0.0.1:{rasa_port}/", rasa, workdir / "rasa.log")
        stack = Stack(f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{action_port}", workdir)
        _wait_until_answering(stack)
        yield stack
    finally:
        for process in (rasa, actions):
            process.terminate()
        for process in (rasa, actions):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_until_answering(stack: Stack) -> None:
    """Until a shopping turn is answered (the action server builds its runtime in the background)."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            response = stack.send("warm-up", "show me tablets")
            if response.status_code == 200 and response.json():
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError("Rasa never answered on the REST channel")
