"""Run by test_lock_store.py with the *Rasa* interpreter (.venvs/rasa, Python 3.10).

Creates bot/rasa_addons' lock store the way Rasa does (``LockStore.create`` on the endpoints.yml
section), against the real Redis, and prints one JSON line of findings. Usage:
    python lock_store_probe.py '<endpoint config as JSON>' <check>
with check one of: race, exclusive, renew, crash, holder_only, timeout.
"""
from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
import uuid


def make_store(config: dict):
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import EndpointConfig

    return LockStore.create(EndpointConfig.from_dict(dict(config)))


def race(config: dict, rounds: int = 300) -> dict:
    """Two stores (two clients) try to take one fresh conversation's lock at the same instant."""
    first, second = make_store(config), make_store(config)
    both = winners_none = 0
    for _ in range(rounds):
        conversation = f"race-{uuid.uuid4().hex}"
        barrier = threading.Barrier(2)
        got = [None, None]

        def attempt(index: int, store) -> None:
            barrier.wait()
            got[index] = store.try_acquire(conversation)

        threads = [threading.Thread(target=attempt, args=(i, s)) for i, s in enumerate((first, second))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        winners = sum(token is not None for token in got)
        both += winners == 2
        winners_none += winners == 0
        for store, token in zip((first, second), got):
            if token is not None:
                store.release(conversation, token)
    return {"class": type(first).__name__, "rounds": rounds, "both": both, "none": winners_none}


def _exclusive_worker(config: dict, conversation: str, rounds: int, tasks: int, queue) -> None:
    store = make_store(config)
    red = store.red
    inside_key, counter_key = f"{conversation}:inside", f"{conversation}:counter"

    async def task() -> tuple:
        overlaps = 0
        for _ in range(rounds):
            async with store.lock(conversation, lock_lifetime=60):
                if red.incr(inside_key) != 1:
                    overlaps += 1
                value = int(red.get(counter_key) or 0)  # a read-modify-write only a lock makes safe
                await asyncio.sleep(0.001)
                red.set(counter_key, value + 1)
                red.decr(inside_key)
        return overlaps

    async def main() -> int:
        return sum(await asyncio.gather(*(task() for _ in range(tasks))))

    queue.put(asyncio.run(main()))


def exclusive(config: dict, processes: int = 3, tasks: int = 3, rounds: int = 40) -> dict:
    """Several processes, several tasks each, one conversation: never two holders at once."""
    conversation = f"excl-{uuid.uuid4().hex}"
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [context.Process(target=_exclusive_worker, args=(config, conversation, rounds, tasks, queue))
               for _ in range(processes)]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    overlaps = sum(queue.get(timeout=240) for _ in workers)
    for worker in workers:
        worker.join(30)
    store = make_store(config)
    counter = int(store.red.get(f"{conversation}:counter") or 0)
    store.red.delete(f"{conversation}:counter", f"{conversation}:inside")
    return {"overlaps": overlaps, "counter": counter, "expected": processes * tasks * rounds,
            "exit_codes": [w.exitcode for w in workers], "seconds": round(time.monotonic() - started, 2),
            "left_behind": bool(store.red.exists(store.held_key(conversation)))}


def renew(config: dict) -> dict:
    """A turn that runs for three expiries keeps its lock (renewed), even with the loop blocked."""
    holder, other = make_store(config), make_store(config)
    conversation = f"renew-{uuid.uuid4().hex}"
    stolen = []

    async def main() -> None:
        async with holder.lock(conversation):
            end = time.monotonic() + 3 * holder.expiry_seconds
            while time.monotonic() < end:
                time.sleep(0.05)  # blocks the event loop like model inference would
                token = other.try_acquire(conversation)
                if token:
                    stolen.append(token)
                    other.release(conversation, token)

    asyncio.run(main())
    return {"stolen": len(stolen), "released": not holder.red.exists(holder.held_key(conversation))}


CHILD = """
import asyncio, json, sys, time
sys.path.insert(0, 'bot')
from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import EndpointConfig
store = LockStore.create(EndpointConfig.from_dict(json.loads(sys.argv[1])))
async def main():
    async with store.lock(sys.argv[2]):
        print('HELD', flush=True)
        await asyncio.sleep(600)
asyncio.run(main())
"""


def crash(config: dict) -> dict:
    """A holder killed with SIGKILL mid-turn: its lock is free within expiry_seconds."""
    conversation = f"crash-{uuid.uuid4().hex}"
    child = subprocess.Popen([sys.executable, "-W", "ignore", "-c", CHILD, json.dumps(config), conversation],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                             env=dict(os.environ))
    line = child.stdout.readline()
    if line.strip() != "HELD":
        child.kill()
        return {"error": f"child did not take the lock: {line!r}"}
    store = make_store(config)
    time.sleep(2 * store.expiry_seconds)  # past one expiry: still held, because it is renewed
    held_while_alive = store.try_acquire(conversation) is None
    child.send_signal(signal.SIGKILL)
    child.wait()
    killed = time.monotonic()

    async def take() -> float:
        async with store.lock(conversation, lock_lifetime=60):
            return time.monotonic() - killed

    waited = asyncio.run(take())
    return {"held_while_alive": held_while_alive, "freed_after": round(waited, 3),
            "expiry_seconds": store.expiry_seconds}


def holder_only(config: dict) -> dict:
    """Only the holder's token releases the lock; a stale holder can't free the next one's."""
    first, second = make_store(config), make_store(config)
    conversation = f"holder-{uuid.uuid4().hex}"
    old = first.try_acquire(conversation)
    wrong_release = second.release(conversation, "not-the-token")
    still_held = second.try_acquire(conversation) is None
    first._held.clear()  # stop renewing, then let it expire as if the holder had stalled
    first.red.pexpire(first.held_key(conversation), 1)
    time.sleep(0.05)
    new = second.try_acquire(conversation)
    stale_release = first.release(conversation, old)
    new_still_held = first.try_acquire(conversation) is None
    released = second.release(conversation, new)
    return {"first": bool(old), "wrong_release": wrong_release, "still_held": still_held, "second": bool(new),
            "stale_release": stale_release, "new_still_held": new_still_held, "released": released}


def timeout(config: dict) -> dict:
    """A waiter gives up with Rasa's LockError after lock_lifetime seconds."""
    from rasa.core.lock_store import LockError

    first, second = make_store(config), make_store(config)
    conversation = f"timeout-{uuid.uuid4().hex}"
    token = first.try_acquire(conversation)

    async def wait() -> str:
        started = time.monotonic()
        try:
            async with second.lock(conversation, lock_lifetime=0.5):
                return "acquired"
        except LockError:
            return f"LockError after {time.monotonic() - started:.2f}s"

    outcome = asyncio.run(wait())
    first.release(conversation, token)
    return {"outcome": outcome}


if __name__ == "__main__":
    sys.path.insert(0, "bot")
    config, check = json.loads(sys.argv[1]), sys.argv[2]
    found = globals()[check](config)
    print("PROBE " + json.dumps(found), flush=True)
    os._exit(0)  # the renewer threads are daemons; don't wait on them
