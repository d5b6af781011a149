"""Which catalog items are variants of one model, so a ranked list shows models, not colours.

Shops list every colour, storage size, screen size and kit of a model as its own item ("Sony
WH-1000XM5 ... - Black" / "- Silver", "iPhone 15 Pro 256GB - Natural Titanium", "Canon EOS R5 ...
Body Only" / "... with RF 24-105mm f/4L Lens"). A list of five that is three colours of one
headphone wastes four slots, so the caller groups its ranking by ``model_key`` and says "also in
Silver, Midnight Blue" instead.

How a model is recognised, most trusted first:

1. The description hint ``"Variant: 256GB, Natural Titanium."`` (the demo catalog's builder writes
   it; other shops may not). It is used only when every label it names is found in the title, so a
   stale or partial hint falls back to the generic rules instead of leaving part of a variant in
   the key.
2. Generic rules: a trailing `` - <colour/size>`` segment (also ``"Blue / M"``), storage sizes
   (``128GB``, ``12GB + 256GB``, ``1TB SSD``), spec groups in brackets that name storage
   (``(Core i5, 8GB, 256GB SSD)``), screen sizes (``55-Inch``), pack counts (``2-Pack``) and camera
   kits (``Body Only``, ``with ... Lens``).

What is never removed, because it names a different model: model words and suffixes ("Pro", "Max",
"Ultra", "+", "XM4"/"XM5"), years and generations ("(2024)", "(3rd generation)"), chips in a
bracket of their own ("(M2)"), wattages and cable lengths. Brand and category are part of the key,
so a "Galaxy S24" phone and a "Galaxy S24" case never merge.

Everything here returns data; the sentence around a label is written by the caller.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Dict, Generic, Iterable, List, Optional, Sequence, Tuple, TypeVar, Union

from .catalog import Item

T = TypeVar("T")

# -- patterns --------------------------------------------------------------------------------
_HINT_RX = re.compile(r"\bVariant:\s*(?P<labels>.+?)\s*\.?\s*$", re.IGNORECASE | re.DOTALL)
#: " - ", " – ", " — ", " | " between the model and its variant part
_SEPARATOR_RX = re.compile(r"\s+[-–—|]\s+")
_STORAGE = r"\d+(?:\.\d+)?\s?(?:GB|TB)"
_STORAGE_RX = re.compile(
    rf"(?<![\w.]){_STORAGE}(?:\s?\+\s?{_STORAGE})*(?:\s(?:SSD|HDD|eMMC|RAM|storage))?(?![\w])", re.IGNORECASE)
_HAS_STORAGE_RX = re.compile(rf"(?<![\w.]){_STORAGE}(?![\w])", re.IGNORECASE)
#: 55-Inch, 55 inch, 55" (not the "32-70 Inch" range of a wall mount)
_SCREEN_RX = re.compile(r"(?<![\w.-])\d{2,3}(?:\.\d)?(?:-|\s)?(?:inch(?:es)?\b|in\.|\")", re.IGNORECASE)
_PACK_RX = re.compile(r"\(?(?<![\w-])(?:\d+[-\s]?(?:pack|pk|count)|pack of \d+)(?![\w-])\)?", re.IGNORECASE)
_KIT_RX = re.compile(
    r"(?:\s+\(?body only\)?|\s+with\s+(?:[\w./+-]+\s+){0,6}?(?:lens(?:es)?(?:\s+kit)?|kit|bundle))(?![\w])",
    re.IGNORECASE)
_BRACKET_RX = re.compile(r"\(([^()]*)\)")
_EMPTY_BRACKET_RX = re.compile(r"\(\s*[,;/+&\s]*\)")
_SPACES_RX = re.compile(r"\s+")
_COLOUR_WORDS = frozenset({
    "black", "white", "silver", "gray", "grey", "blue", "red", "green", "yellow", "pink", "purple", "orange",
    "gold", "rose", "violet", "beige", "brown", "navy", "graphite", "titanium", "midnight", "starlight",
    "platinum", "cream", "ivory", "teal", "mint", "lavender", "lilac", "charcoal", "obsidian", "porcelain",
    "sand", "stone", "slate"
})
#: words that make a trailing " - ..." segment a model name, not a variant ("Switch - OLED Model")
_MODEL_WORDS = frozenset({
    "model", "edition", "version", "generation", "gen", "series", "mark", "mk", "pro", "max", "plus", "ultra",
    "mini", "lite", "fe", "se"
})
#: a token with digits that is still a size, not a model number ("45mm", "10.5", "32W", "XL")
_UNIT_TOKEN_RX = re.compile(
    r"^\d+(?:\.\d+)?(?:gb|tb|mb|mm|cm|in|inch|oz|ml|cl|l|ltr|kg|g|w|ft|m|pack|pk|ct|x|xl|s)?$|^x{0,3}[sml]$|^xxl$",
    re.IGNORECASE)


@dataclass(frozen=True)
class ParsedTitle:
    """A title split into its model part and the labels that make this item one variant."""

    base: str
    labels: Tuple[str, ...]
    from_hint: bool


# -- parsing -----------------------------------------------------------------------------------
def _tidy(text: str) -> str:
    """Collapse what removing labels leaves behind: "( , , )", double spaces, dangling dashes."""
    text = _EMPTY_BRACKET_RX.sub(" ", text)
    text = _SPACES_RX.sub(" ", text)
    text = re.sub(r"\s+([,)])", r"\1", text)
    text = re.sub(r"\(\s+", "(", text)
    return text.strip(" ,;/-–—|")


def _hint_labels(description: str) -> Tuple[str, ...]:
    """Labels of a trailing "Variant: a, b, c." sentence; () when there is none."""
    if "variant:" not in (description or "").lower():
        return ()
    tail = description[description.lower().rindex("variant:"):]
    match = _HINT_RX.match(tail)
    if not match:
        return ()
    return tuple(label.strip() for label in match.group("labels").split(",") if label.strip())


def _remove_last(text: str, label: str) -> Optional[str]:
    """``text`` without the last whole-word occurrence of ``label``; None when it is absent."""
    rx = re.compile(rf"(?<![\w+]){re.escape(label)}(?![\w+])", re.IGNORECASE)
    matches = list(rx.finditer(text))
    if not matches:
        return None
    last = matches[-1]
    return text[: last.start()] + " " + text[last.end():]


def _parse_with_hint(title: str, labels: Tuple[str, ...]) -> Optional[ParsedTitle]:
    """Remove each hinted label from the title (longest first); None when one is not there."""
    base = title
    for label in sorted(labels, key=len, reverse=True):
        stripped = _remove_last(base, label)
        if stripped is None:
            return None
        base = stripped
    base = _tidy(base)
    return ParsedTitle(base, labels, True) if base else None


def _variant_like(segment: str) -> bool:
    """Whether a trailing " - ..." segment reads as a colour/size rather than part of the name."""
    words = segment.replace("/", " ").replace(",", " ").split()
    if not words or len(words) > 5:
        return False
    for word in words:
        token = word.strip("()").lower()
        if token in _MODEL_WORDS:
            return False
        if re.search(r"\d", token) and not _UNIT_TOKEN_RX.match(token) and not _HAS_STORAGE_RX.search(word):
            return False
    return True


def _leading_screen_size(base: str, labels: List[str]) -> str:
    """Drop a screen size that leads the title ("LG 55-Inch OLED evo C3"), as TV shops write sizes.

    A size after the model name ("MacBook Air 13-inch", "iPad Pro 11-inch") is left alone: there it
    often names a model of its own, and a wrong merge hides a model while a missed one only repeats.
    """
    match = _SCREEN_RX.search(base)
    if not match or len(base[: match.start()].split()) > 1:
        return base
    labels.append(match.group().strip())
    return base[: match.start()] + " " + base[match.end():]


def _split_segment(segment: str) -> List[str]:
    return [part.strip() for part in re.split(r"\s*[/,]\s*", segment) if part.strip()]


def _parse_generic(title: str) -> ParsedTitle:
    """The generic rules of the module docstring, applied in title order."""
    parts = _SEPARATOR_RX.split(title)
    cut, tail_labels = len(parts), []
    while cut > 1 and _variant_like(parts[cut - 1]):
        cut -= 1
        tail_labels[:0] = _split_segment(parts[cut])
    base = " - ".join(parts[:cut])
    labels: List[str] = []

    def take(rx: re.Pattern, text: str) -> str:
        def keep(match: re.Match) -> str:
            labels.append(match.group().strip(" ()"))
            return " "
        return rx.sub(keep, text)

    def brackets(match: re.Match) -> str:
        inner = match.group(1)
        if _HAS_STORAGE_RX.search(inner):
            labels.extend(_split_segment(inner))
            return " "
        return match.group()

    base = _BRACKET_RX.sub(brackets, base)
    base = take(_KIT_RX, base)
    base = take(_PACK_RX, base)
    base = _leading_screen_size(base, labels)
    storage_end = None
    for match in _STORAGE_RX.finditer(base):
        storage_end = match.end()
    if storage_end is not None and not tail_labels:
        # "Galaxy S24 256GB Onyx Black": a colour straight after the storage, without a dash
        after = base[storage_end:].split()
        plain = not any(ch.isdigit() for ch in "".join(after))
        if 0 < len(after) <= 3 and plain and after[-1].lower() in _COLOUR_WORDS:
            tail_labels = [" ".join(after)]
            base = base[:storage_end]
    base = take(_STORAGE_RX, base)
    base = _tidy(base)
    return ParsedTitle(base or title, tuple(labels + tail_labels), False)


@lru_cache(maxsize=16384)
def _parse(title: str, description: str) -> ParsedTitle:
    labels = _hint_labels(description)
    if labels:
        parsed = _parse_with_hint(title, labels)
        if parsed is not None:
            return parsed
    return _parse_generic(title)


def parse_title(item: Item) -> ParsedTitle:
    """The item's model part and variant labels (cached per title and description)."""
    return _parse(item.title or "", item.description or "")


