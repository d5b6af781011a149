"""Fetch MovieLens-100K from GroupLens when online; offline, verify and use a local copy."""
from __future__ import annotations

import io
import logging
import sys
import zipfile
from pathlib import Path
from typing import Optional, Union

log = logging.getLogger(__name__)

ML100K_URL = "https://files.grouplens.org/datasets/movielens/ml-100k.zip"
REQUIRED = ("u.data", "u.item")


def _valid(folder: Path) -> bool:
    return all((folder / f).exists() for f in REQUIRED)


def fetch_movielens_100k(dest: Union[str, Path], local: Optional[Union[str, Path]] = None,
                         url: str = ML100K_URL, timeout: float = 30.0) -> Path:
    """Returns a folder holding ``u.data`` and ``u.item``.

    Order: an existing download in ``dest``; a download from GroupLens into ``dest``; ``local`` (e.g.
    ``../shared/data/ml-100k``) when the download fails. The local copy is used in place, not copied.
    """
    dest = Path(dest)
    target = dest / "ml-100k"
    if _valid(target):
        return target
    try:
        import urllib.request

        print(f"downloading {url}", file=sys.stderr)
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            blob = resp.read()
        dest.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(io.BytesIO(blob)) as zf:
            zf.extractall(dest)
        if _valid(target):
            return target
        raise RuntimeError("archive did not contain ml-100k/u.data")
    except Exception as exc:
        if local is None:
            raise SystemExit(f"download failed ({exc}); offline, pass --local PATH to an ml-100k folder")
        p = Path(local)
        if not _valid(p):
            raise SystemExit(f"download failed ({exc}) and {p} holds no u.data/u.item")
        print(f"download failed ({exc}); using the local copy at {p}", file=sys.stderr)
        return p
