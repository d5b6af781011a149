"""The served scorer, swapped for a newly published checkpoint while the action server runs.

``LiveScorer`` keeps one reference to the ``SequenceScorer`` being served. Between requests it checks
whether the scorer folder changed (a new ``CURRENT``, or a one-checkpoint folder rewritten: a few ``stat``
calls, at most every ``reload_seconds``); when it did, a background thread loads the new checkpoint and
checks it, and only then is the reference replaced, in one assignment. A request already running keeps the
scorer it started with, so no request waits for a load or sees half of one. A checkpoint is refused, with a
WARNING line saying why, and the served one kept, when

* it cannot be loaded (missing or corrupt files, a config that does not match the weights);
* it does not match the catalog: it knows fewer than ``min_catalog_coverage`` of the catalog's items;
* its own held-out evaluation (``meta.json`` ``holdout``, written by ``python -m recommender.seq retrain``)
  says it ranked the held-out interactions clearly worse than the model being served (``worse_reason``: more
  than ``WORSE_Z`` standard errors of the paired NDCG@10 difference below it, so that a slice of a few hundred
  cases does not refuse an equally good model for noise), or it was compared with a model other than the one
  being served now.
"""
from __future__ import annotations

import logging
import math
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Union

import numpy as np

from .checkpoint import checkpoint_id, folder_stamp, served_checkpoint, version_name
from .scorer import History, Request, SequenceScorer, open_checkpoint

log = logging.getLogger(__name__)

#: a candidate is refused as worse only when its held-out NDCG@10 lies more than this many standard errors (of
#: the paired per-case difference) below the served model's: a one-sided test at about 2.3%. Per-case NDCG@10 is
#: 0 for most cases and up to 1 for the rest, so on a slice of n cases one model's mean moves by about
#: sqrt(m (1 - m) / n) from noise alone (m its mean): 0.012 for m = 0.06 and n = 400.
WORSE_Z = 2.0


def paired_difference(new_gains: Sequence[float], served_gains: Sequence[float]) -> Dict[str, float]:
    """Mean and standard error of the per-case difference ``new - served`` of two models' NDCG@10 gains on
    the same held-out cases (in the same order)."""
    d = np.asarray(new_gains, dtype=np.float64) - np.asarray(served_gains, dtype=np.float64)
    n = len(d)
    se = float(np.std(d, ddof=1) / math.sqrt(n)) if n > 1 else math.inf
    return {"difference": float(d.mean()) if n else 0.0, "standard_error": se, "cases": n}


def worse_reason(holdout: Mapping[str, Any], z: float = WORSE_Z) -> Optional[str]:
    """Why a checkpoint's held-out comparison (``meta.json`` ``holdout``) counts as clearly worse than the
    served model, or None (better, equal, or worse by less than ``z`` standard errors: noise).

    The standard error is the paired one ``retrain`` measured (``standard_error``); a comparison that only gives
    the number of ``cases`` gets the unpaired bound ``sqrt((a (1 - a) + b (1 - b)) / cases)`` (a per-case gain in
    [0, 1] with mean a varies by at most a (1 - a)); one with neither is compared as it stands."""
    new, old = holdout.get("NDCG@10"), holdout.get("served_NDCG@10")
    if new is None or old is None:
        return None
    new, old = float(new), float(old)
    se = holdout.get("standard_error")
    cases = holdout.get("cases")
    if se is None and cases:
        se = math.sqrt(max(new * (1 - new) + old * (1 - old), 0.0) / float(cases))
    margin = 0.0 if se is None else z * float(se)  # an infinite standard error (one case) refuses nothing
    if new >= old - margin:
        return None
    size = f"{cases} cases" if cases else f"{holdout.get('events', '?')} interactions"
    return (f"it scored worse than the served model on the held-out slice (NDCG@10 {new:.4f} < {old:.4f}: "
            f"{old - new:.4f} below it, more than {z:g} standard errors ({margin:.4f}), on {size})")