# -- public API -------------------------------------------------------------------------------
def _normalise(text: str) -> str:
    return _SPACES_RX.sub(" ", text.lower()).strip()


def model_key(item: Item) -> str:
    """A stable key shared by exactly the variants of one model: brand | category | model title."""
    return f"{_normalise(item.brand)}|{_normalise(item.category)}|{_normalise(parse_title(item).base)}"


def model_title(item: Item) -> str:
    """The model's title without the variant part ("Sony WH-1000XM5 Wireless ... Headphones")."""
    return parse_title(item).base


def same_model(a: Item, b: Item) -> bool:
    """Whether two items are variants of one model (an item is the same model as itself)."""
    return a.id == b.id or model_key(a) == model_key(b)


def _pretty(label: str) -> str:
    """"256GB" -> "256 GB", "12GB + 256GB" -> "12 GB + 256 GB"; other labels as written."""
    return re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)\s?(GB|TB|MB)(?![\w])", r"\1 \2", label, flags=re.IGNORECASE)


def variant_labels(item: Item) -> Tuple[str, ...]:
    """Everything that makes ``item`` one variant of its model, in title order, tidied."""
    return tuple(_pretty(label) for label in parse_title(item).labels)


def variant_label(item: Item, group: Union["VariantGroup", Iterable[Item]] = ()) -> str:
    """What tells ``item`` apart within ``group``: "Blue", "256 GB", "256 GB, Blue Titanium".

    Labels every member of the group shares are left out (three colours of one 256 GB phone are
    "Black", "Blue", "White"); members of other models are ignored. With no other member, or when
    nothing differs, the item's full variant label is returned ("" for a model without variants).
    """
    own = variant_labels(item)
    members = group.items if isinstance(group, VariantGroup) else tuple(group)
    key = model_key(item)
    others = [m for m in members if m.id != item.id and model_key(m) == key]
    if not others:
        return ", ".join(own)
    shared = {label.lower() for label in own}
    for other in others:
        shared &= {label.lower() for label in variant_labels(other)}
    distinct = [label for label in own if label.lower() not in shared]
    return ", ".join(distinct or own)


