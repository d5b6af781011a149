"""Checkpoints: ``model.safetensors`` (weights) + ``config.json`` (SeqConfig) + ``items.json`` (item-id
mapping, index i+1 = items[i]) + ``meta.json`` (training figures, popularity counts for cold start) and, for a
transformer + item-kNN blend, ``knn.safetensors`` (the item-item similarity matrix, see ``hybrid.py``)."""
from __future__ import annotations

import json
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


def save_checkpoint(path: Union[str, Path], model: torch.nn.Module, cfg: SeqConfig, item_ids: List[str],
                    meta: Optional[Dict[str, Any]] = None, knn=None) -> Path:
    """Writes the checkpoint; ``knn`` (an ``ItemKNN``) is stored when ``cfg.knn_weight`` uses it."""
    from safetensors.torch import save_file

    from .hybrid import KNN_FILE, save_knn

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


def load_checkpoint(path: Union[str, Path], device: Union[str, torch.device] = "cpu"
                    ) -> Tuple[torch.nn.Module, SeqConfig, List[str], Dict[str, Any]]:
    from safetensors.torch import load_file

    p = Path(path)
    cfg = SeqConfig.from_json(p / CONFIG)
    item_ids = json.loads((p / ITEMS).read_text(encoding="utf-8"))
    meta = json.loads((p / META).read_text(encoding="utf-8")) if (p / META).exists() else {}
    if len(item_ids) != cfg.n_items:
        raise ValueError(f"{p}: items.json has {len(item_ids)} ids, config says {cfg.n_items}")
    model = build_model(cfg)
    state = load_file(str(p / WEIGHTS), device="cpu")
    model.load_state_dict(state, strict=True)
    model.to(device)
    model.eval()
    return model, cfg, item_ids, meta
