"""What a shop says about itself besides its items: profile, vocabulary and answers.

A shop folder holds ``catalog.csv`` (or ``.json``) and, optionally, ``shop.yml`` (name,
currency, locale), ``vocabulary.yml`` (other names for its categories and features, product
lines) and ``shop_answers.yml`` (returns, shipping, hours...: one paragraph per topic). Each
file is checked against the catalog before anything is written, with the file and key of every
problem named; ``import-shop`` then writes catalog and documents in one transaction, and every
action server rebuilds from them. The demo shop's folder is ``demo/shop`` (its catalog is
``demo/catalog.json``).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

import yaml

from .catalog import Item

DEMO_SHOP_DIR = Path(__file__).resolve().parent / "demo" / "shop"
CATALOG_NAMES = ("catalog.csv", "catalog.json")
PROFILE_FILE, VOCABULARY_FILE, ANSWERS_FILE = "shop.yml", "vocabulary.yml", "shop_answers.yml"
#: the store's document names (``Store.shop_document``)
PROFILE, VOCABULARY, ANSWERS = "shop", "vocabulary", "answers"


#: the shop questions the NLU knows (bot/data/shop_talk.yml: faq/<topic>), and other keys a shop may use
ANSWER_TOPICS = ("returns", "shipping", "cancel_order", "payment", "warranty", "opening_hours", "contact",
                 "price_match", "order_tracking", "gift_cards")
TOPIC_SYNONYMS = {"hours": "opening_hours", "delivery": "shipping", "refunds": "returns", "cancellations":
                  "cancel_order", "tracking": "order_tracking", "guarantee": "warranty"}


class ShopFileError(ValueError):
    """A shop file failed its checks; ``errors`` names the file and key of each problem."""

    def __init__(self, errors: List[str]):
        self.errors = list(errors)
        super().__init__("\n".join([f"{len(errors)} problem(s) in the shop's files; nothing was imported:",
                                    *(f"  {e}" for e in errors)]))


@dataclass(frozen=True)
class ShopProfile:
    """How the shop speaks of money: every composed sentence uses its currency."""

    name: str = ""
    currency: str = "USD"
    locale: str = "en_US"

    @classmethod
    def from_document(cls, doc: Optional[Mapping[str, Any]], items: Iterable[Item] = ()) -> "ShopProfile":
        """The stored profile; without one, the currency most of the catalog is priced in."""
        doc = dict(doc or {})
        currency = doc.get("currency") or _dominant_currency(items) or "USD"
        return cls(name=str(doc.get("name") or ""), currency=str(currency).upper(),
                   locale=str(doc.get("locale") or "en_US"))


def _dominant_currency(items: Iterable[Item]) -> Optional[str]:
    counts = Counter(i.currency for i in items if i.currency)
    return counts.most_common(1)[0][0] if counts else None


@dataclass(frozen=True)
class ShopFiles:
    """A shop folder, read and checked: the catalog's path and the documents to store."""

    catalog: Path
    interactions: Optional[Path]
    documents: Dict[str, Optional[Dict[str, Any]]]


def _load_yaml(path: Path, errors: List[str]) -> Optional[Dict[str, Any]]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        errors.append(f"{path.name}: cannot be read as YAML ({str(exc).splitlines()[0]})")
        return None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        errors.append(f"{path.name}: must be a mapping of keys to values")
        return None
    return doc


