"""Start the real Rasa server and action server on loopback ports (tests and benchmarks).

``running_stack``: one Rasa and one action server, local endpoints (in-memory tracker store unless
``endpoints_extra`` says otherwise). ``production_stack``: the production configuration
(bot/endpoints.production.yml read from the environment: SQL tracker store on PostgreSQL, atomic
Redis lock store) with any number of Rasa and action-server replicas, each a ``Server`` a fault test
can kill, restart or measure. ``PrivatePostgres`` / ``PrivateRedis``: throwaway PostgreSQL and
Redis servers of a test's own, which it may stop and restart without disturbing anyone else.
"""
from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence

import requests

ROOT = Path(__file__).resolve().parents[1]
BOT = ROOT / "bot"
RASA = ROOT / ".venvs" / "rasa" / "bin" / "rasa"
STARTUP_SECONDS = 240
TOKEN_HEADER = "X-Concierge-Token"


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


def _tail(log: Path) -> str:
    try:
        return log.read_text(errors="replace")[-4000:]
    except OSError:
        return "(no log)"


def _wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float = STARTUP_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} process exited early:\n{_tail(log)}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError(f"{url} did not come up in {timeout}s:\n{_tail(log)}")


def action_server_command(port: int) -> List[str]:
    """The action server's command line: its launcher (bot/actions/server.py: one process, loopback,
    the ``CONCIERGE_ACTION_TOKEN`` secret required on every call but GET /health)."""
    return [sys.executable, "-m", "actions.server", "--port", str(port)]


class Stack:
    """A running assistant reachable over the REST channel."""

    def __init__(self, rasa_url: str, action_url: str, workdir: Path, action_token: str = ""):
        self.rasa_url = rasa_url
        self.action_url = action_url
        self.workdir = workdir
        #: the secret the action server wants in ``X-Concierge-Token``
        self.action_token = action_token

    def send(self, sender: str, text: str) -> requests.Response:
        return requests.post(f"{self.rasa_url}/webhooks/rest/webhook",
                             json={"sender": sender, "message": text}, timeout=60)

    def say(self, sender: str, text: str) -> List[Dict]:
        response = self.send(sender, text)
        assert response.status_code == 200, response.text
        return response.json()


def _start(cmd: List[str], cwd: Path, env: Dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log.open("a"), stderr=subprocess.STDOUT)


def _action_endpoint(port: int, token: str) -> str:
    return (f'action_endpoint:\n  url: "http://127.0.0.1:{port}/webhook"\n'
            f'  headers:\n    {TOKEN_HEADER}: "{token}"\n')