class LiveScorer:
    """``score()`` / ``ascore()`` / ``score_many()`` of the currently served checkpoint (None while there is
    none: the caller's baseline ranker applies)."""

    def __init__(self, root: Union[str, Path], *, device: str = "auto", threads: Optional[int] = None,
                 batching: Optional[bool] = None, reload_seconds: float = 10.0,
                 catalog_ids: Optional[Callable[[], Iterable[str]]] = None, min_catalog_coverage: float = 0.9,
                 retire_seconds: float = 30.0, loader: Callable[..., SequenceScorer] = open_checkpoint,
                 clock: Callable[[], float] = time.monotonic):
        self.root = Path(root)
        self.device, self.threads, self.batching = device, threads, batching
        self.reload_seconds = float(reload_seconds)
        self.catalog_ids = catalog_ids
        self.min_catalog_coverage = float(min_catalog_coverage)
        self.retire_seconds = float(retire_seconds)
        self._loader, self._clock = loader, clock
        self._current: Optional[SequenceScorer] = None
        self._current_name: Optional[str] = None
        self._current_id: Optional[str] = None  # ``checkpoint_id`` of the served checkpoint
        self._stamp: Optional[tuple] = None  # the folder state last examined (served or refused)
        self._loading = threading.Lock()  # one load at a time
        self._next_check = 0.0
        #: version name -> why it was refused (the latest refusal of each)
        self.refused: Dict[str, str] = {}
        self.swaps = 0

    # ---- scoring (the contract ``SequenceRanker`` relies on) ------------------------------------------
    @property
    def current(self) -> Optional[SequenceScorer]:
        return self._current

    @property
    def version(self) -> Optional[str]:
        """The served checkpoint's version name (its folder under ``versions/``, or its path)."""
        return self._current_name

    def score(self, history: History, candidate_ids: Sequence[str]) -> Optional[np.ndarray]:
        self.check_for_update()
        scorer = self._current  # one read: this request uses this scorer to the end
        return None if scorer is None else scorer.score(history, candidate_ids)

    def score_many(self, requests: Sequence[Request]) -> List[Optional[np.ndarray]]:
        self.check_for_update()
        scorer = self._current
        return [None] * len(requests) if scorer is None else scorer.score_many(requests)

    async def ascore(self, history: History, candidate_ids: Sequence[str]) -> Optional[np.ndarray]:
        self.check_for_update()
        scorer = self._current
        if scorer is None:
            return None
        return await scorer.ascore(history, candidate_ids)

    def knows(self, item_id: str) -> bool:
        scorer = self._current
        return scorer is not None and scorer.knows(item_id)

    # ---- swapping ---------------------------------------------------------------------------------
    def check_for_update(self) -> None:
        """Called before each request: at most every ``reload_seconds``, compare the folder's stamp with the
        last one examined and, when it changed, load and check the new checkpoint on a background thread."""
        if self.reload_seconds <= 0:
            return
        now = self._clock()
        if now < self._next_check:
            return
        self._next_check = now + self.reload_seconds
        stamp = folder_stamp(self.root)
        if stamp == self._stamp or not self._loading.acquire(blocking=False):
            return
        threading.Thread(target=self._reload_and_release, args=(stamp,), name="seq-scorer-reload",
                         daemon=True).start()

    def _reload_and_release(self, stamp: tuple) -> None:
        try:
            self._reload(stamp)
        except Exception:  # pragma: no cover - never let a reload take the server down
            log.exception("sequence scorer: reload of %s failed", self.root)
        finally:
            self._loading.release()

    def reload(self) -> bool:
        """Examines the folder now, on this thread (start-up, tests, an admin command); True when it swapped."""
        with self._loading:
            return self._reload(folder_stamp(self.root))

    def _reload(self, stamp: tuple) -> bool:
        self._stamp = stamp
        path = served_checkpoint(self.root)
        if path is None:
            if self._current is None:
                log.warning("sequence scorer: no checkpoint at %s; ranking falls back to the baseline ranker",
                            self.root)
            return False
        name = version_name(path, self.root)
        if checkpoint_id(path) == self._current_id and path != self.root:
            return False  # CURRENT rewritten with the version already served
        try:
            candidate = self._loader(path, device=self.device, batching=self.batching, threads=self.threads)
        except Exception as exc:
            return self._refuse(name, f"it could not be loaded ({exc})")
        reason = self.refusal(candidate)
        if reason:
            candidate.close()
            return self._refuse(name, reason)
        old, old_name = self._current, self._current_name
        self._current = candidate  # the swap: one reference assignment
        self._current_name, self._current_id = name, checkpoint_id(path)
        self.swaps += 1
        self.refused.pop(name, None)
        if old is None:
            log.info("sequence scorer: serving %s", name)
        else:
            log.info("sequence scorer: now serving %s (was %s)", name, old_name)
            self._retire(old)
        return True

    def _refuse(self, name: str, reason: str) -> bool:
        self.refused[name] = reason
        serving = f"still serving {self._current_name}" if self._current is not None else \
            "ranking falls back to the baseline ranker"
        log.warning("sequence scorer: refused checkpoint %s: %s; %s", name, reason, serving)
        return False

    def refusal(self, candidate: SequenceScorer) -> Optional[str]:
        """Why ``candidate`` may not replace the served scorer, or None."""
        if self.catalog_ids is not None:
            catalog = set(self.catalog_ids())
            if catalog:
                known = sum(1 for i in catalog if candidate.knows(i))
                share = known / len(catalog)
                if share < self.min_catalog_coverage:
                    return (f"it does not match the catalog: it knows {known} of the catalog's {len(catalog)} "
                            f"items ({share:.0%}), {self.min_catalog_coverage:.0%} are needed")
        holdout = (candidate.meta or {}).get("holdout") or {}
        if self._current is not None and holdout:
            against = holdout.get("served")
            if against and against != self._current_id:
                return f"it was compared with {against} on the held-out slice, not with the served {self._current_id}"
            return worse_reason(holdout)
        return None

    def _retire(self, old: SequenceScorer) -> None:
        """Stops the old scorer's micro-batcher once the requests that hold it are surely done."""
        if getattr(old, "_batcher", None) is None:
            return
        timer = threading.Timer(self.retire_seconds, old.close)
        timer.daemon = True
        timer.start()

    def close(self) -> None:
        if self._current is not None:
            self._current.close()


def open_live_scorer(root: Union[str, Path, None] = None, **kwargs) -> LiveScorer:
    """A ``LiveScorer`` over the scorer folder ``root`` (default ``get_settings().scorer_path``), with the
    served checkpoint loaded now (or none yet: it is picked up when one is published)."""
    if root is None:
        from .scorer import default_scorer_dir

        root = default_scorer_dir()
    live = LiveScorer(root, **kwargs)
    live.reload()
    return live
