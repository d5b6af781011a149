"""Load benchmark of the production configuration: sustained turns/s, latency, errors, memory.

Two Rasa replicas (bot/endpoints.production.yml: SQL tracker store, atomic Redis lock store) and
two action servers, all on one PostgreSQL database and one Redis of the benchmark's own, on
loopback. Rasa replica i calls action server i. For each level (10, 50 and 200 concurrent
conversations by default) every conversation is a shopper who sends a message, waits for the
answer and sends the next, for ``--seconds``; the client itself balances the load, round robin
turn by turn over the two Rasa ports, so consecutive messages of one conversation land on
different replicas (no sticky sessions: the shared tracker store and lock make that safe).

A turn is an error when its reply is not HTTP 200 with at least one message, or takes over
``--timeout`` seconds. Turns/s counts answered turns that ended inside the level's window.
Memory: the largest resident set (RSS, process and children, from /proc) seen per process.

Usage: python -m tools.load_bench [--levels 10,50,200] [--seconds 30] [--timeout 30] [--no-write]
(`make load-bench`; the model: CONCIERGE_TEST_MODEL, else scripts/train_rasa.sh's).
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from tools.report import write_section
from tools.stack import BOT, ROOT, PrivatePostgres, PrivateRedis, ProductionStack, production_stack, train_model

SCRIPT = [  # one shopper's conversation, repeated: shopping turns, follow-ups and small talk
    "hello",
    "headphones under 200",
    "cheaper",
    "a laptop with a long battery under $1500",
    "show me more",
    "what can you do?",
    "a phone under $500 with a great camera",
    "thanks",
]


@dataclass
class Turn:
    started: float
    ended: float
    status: int  # HTTP status; 0: no answer (timeout, connection error)
    ok: bool

    @property
    def latency_ms(self) -> float:
        return (self.ended - self.started) * 1000


@dataclass
class Level:
    conversations: int
    seconds: float
    turns: List[Turn] = field(default_factory=list)
    memory: Dict[str, int] = field(default_factory=dict)
    load_before: Tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: Tuple[float, float, float] = (0.0, 0.0, 0.0)


# -- a small HTTP/1.1 client on asyncio streams (keep-alive, Content-Length or chunked) -------------
class Connection:
    def __init__(self, port: int, headers: Dict[str, str]):
        self.port = port
        self.headers = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.reader: Optional[asyncio.StreamReader] = None
        self.writer: Optional[asyncio.StreamWriter] = None

    async def post_json(self, path: str, payload: dict) -> Tuple[int, bytes]:
        body = json.dumps(payload).encode()
        request = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nContent-Type: application/json\r\n"
                   f"Content-Length: {len(body)}\r\n{self.headers}Connection: keep-alive\r\n\r\n").encode() + body
        for attempt in (1, 2):  # a keep-alive connection the server closed meanwhile: reconnect once
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            try:
                assert self.reader is not None
                self.writer.write(request)
                await self.writer.drain()
                return await self._response()
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _response(self) -> Tuple[int, bytes]:
        assert self.reader is not None
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:] if ":" in line)}
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                body += chunk[:-2]
        else:
            body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def conversation(ports: List[int], headers: Dict[str, str], rotation, deadline: float, timeout: float,
                       turns: List[Turn]) -> None:
    sender = f"load-{uuid.uuid4().hex[:12]}"
    connections = {port: Connection(port, headers) for port in ports}
    try:
        for step in itertools.count():
            if time.monotonic() >= deadline:
                return
            connection = connections[next(rotation)]
            started = time.monotonic()
            status, ok = 0, False
            try:
                status, body = await asyncio.wait_for(
                    connection.post_json("/webhooks/rest/webhook",
                                         {"sender": sender, "message": SCRIPT[step % len(SCRIPT)]}), timeout)
                ok = status == 200 and bool(json.loads(body or b"[]"))
            except (asyncio.TimeoutError, OSError, ValueError, asyncio.IncompleteReadError):
                connection.close()
            turns.append(Turn(started, time.monotonic(), status, ok))
    finally:
        for connection in connections.values():
            connection.close()


async def run_level(stack: ProductionStack, conversations: int, seconds: float, timeout: float) -> Level:
    level = Level(conversations, seconds, load_before=os.getloadavg())
    ports = [server.port for server in stack.rasa]
    rotation = itertools.cycle(ports)  # the client's round robin over the Rasa replicas
    start = time.monotonic()
    deadline = start + seconds
    tasks = [asyncio.create_task(conversation(ports, stack.rest_headers, rotation, deadline, timeout, level.turns))
             for _ in range(conversations)]
    peak: Dict[str, int] = {}
    while not all(task.done() for task in tasks):
        for name, rss in stack.memory().items():
            peak[name] = max(peak.get(name, 0), rss)
        await asyncio.sleep(1)
    await asyncio.gather(*tasks)
    level.memory = peak
    level.load_after = os.getloadavg()
    level.seconds = seconds
    for turn in level.turns:  # window start, for the turns/s below
        turn.started -= start
        turn.ended -= start
    return level


# -- figures ------------------------------------------------------------------------------------------
def percentile(values: List[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summarise(level: Level) -> Dict[str, float]:
    answered = [t for t in level.turns if t.ok]
    in_window = [t for t in answered if t.ended <= level.seconds]
    latencies = [t.latency_ms for t in answered]
    errors = [t for t in level.turns if not t.ok]
    return {
        "conversations": level.conversations,
        "turns": len(level.turns),
        "turns_per_s": len(in_window) / level.seconds,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "error_rate": len(errors) / max(1, len(level.turns)),
        "timeouts": sum(1 for t in errors if t.status == 0),
        "non_200": sum(1 for t in errors if t.status not in (0, 200)),
        "empty_200": sum(1 for t in errors if t.status == 200),
    }


def render(levels: List[Level], args: argparse.Namespace, startup: Dict[str, float], command: str) -> str:
    rows = [summarise(level) for level in levels]
    names = sorted({name for level in levels for name in level.memory})
    lines = [
        f"Command: `{command}`. The production configuration on loopback: 2 Rasa replicas "
        "(bot/endpoints.production.yml: SQL tracker store on PostgreSQL, atomic Redis lock store) and 2 action "
        "servers, one PostgreSQL 15 database (demo catalog, 2,000 shoppers' interaction log) and one Redis, all on "
        "this machine. Each conversation sends its next message when the last was answered; the client "
        "alternates between the two Rasa ports turn by turn (round robin, no sticky sessions). "
        f"{args.seconds:g} s per level, turn timeout {args.timeout:g} s; an error is a reply other than HTTP 200 "
        "with a message, or a timeout. Turns/s: answered turns that ended inside the window. Messages: "
        + ", ".join(f'"{m}"' for m in SCRIPT) + ", repeated.",
        "",
        "| concurrent conversations | turns/s | p50 ms | p95 ms | p99 ms | error rate | timeouts | non-200 | "
        "load avg (1 min) at the level's start → end |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row, level in zip(rows, levels):
        lines.append(
            f"| {row['conversations']} | {row['turns_per_s']:.1f} | {row['p50_ms']:.0f} | {row['p95_ms']:.0f} | "
            f"{row['p99_ms']:.0f} | {row['error_rate']:.1%} | {row['timeouts']} | {row['non_200'] + row['empty_200']} | "
            f"{level.load_before[0]:.2f} → {level.load_after[0]:.2f} |")
    lines += ["", "Largest resident memory (RSS) per process during each level, MB:", "",
              "| concurrent conversations | " + " | ".join(names) + " |",
              "|---:|" + "---:|" * len(names)]
    for level in levels:
        lines.append(f"| {level.conversations} | "
                     + " | ".join(f"{level.memory.get(n, 0) / 2**20:.0f}" for n in names) + " |")
    lines += ["", f"Start-up: {startup['seconds']:.0f} s until all four servers answered. "
              f"Load average before the run: {startup['load'][0]:.2f} / {startup['load'][1]:.2f} / "
              f"{startup['load'][2]:.2f} (1/5/15 min), before the benchmark's own processes, on a machine shared with "
              "other jobs; the load averages of the table include the benchmark's own servers and client. All "
              "four servers, PostgreSQL, Redis and the client share this machine's cores: where turns/s stops "
              "growing with the number of conversations the cores are saturated, and latency then grows with the "
              "queue. Replicas add throughput when they get cores of their own."]
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="10,50,200", help="concurrent conversations per level")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each level (at most 60)")
    parser.add_argument("--timeout", type=float, default=30.0, help="a turn slower than this is an error")
    parser.add_argument("--no-write", action="store_true", help="print the figures, leave docs/benchmarks.md")
    args = parser.parse_args(argv)
    args.seconds = min(args.seconds, 60.0)
    levels = [int(n) for n in args.levels.split(",") if n.strip()]
    pinned = os.environ.get("CONCIERGE_TEST_MODEL")
    model = Path(pinned) if pinned else train_model()

    postgres, lock_redis = PrivatePostgres(), PrivateRedis()
    postgres.start()
    lock_redis.start()
    results: List[Level] = []
    try:
        database = postgres.create_database("concierge")
        subprocess.run([sys.executable, "-m", "recommender", "load-demo", "--database-url", database],
                       cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(BOT)), check=True, capture_output=True)
        startup_load = os.getloadavg()
        started = time.monotonic()
        with production_stack(model, database, Path(tempfile.mkdtemp(prefix="concierge-load-")),
                              rasa_replicas=2, action_replicas=2, redis_port=lock_redis.port) as stack:
            startup = {"seconds": time.monotonic() - started, "load": startup_load}
            for conversations in levels:
                level = asyncio.run(run_level(stack, conversations, args.seconds, args.timeout))
                results.append(level)
                print(json.dumps({**summarise(level), "memory_mb": {k: round(v / 2**20) for k, v in level.memory.items()},
                                  "load": level.load_after}), flush=True)
    finally:
        lock_redis.stop()
        postgres.close()
    command = "make load-bench" if os.environ.get("MAKELEVEL") else "python -m tools.load_bench " + " ".join(
        argv if argv is not None else sys.argv[1:])
    body = render(results, args, startup, command.strip())
    print(body)
    if not args.no_write:
        write_section("load", "## Load: two Rasa and two action-server replicas\n\n" + body)
    return 0 if results and statistics.mean(summarise(r)["turns_per_s"] for r in results) > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