@contextlib.contextmanager
def running_stack(model: Path, database_url: str, workdir: Path, scorer_path: Optional[Path] = None,
                  endpoints_extra: str = "", credentials: Optional[Path] = None,
                  env_extra: Optional[Dict[str, str]] = None) -> Iterator[Stack]:
    """Both servers up and answering; stopped again on exit.

    ``credentials``: the channels file (default bot/credentials.yml); ``env_extra``: variables for
    both servers (the Slack and Telegram connectors read their secrets from the environment).
    The action server gets a fresh token (``stack.action_token``), which Rasa sends it.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    action_port, rasa_port = free_port(), free_port()
    token = secrets.token_hex(24)
    env = dict(os.environ, PYTHONPATH=str(BOT), CONCIERGE_DATABASE_URL=database_url,
               CONCIERGE_SCORER_PATH=str(scorer_path or workdir / "no-scorer"),
               CONCIERGE_ACTION_TOKEN=token, SQLALCHEMY_SILENCE_UBER_WARNING="1")
    env.pop("CONCIERGE_REST_TOKEN", None)  # Stack.send sends none: a token exported by a developer would 401 every call
    env.update(env_extra or {})
    actions = _start(action_server_command(action_port), BOT, env, workdir / "actions.log")
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(_action_endpoint(action_port, token) + endpoints_extra)
    rasa = _start([str(RASA), "run", "--model", str(model), "--port", str(rasa_port), "-i", "127.0.0.1",
                   "--endpoints", str(endpoints), "--credentials", str(credentials or BOT / "credentials.yml")],
                  BOT, env, workdir / "rasa.log")
    try:
        _wait_for(f"http://127.0.0.1:{action_port}/health", actions, workdir / "actions.log")
        _wait_for(f"http://127.0.0.1:{rasa_port}/", rasa, workdir / "rasa.log")
        stack = Stack(f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{action_port}", workdir, token)
        _wait_until_answering(stack)
        yield stack
    finally:
        stop_processes([rasa, actions])


def stop_processes(processes: List[subprocess.Popen], timeout: float = 20) -> None:
    """SIGTERM to all, then wait for each; one that outlives ``timeout`` is killed."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_until_answering(stack, sender: str = "warm-up", timeout: float = STARTUP_SECONDS) -> None:
    """Until a shopping turn is answered (the action server builds its runtime in the background)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            response = stack.send(sender, "show me tablets")
            if response.status_code == 200 and response.json():
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError("Rasa never answered on the REST channel")


# -- processes a test can kill and start again ----------------------------------------------------
def process_tree_rss(pid: int) -> int:
    """Resident memory (bytes) of ``pid`` and all its descendants, from /proc (0 when gone)."""
    children: Dict[int, List[int]] = {}
    for status in glob.glob("/proc/[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in Path(status).read_text().splitlines() if ":" in line)
            children.setdefault(int(fields["PPid"]), []).append(int(fields["Pid"]))
        except (OSError, KeyError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
        todo.extend(children.get(current, []))
    return total


class Server:
    """One server process: started, killed and started again on the same port and command line."""

    def __init__(self, name: str, cmd: Sequence[str], cwd: Path, env: Dict[str, str], log: Path,
                 port: int, health_path: str):
        self.name, self.cmd, self.cwd, self.env, self.log = name, list(cmd), cwd, env, log
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.health_path = health_path
        self.process: Optional[subprocess.Popen] = None

    @property
    def pid(self) -> Optional[int]:
        return self.process.pid if self.process else None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> "Server":
        if self.alive():
            raise RuntimeError(f"{self.name} is already running")
        with self.log.open("a") as log:
            log.write(f"\n===== {self.name} started {time.strftime('%H:%M:%S')} =====\n")
        self.process = _start(self.cmd, self.cwd, self.env, self.log)
        return self

    def wait_up(self, timeout: float = STARTUP_SECONDS) -> None:
        """Until GET ``health_path`` answers 200; raises with the log's tail otherwise."""
        assert self.process is not None
        _wait_for(self.url + self.health_path, self.process, self.log, timeout)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` (SIGKILL: no clean-up at all) and wait for the process to end."""
        if self.alive():
            assert self.process is not None
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def stop(self) -> None:
        self.kill(signal.SIGTERM)

    def restart(self, timeout: float = STARTUP_SECONDS) -> None:
        self.kill()
        self.start()
        self.wait_up(timeout)

    def rss_bytes(self) -> int:
        return process_tree_rss(self.pid) if self.alive() and self.pid else 0

    def tail(self) -> str:
        return _tail(self.log)


def production_env(database_url: str, action_url: str, action_token: str, rasa_token: str,
                   redis_host: str = "127.0.0.1", redis_port: int = 6379, redis_password: str = "",
                   rest_token: str = "", web_session_secret: str = "") -> Dict[str, str]:
    """The variables bot/endpoints.production.yml, the channels and scripts/prod.sh read, for one Rasa."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    return {
        "ACTION_ENDPOINT_URL": action_url,
        "CONCIERGE_ACTION_TOKEN": action_token,
        "RASA_TOKEN": rasa_token,
        "DB_HOST": url.host or "127.0.0.1",
        "DB_PORT": str(url.port or 5432),
        "DB_NAME": url.database or "",
        "DB_USER": url.username or "",
        "DB_PASSWORD": url.password or "",
        "REDIS_HOST": redis_host,
        "REDIS_PORT": str(redis_port),
        "REDIS_PASSWORD": redis_password,
        "CONCIERGE_REST_TOKEN": rest_token,  # the REST channel wants "Authorization: Bearer <it>"
        "CONCIERGE_WEB_SESSION_SECRET": web_session_secret,  # the same on every replica
    }


class ProductionStack:
    """Rasa replicas and action-server replicas sharing one PostgreSQL database and one Redis."""

    def __init__(self, rasa: List[Server], actions: List[Server], database_url: str,
                 rasa_token: str, action_token: str, rest_token: str, workdir: Path):
        self.rasa, self.actions = rasa, actions
        self.database_url = database_url
        self.rasa_token, self.action_token, self.rest_token = rasa_token, action_token, rest_token
        self.workdir = workdir

    @property
    def rest_headers(self) -> Dict[str, str]:
        """What a trusted back end sends the REST channel (its token)."""
        return {"Authorization": f"Bearer {self.rest_token}"}

    @property
    def servers(self) -> List[Server]:
        return [*self.rasa, *self.actions]

    def send(self, sender: str, text: str, replica: int = 0, timeout: float = 60) -> requests.Response:
        """POST one message to Rasa replica ``replica`` over the REST channel."""
        return requests.post(f"{self.rasa[replica].url}/webhooks/rest/webhook", headers=self.rest_headers,
                             json={"sender": sender, "message": text}, timeout=timeout)

    def say(self, sender: str, text: str, replica: int = 0) -> List[Dict]:
        response = self.send(sender, text, replica)
        assert response.status_code == 200, (response.status_code, response.text)
        return response.json()

    def wait_answering(self, replica: int = 0, timeout: float = STARTUP_SECONDS) -> None:
        """Until replica ``replica`` answers a shopping turn (its action server has built its runtime)."""
        target = self

        class _One:
            def send(self, sender: str, text: str) -> requests.Response:
                return target.send(sender, text, replica, timeout=30)

        _wait_until_answering(_One(), f"warm-up-{uuid.uuid4().hex[:8]}", timeout)

    def memory(self) -> Dict[str, int]:
        """RSS bytes of every server process (with its children), by server name."""
        return {server.name: server.rss_bytes() for server in self.servers}

    def rasa_api(self, method: str, path: str, replica: int = 0, **kwargs) -> requests.Response:
        """Rasa's HTTP API (started with ``--enable-api --auth-token``), with the token."""
        params = dict(kwargs.pop("params", {}), token=self.rasa_token)
        return requests.request(method, self.rasa[replica].url + path, params=params, timeout=30, **kwargs)


@contextlib.contextmanager
def production_stack(model: Path, database_url: str, workdir: Path, rasa_replicas: int = 1,
                     action_replicas: int = 1, redis_port: int = 6379, redis_host: str = "127.0.0.1",
                     scorer_path: Optional[Path] = None, env_extra: Optional[Dict[str, str]] = None,
                     rasa_health_path: str = "/", endpoints: Path = BOT / "endpoints.production.yml",
                     ) -> Iterator[ProductionStack]:
    """The production configuration as processes: ``rasa_replicas`` Rasa processes reading
    bot/endpoints.production.yml from their environment (tracker store in ``database_url``'s
    PostgreSQL database, lock store in Redis at ``redis_host:redis_port``) and ``action_replicas``
    action servers on the same database. Rasa replica ``i`` calls action server ``i % action_replicas``.
    ``endpoints``: another endpoints file read the same way (to compare stores). Rasa's HTTP API is on,
    with ``stack.rasa_token``; the REST channel wants ``stack.rest_token``
    (``stack.send`` sends it); all are stopped on exit.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    rasa_token, action_token, rest_token = secrets.token_hex(24), secrets.token_hex(24), secrets.token_hex(24)
    web_secret = secrets.token_hex(32)
    base = dict(os.environ, PYTHONPATH=str(BOT), CONCIERGE_DATABASE_URL=database_url,
                CONCIERGE_SCORER_PATH=str(scorer_path or workdir / "no-scorer"),
                CONCIERGE_ACTION_TOKEN=action_token, SQLALCHEMY_SILENCE_UBER_WARNING="1")
    base.update(env_extra or {})
    actions = []
    for i in range(action_replicas):
        port = free_port()
        actions.append(Server(f"actions-{i}", action_server_command(port), BOT,
                              dict(base, CONCIERGE_ACTION_PORT=str(port)), workdir / f"actions-{i}.log",
                              port, "/health"))
    rasa = []
    for i in range(rasa_replicas):
        port = free_port()
        env = dict(base, **production_env(database_url, f"{actions[i % action_replicas].url}/webhook",
                                          action_token, rasa_token, redis_host, redis_port,
                                          rest_token=rest_token, web_session_secret=web_secret))
        cmd = [str(RASA), "run", "--model", str(model), "--port", str(port), "-i", "127.0.0.1",
               "--endpoints", str(endpoints),
               "--credentials", str(BOT / "credentials.yml"), "--enable-api", "--auth-token", rasa_token]
        rasa.append(Server(f"rasa-{i}", cmd, BOT, env, workdir / f"rasa-{i}.log", port, rasa_health_path))
    stack = ProductionStack(rasa, actions, database_url, rasa_token, action_token, rest_token, workdir)
    try:
        for server in actions:
            server.start()
        for server in actions:
            server.wait_up()
        # one Rasa first: it creates the tracker store's tables, the others find them
        rasa[0].start()
        rasa[0].wait_up()
        for server in rasa[1:]:
            server.start()
        for server in rasa[1:]:
            server.wait_up()
        for i in range(rasa_replicas):
            stack.wait_answering(i)
        yield stack
    finally:
        stop_processes([server.process for server in stack.servers if server.process is not None])


# -- PostgreSQL and Redis servers of one's own ------------------------------------------------------
def _postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    if found:
        return found[-1]
    on_path = shutil.which(name)
    if not on_path:
        raise RuntimeError(f"{name} not found (Debian's postgresql package puts it in /usr/lib/postgresql/*/bin)")
    return on_path


class PrivatePostgres:
    """A throwaway PostgreSQL cluster on a free loopback port (trust auth, user postgres).

    Run as root, the cluster belongs to the ``postgres`` system user (PostgreSQL refuses root).
    ``restart()`` is ``pg_ctl restart -m fast``, what ``service postgresql restart`` does: clients
    are disconnected, committed transactions kept.
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="concierge-pg-"))
        self.data = self.dir / "data"
        self.logfile = self.dir / "postgres.log"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(_postgres_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "--no-sync", "-E", "UTF8")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def database_url(self, name: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, *cmd: str, check: bool = True) -> subprocess.CompletedProcess:
        full = ["runuser", "-u", "postgres", "--", *cmd] if self._as_postgres else list(cmd)
        out = subprocess.run(full, capture_output=True, text=True, check=False, timeout=120)
        if check and out.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stdout}\n{out.stderr}\n{_tail(self.logfile)}")
        return out

    def _pg_ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200"
        self._run(_postgres_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.logfile), "-o", options,
                  "-w", "-t", "60", *args)

    def start(self) -> None:
        self._pg_ctl("start")

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("stop", "-m", mode)

    def restart(self, mode: str = "fast") -> None:
        self._pg_ctl("restart", "-m", mode)

    def create_database(self, name: str) -> str:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return self.database_url(name)

    def close(self) -> None:
        self._run(_postgres_bin("pg_ctl"), "-D", str(self.data), "stop", "-m", "immediate", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    """A redis-server of one's own on a free loopback port (no persistence), stopped and started at will."""

    def __init__(self, port: Optional[int] = None) -> None:
        self.port = port or free_port()
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return
            time.sleep(0.1)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None
