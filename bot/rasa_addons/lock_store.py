"""A Redis lock store whose per-conversation lock is atomic and expires in seconds.

Rasa's ``RedisLockStore`` keeps a ticket queue per conversation as JSON and updates it with
``GET`` then ``SET``: two Rasa processes that take a ticket at the same moment can both read the
same queue, both write it back and both believe they hold the conversation; and a ticket lives
``TICKET_LOCK_LIFETIME`` (60 s), so a process that dies mid-turn blocks that conversation for a
minute.

``AtomicRedisLockStore`` keeps Rasa's interface (``async with lock_store.lock(conversation_id)``,
which is all Rasa's processor and HTTP API call) but takes the lock with one atomic command::

    SET <prefix>lock:held:<conversation_id> <random token> NX PX <expiry ms>

and releases it only if it still holds it (a Lua compare-and-delete), so a holder whose lock
expired can never delete the next holder's lock. The expiry is short (``expiry_seconds``, 5 by
default); while a turn runs, a background thread of the process renews it every third of that
(a Lua compare-and-``PEXPIRE``), so a long turn keeps its lock and a crashed process's lock is
gone within ``expiry_seconds``. Renewal stops after ``max_hold_seconds`` (60 by default): even a
wedged process frees the conversation then. The renewal runs on a thread, not on the event loop,
so a turn that blocks the loop (model inference) does not lose its lock.

Waiters poll (every ``poll_seconds``, 0.02 by default, growing to 0.1) for at most
``lock_lifetime`` seconds (Rasa's argument, 60 by default) and then get Rasa's ``LockError``.
Within one process, waiters for one conversation queue in arrival order (an ``asyncio.Lock``
per conversation) before they try Redis; across processes the order is not guaranteed.

Use it in ``endpoints.yml`` with the keys of ``type: redis``::

    lock_store:
      type: rasa_addons.lock_store.AtomicRedisLockStore
      url: ${REDIS_HOST}
      port: ${REDIS_PORT}
      db: 1
      expiry_seconds: 5        # optional
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Dict, Optional, Text, Tuple

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore

logger = logging.getLogger(__name__)

DEFAULT_EXPIRY_SECONDS = 5.0
DEFAULT_MAX_HOLD_SECONDS = 60.0
DEFAULT_POLL_SECONDS = 0.02
MAX_POLL_SECONDS = 0.1

# KEYS[1] = lock key, ARGV[1] = holder's token
RELEASE_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""
# KEYS[1] = lock key, ARGV[1] = holder's token, ARGV[2] = new expiry in ms
RENEW_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

_REDIS_KEYS = (
    "db",
    "username",
    "password",
    "use_ssl",
    "ssl_certfile",
    "ssl_keyfile",
    "ssl_ca_certs",
    "key_prefix",
    "socket_timeout",
)


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` with an atomic, holder-only-release, short-expiry lock per conversation."""

    def __init__(
        self,
        endpoint_config: Optional[Any] = None,
        host: Text = "localhost",
        port: int = 6379,
        expiry_seconds: float = DEFAULT_EXPIRY_SECONDS,
        max_hold_seconds: float = DEFAULT_MAX_HOLD_SECONDS,
        poll_seconds: float = DEFAULT_POLL_SECONDS,
        **redis_kwargs: Any,
    ) -> None:
        if endpoint_config is not None:  # Rasa passes the endpoints.yml section
            options = dict(endpoint_config.kwargs or {})
            host = endpoint_config.url or host
            port = options.pop("port", port)
            expiry_seconds = options.pop("expiry_seconds", expiry_seconds)
            max_hold_seconds = options.pop("max_hold_seconds", max_hold_seconds)
            poll_seconds = options.pop("poll_seconds", poll_seconds)
            unknown = sorted(set(options) - set(_REDIS_KEYS))
            if unknown:
                logger.warning("lock_store: ignoring unknown keys %s", ", ".join(unknown))
            redis_kwargs = {k: v for k, v in options.items() if k in _REDIS_KEYS}
        self.expiry_seconds = float(expiry_seconds)
        self.max_hold_seconds = float(max_hold_seconds)
        self.poll_seconds = float(poll_seconds)
        if not 0.1 <= self.expiry_seconds <= 600:
            raise ValueError(f"lock_store expiry_seconds must be between 0.1 and 600, not {expiry_seconds}")
        if "use_ssl" in redis_kwargs and isinstance(redis_kwargs["use_ssl"], str):
            redis_kwargs["use_ssl"] = redis_kwargs["use_ssl"].strip().lower() in {"1", "true", "yes"}
        super().__init__(host=host, port=int(port), **redis_kwargs)
        self._release = self.red.register_script(RELEASE_SCRIPT)
        self._renew = self.red.register_script(RENEW_SCRIPT)
        # in-process FIFO per conversation: conversation_id -> (asyncio.Lock, users)
        self._local: Dict[Text, Tuple[asyncio.Lock, int]] = {}
        # locks this process holds: key -> (token, hold deadline); renewed by one thread
        self._held: Dict[Text, Tuple[Text, float]] = {}
        self._held_guard = threading.Lock()
        self._wake = threading.Event()
        self._renewer: Optional[threading.Thread] = None
        logger.info(
            "AtomicRedisLockStore: atomic per-conversation locks, %.1fs expiry renewed while a turn runs",
            self.expiry_seconds,
        )

    # -- the lock Rasa uses ---------------------------------------------------------------
    def held_key(self, conversation_id: Text) -> Text:
        """The Redis key of ``conversation_id``'s lock."""
        return f"{self.key_prefix}held:{conversation_id}"

    def try_acquire(self, conversation_id: Text) -> Optional[Text]:
        """One atomic attempt: the holder's token if the lock was free, else None."""
        token = uuid.uuid4().hex
        expiry_ms = max(1, int(self.expiry_seconds * 1000))
        if self.red.set(self.held_key(conversation_id), token, nx=True, px=expiry_ms):
            self._track(self.held_key(conversation_id), token)
            return token
        return None

    def release(self, conversation_id: Text, token: Text) -> bool:
        """Delete the lock if ``token`` still holds it; True if it did."""
        key = self.held_key(conversation_id)
        with self._held_guard:
            if self._held.get(key, (None,))[0] == token:
                del self._held[key]
        return bool(self._release(keys=[key], args=[token]))

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: Text,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        """Hold ``conversation_id``'s lock for the block; wait at most ``lock_lifetime`` seconds.

        ``wait_time_in_seconds`` (Rasa's polling interval for its ticket lock) caps the poll
        interval here.
        """
        local = self._enter_local(conversation_id)
        try:
            async with local:
                token = await self._acquire(conversation_id, lock_lifetime, wait_time_in_seconds)
                try:
                    yield TicketLock(conversation_id)
                finally:
                    try:
                        if not self.release(conversation_id, token):
                            logger.warning(
                                "the lock of a conversation had expired before its turn ended "
                                "(took longer than max_hold_seconds=%s or Redis was unreachable)",
                                self.max_hold_seconds,
                            )
                    except Exception as error:  # Redis down: the lock expires by itself
                        logger.warning("could not release a conversation lock (%s); it expires in %.1fs",
                                       error, self.expiry_seconds)
        finally:
            self._leave_local(conversation_id)

    async def _acquire(self, conversation_id: Text, lock_lifetime: float, cap: float) -> Text:
        deadline = time.monotonic() + max(float(lock_lifetime), 0.0)
        delay = self.poll_seconds
        cap = max(min(float(cap or MAX_POLL_SECONDS), MAX_POLL_SECONDS), 0.001)
        while True:
            try:
                token = self.try_acquire(conversation_id)
            except Exception as error:
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}': {error}")
            if token is not None:
                return token
            if time.monotonic() >= deadline:
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
            await asyncio.sleep(min(delay, max(deadline - time.monotonic(), 0.0)) or 0.001)
            delay = min(delay * 1.5, cap)

    def _enter_local(self, conversation_id: Text) -> asyncio.Lock:
        local, users = self._local.get(conversation_id, (None, 0))
        if local is None:
            local = asyncio.Lock()
        self._local[conversation_id] = (local, users + 1)
        return local

    def _leave_local(self, conversation_id: Text) -> None:
        local, users = self._local[conversation_id]
        if users <= 1:
            del self._local[conversation_id]
        else:
            self._local[conversation_id] = (local, users - 1)

    # -- renewal ----------------------------------------------------------------------------
    def _track(self, key: Text, token: Text) -> None:
        with self._held_guard:
            self._held[key] = (token, time.monotonic() + self.max_hold_seconds)
            if self._renewer is None or not self._renewer.is_alive():
                self._renewer = threading.Thread(target=self._renew_forever, name="lock-renewer", daemon=True)
                self._renewer.start()
        self._wake.set()

    def _renew_forever(self) -> None:
        interval = self.expiry_seconds / 3
        expiry_ms = max(1, int(self.expiry_seconds * 1000))
        while True:
            self._wake.wait(interval)
            self._wake.clear()
            with self._held_guard:
                held = list(self._held.items())
            now = time.monotonic()
            for key, (token, until) in held:
                if now >= until:
                    with self._held_guard:
                        if self._held.get(key, (None,))[0] == token:
                            del self._held[key]
                    logger.warning("stopped renewing a conversation lock held longer than %ss",
                                   self.max_hold_seconds)
                    continue
                try:
                    if not self._renew(keys=[key], args=[token, expiry_ms]):
                        with self._held_guard:
                            if self._held.get(key, (None,))[0] == token:
                                del self._held[key]
                except Exception as error:  # keep trying: the lock may survive a short outage
                    logger.warning("could not renew a conversation lock (%s)", error)

    # -- Rasa's ticket API, for anything that calls it directly ----------------------------
    def is_someone_waiting(self, conversation_id: Text) -> bool:
        return bool(self.red.exists(self.held_key(conversation_id))) or conversation_id in self._local