@dataclass(frozen=True)
class VariantGroup(Generic[T]):
    """One model in a ranked list: its best-ranked entry and the other entries of that model."""

    key: str
    representative: T
    variants: Tuple[T, ...] = ()
    #: the catalog items of ``representative`` and ``variants``, in the same order
    items: Tuple[Item, ...] = ()

    @property
    def members(self) -> Tuple[T, ...]:
        return (self.representative, *self.variants)

    @property
    def item(self) -> Item:
        """The representative's catalog item."""
        return self.items[0]

    def labels(self) -> List[str]:
        """Labels of the other variants as told apart within the group ("Silver", "256 GB")."""
        return [variant_label(item, self.items) for item in self.items[1:]]

    def __iter__(self):
        return iter(self.items)


def _as_item(entry) -> Item:
    """A ranked entry's catalog item: ``entry.item`` (ScoredItem, RankedItem) or the entry itself."""
    return getattr(entry, "item", entry)


def group_variants(entries: Sequence[T], key: Callable[[T], Item] = _as_item) -> List[VariantGroup[T]]:
    """Group ranked entries by model, keeping the ranking.

    The first (best-ranked) entry of each model represents it and the group sits at that entry's
    place; later entries of the same model become its ``variants``. So the first five groups are
    five different models.
    """
    order: List[str] = []
    found: Dict[str, List[Tuple[T, Item]]] = {}
    for entry in entries:
        item = key(entry)
        model = model_key(item)
        if model not in found:
            order.append(model)
            found[model] = []
        found[model].append((entry, item))
    return [
        VariantGroup(model, found[model][0][0], tuple(e for e, _ in found[model][1:]),
                     tuple(i for _, i in found[model]))
        for model in order
    ]


def variants_of(item: Item, catalog: Iterable[Item], in_stock_only: bool = True) -> List[Item]:
    """The catalog's other variants of ``item``'s model (not ``item`` itself), in catalog order.

    Lets a list say "also in Silver, Midnight Blue" even when those variants were not among the
    ranked candidates. Out-of-stock variants are left out unless ``in_stock_only`` is False.
    """
    key = model_key(item)
    return [other for other in catalog
            if other.id != item.id and (other.in_stock or not in_stock_only) and model_key(other) == key]


def models_of(catalog: Iterable[Item]) -> Dict[str, List[Item]]:
    """model key -> that model's items in catalog order (an index for repeated look-ups)."""
    out: Dict[str, List[Item]] = {}
    for item in catalog:
        out.setdefault(model_key(item), []).append(item)
    return out


__all__ = [
    "ParsedTitle", "VariantGroup", "group_variants", "model_key", "model_title", "models_of", "parse_title",
    "same_model", "variant_label", "variant_labels", "variants_of",
]
