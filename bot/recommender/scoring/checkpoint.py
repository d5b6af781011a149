"""Checkpoints and the folder that holds them.

A checkpoint is a folder: ``model.safetensors`` (weights) + ``config.json`` (``SeqConfig``) + ``items.json``
(item-id mapping, index i+1 = items[i]) + ``meta.json`` (training figures, popularity counts) and, for a
transformer + item-kNN blend, ``knn.safetensors`` (the item-item similarity matrix, see ``knn.py``).

The scorer folder (``var/scorer`` by default) is either one checkpoint (what ``train`` and ``train-demo``
write) or a set of versions beside each other, written by ``retrain``::

    var/scorer/CURRENT              the served version's name (replaced atomically)
    var/scorer/versions/<name>/     one checkpoint per training run, old ones kept

``CURRENT`` wins when both layouts are present.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

import numpy as np
import torch

from .config import SeqConfig
from .model import build_model

WEIGHTS = "model.safetensors"
CONFIG = "config.json"
ITEMS = "items.json"
META = "meta.json"
CURRENT = "CURRENT"
VERSIONS = "versions"


def save_checkpoint(path: Union[str, Path], model: torch.nn.Module, cfg: SeqConfig, item_ids: List[str],
                    meta: Optional[Dict[str, Any]] = None, knn=None) -> Path:
    """Writes the checkpoint; ``knn`` (an ``ItemSimilarity``) is stored when ``cfg.knn_weight`` uses it."""
    from safetensors.torch import save_file

    from .knn import KNN_FILE, save_knn

    out = Path(path)
    out.mkdir(parents=True, exist_ok=True)
    (out / KNN_FILE).unlink(missing_ok=True)  # never pair a new model with an old similarity matrix
    if knn is not None and cfg.knn_weight:
        save_knn(out, knn)
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    # GPT-2's token table is unused (inputs_embeds) and BERT's likewise; they are tiny, keep them for strict loads
    save_file(state, str(out / WEIGHTS), metadata={"format": "pt", "model": cfg.model})
    cfg.to_json(out / CONFIG)
    (out / ITEMS).write_text(json.dumps(list(item_ids)), encoding="utf-8")
    (out / META).write_text(json.dumps(meta or {}, indent=2, default=_json_default), encoding="utf-8")
    return out


def _json_default(o):
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, (np.floating, np.integer)):
        return o.item()
    return str(o)


def checkpoint_exists(path: Union[str, Path]) -> bool:
    p = Path(path)
    return all((p / n).exists() for n in (WEIGHTS, CONFIG, ITEMS))


def read_meta(path: Union[str, Path]) -> Dict[str, Any]:
    p = Path(path) / META
    return json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}


def load_checkpoint(path: Union[str, Path], device: Union[str, torch.device] = "cpu"
                    ) -> Tuple[torch.nn.Module, SeqConfig, List[str], Dict[str, Any]]:
    from safetensors.torch import load_file

    p = Path(path)
    cfg = SeqConfig.from_json(p / CONFIG)
    item_ids = json.loads((p / ITEMS).read_text(encoding="utf-8"))
    meta = read_meta(p)
    if len(item_ids) != cfg.n_items:
        raise ValueError(f"{p}: items.json has {len(item_ids)} ids, config says {cfg.n_items}")
    model = build_model(cfg)
    state = load_file(str(p / WEIGHTS), device="cpu")
    model.load_state_dict(state, strict=True)
    model.to(device)
    model.eval()
    return model, cfg, item_ids, meta


# ------------------------------------------------------------------------------------------------
# The scorer folder: one checkpoint, or versions and a CURRENT pointer
# ------------------------------------------------------------------------------------------------

def served_checkpoint(root: Union[str, Path]) -> Optional[Path]:
    """The checkpoint folder to serve from ``root``: the version named in ``CURRENT``, else ``root`` itself
    when it is a checkpoint, else None."""
    root = Path(root)
    pointer = root / CURRENT
    if pointer.exists():
        name = pointer.read_text(encoding="utf-8").strip()
        if name:
            return root / VERSIONS / name
    return root if checkpoint_exists(root) else None


def folder_stamp(root: Union[str, Path]) -> Tuple:
    """Changes whenever what ``served_checkpoint(root)`` points at changes (a new CURRENT, or files of a
    one-checkpoint folder rewritten in place). A few ``stat`` calls: cheap enough to check between requests."""
    root = Path(root)
    parts: List[Tuple[str, int, int]] = []
    pointer = root / CURRENT
    try:
        st = pointer.stat()
        return (("CURRENT", st.st_mtime_ns, st.st_size), pointer.read_text(encoding="utf-8").strip())
    except OSError:
        pass
    for name in (WEIGHTS, CONFIG, ITEMS, META, "knn.safetensors"):
        try:
            st = (root / name).stat()
        except OSError:
            continue
        parts.append((name, st.st_mtime_ns, st.st_size))
    return tuple(parts)


def checkpoint_id(checkpoint: Union[str, Path]) -> str:
    """What identifies a checkpoint across processes (the retrain job and the server): its resolved path."""
    return str(Path(checkpoint).resolve())


def version_name(checkpoint: Union[str, Path], root: Union[str, Path, None] = None) -> str:
    """A checkpoint's name for log lines: its version folder's name, or its path."""
    p = Path(checkpoint)
    if root is not None and p.parent == Path(root) / VERSIONS:
        return p.name
    return str(p)


def new_version_dir(root: Union[str, Path], clock=time.time) -> Path:
    """A fresh, not yet existing ``root/versions/<UTC time>`` folder name."""
    base = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(clock()))
    versions = Path(root) / VERSIONS
    name, n = base, 1
    while (versions / name).exists():
        n += 1
        name = f"{base}-{n}"
    return versions / name


def publish(root: Union[str, Path], version: Union[str, Path]) -> Path:
    """Makes ``version`` (a folder under ``root/versions``) the served one: ``CURRENT`` is replaced
    atomically, so a reader sees the old name or the new one, never half a file."""
    root = Path(root)
    name = Path(version).name
    if not checkpoint_exists(root / VERSIONS / name):
        raise FileNotFoundError(f"{root / VERSIONS / name} is not a checkpoint")
    tmp = root / f".{CURRENT}.{os.getpid()}.tmp"
    tmp.write_text(name + "\n", encoding="utf-8")
    os.replace(tmp, root / CURRENT)
    return root / VERSIONS / name