def _phrases(value: Any, where: str, errors: List[str]) -> List[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        errors.append(f"{where}: must be a list of phrases")
        return []
    return [" ".join(v.lower().split()) for v in value]


def check_profile(doc: Mapping[str, Any], errors: List[str]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for key, value in doc.items():
        where = f"{PROFILE_FILE}: {key}"
        if key == "currency":
            if not (isinstance(value, str) and len(value.strip()) == 3 and value.strip().isalpha()):
                errors.append(f"{where}: {value!r} is not a 3-letter currency code")
                continue
            out[key] = value.strip().upper()
        elif key in ("name", "locale"):
            if not isinstance(value, str) or not value.strip():
                errors.append(f"{where}: must be text")
                continue
            out[key] = value.strip()
        else:
            errors.append(f"{where}: unknown key (known: name, currency, locale)")
    return out


def check_vocabulary(doc: Mapping[str, Any], items: List[Item], errors: List[str]) -> Dict[str, Any]:
    """Aliases only for the catalog's own categories and tags; lines for its own brands and kinds."""
    categories = {i.category for i in items}
    tags = {t for i in items for t in i.features}
    brands = {i.brand.lower(): i.brand for i in items}
    out: Dict[str, Any] = {"categories": {}, "features": {}, "lines": {}, "everyday_words": []}
    for key in doc:
        if key not in out:
            errors.append(f"{VOCABULARY_FILE}: {key}: unknown section (known: {', '.join(out)})")
    if doc.get("everyday_words") is not None:
        out["everyday_words"] = _phrases(doc["everyday_words"], f"{VOCABULARY_FILE}: everyday_words", errors)
    for section, known, what in (("categories", categories, "category"), ("features", tags, "feature tag")):
        table = doc.get(section) or {}
        if not isinstance(table, dict):
            errors.append(f"{VOCABULARY_FILE}: {section}: must map each {what} to its other names")
            continue
        for name, aliases in table.items():
            where = f"{VOCABULARY_FILE}: {section}: {name}"
            if name not in known:
                errors.append(f"{where}: not a {what} of the catalog")
                continue
            out[section][name] = _phrases(aliases, where, errors)
    lines = doc.get("lines") or {}
    if not isinstance(lines, dict):
        errors.append(f"{VOCABULARY_FILE}: lines: must map each line's name to its brand and category")
        lines = {}
    for phrase, spec in lines.items():
        where = f"{VOCABULARY_FILE}: lines: {phrase}"
        if not isinstance(spec, dict) or not isinstance(spec.get("brand"), str):
            errors.append(f"{where}: needs a brand (and optionally a category)")
            continue
        brand = brands.get(spec["brand"].lower())
        category = spec.get("category")
        if brand is None:
            errors.append(f"{where}: brand {spec['brand']!r} is not in the catalog")
        elif category is not None and category not in categories:
            errors.append(f"{where}: category {category!r} is not in the catalog")
        else:
            out["lines"][" ".join(str(phrase).lower().split())] = {"brand": brand, "category": category}
    return out


def check_answers(doc: Mapping[str, Any], errors: List[str]) -> Dict[str, str]:
    out: Dict[str, str] = {}
    for key, text in doc.items():
        topic = TOPIC_SYNONYMS.get(str(key), str(key))
        if not isinstance(text, str) or not text.strip():
            errors.append(f"{ANSWERS_FILE}: {key}: must be the answer's text")
            continue
        out[topic] = " ".join(text.split())
    return out


def unreachable_topics(answers: Optional[Mapping[str, str]]) -> List[str]:
    """Answer topics no shopper question reaches yet (no faq/<topic> examples in bot/data/shop_talk.yml)."""
    return sorted(t for t in (answers or {}) if t not in ANSWER_TOPICS)


def read_shop_dir(path: Path | str, items: List[Item]) -> ShopFiles:
    """Check a shop folder's files against its (already read) ``items``; ``ShopFileError`` lists every problem."""
    folder = Path(path)
    errors: List[str] = []
    catalog = next((folder / n for n in CATALOG_NAMES if (folder / n).is_file()), None)
    documents: Dict[str, Optional[Dict[str, Any]]] = {PROFILE: None, VOCABULARY: None, ANSWERS: None}
    for name, file, check in ((PROFILE, PROFILE_FILE, lambda d: check_profile(d, errors)),
                              (VOCABULARY, VOCABULARY_FILE, lambda d: check_vocabulary(d, items, errors)),
                              (ANSWERS, ANSWERS_FILE, lambda d: check_answers(d, errors))):
        if (folder / file).is_file():
            doc = _load_yaml(folder / file, errors)
            if doc is not None:
                documents[name] = check(doc)
    if errors:
        raise ShopFileError(errors)
    interactions = folder / "interactions.csv"
    return ShopFiles(catalog or folder / CATALOG_NAMES[0], interactions if interactions.is_file() else None, documents)


def find_catalog(path: Path | str) -> Path:
    """The catalog file of a shop folder (``catalog.csv`` or ``catalog.json``); FileNotFoundError if none."""
    folder = Path(path)
    for name in CATALOG_NAMES:
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"{folder}: no {' or '.join(CATALOG_NAMES)} in this folder")


def demo_documents(items: List[Item]) -> Dict[str, Optional[Dict[str, Any]]]:
    """The demo shop's documents, read and checked like any shop's folder."""
    return read_shop_dir(DEMO_SHOP_DIR, items).documents


def vocabulary_words(doc: Optional[Mapping[str, Any]]) -> Tuple[Dict[str, Tuple[str, ...]], Dict[str, Tuple[str, ...]],
                                                               Dict[str, Tuple[str, Optional[str]]]]:
    """(category aliases, feature aliases, lines) of a stored vocabulary document."""
    doc = doc or {}
    categories = {k: tuple(v) for k, v in (doc.get("categories") or {}).items()}
    features = {k: tuple(v) for k, v in (doc.get("features") or {}).items()}
    lines = {k: (v["brand"], v.get("category")) for k, v in (doc.get("lines") or {}).items()}
    return categories, features, lines
