"""Device, CPU threads and batch padding, shared by serving and training."""
from __future__ import annotations

import os
from typing import Optional, Sequence, Tuple

import numpy as np
import torch


def resolve_device(name: Optional[str] = "auto") -> torch.device:
    if name in ("", "auto", None):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def auto_threads() -> int:
    """Torch CPU threads when none are configured: half the cores (1 on a 2-core box). OpenMP's spinning
    threads slow small models down by 10x or more when another process holds one of only two cores."""
    return max(1, (os.cpu_count() or 2) // 2)


def set_threads(n: int = 0) -> int:
    n = n or auto_threads()
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    return n


def pad_right(seqs: Sequence[np.ndarray], max_len: int, width: Optional[int] = None) -> Tuple[np.ndarray, np.ndarray]:
    """Keep each sequence's last ``max_len`` entries, right-pad with 0 -> (B, W) array and lengths."""
    lengths = np.array([min(len(s), max_len) for s in seqs], dtype=np.int64)
    W = width or max(int(lengths.max()) if len(lengths) else 1, 1)
    out = np.zeros((len(seqs), W), dtype=np.int64)
    for i, s in enumerate(seqs):
        n = lengths[i]
        if n:
            out[i, :n] = s[len(s) - n:]
    return out, lengths
