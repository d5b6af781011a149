"""Canonical category and feature names plus the phrases shoppers use for them.

The catalog's own categories, brands and feature tags are the source of truth; the alias
tables here add the everyday phrasing ("phone", "great camera", "long battery") for the demo
shop. A new shop's vocabulary is derived from its catalog (see ``build_vocabulary``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Tuple

from .catalog import Item

#: canonical category -> phrases that mean it (the canonical name itself is implied)
CATEGORY_ALIASES: Dict[str, Tuple[str, ...]] = {
    "smartphones": ("smartphone", "phone", "phones", "mobile", "mobile phone", "cell phone", "cellphone", "handset"),
    "laptops": ("laptop", "notebook", "notebooks", "ultrabook", "macbook", "computer", "pc"),
    "headphones": ("headphone", "headset", "headsets", "earbuds", "earphones", "earbud", "cans"),
    "tablets": ("tablet", "ipad", "ipads"),
    "smartwatches": ("smartwatch", "smart watch", "smart watches", "watch", "watches", "fitness tracker", "wearable"),
    "cameras": ("camera", "mirrorless", "dslr", "digital camera", "action camera"),
    "tvs": ("tv", "television", "televisions", "telly", "smart tv"),
    "speakers": ("speaker", "bluetooth speaker", "soundbar", "soundbars", "smart speaker"),
    "monitors": ("monitor", "display", "displays", "screen"),
    "accessories": ("accessory", "charger", "chargers", "case", "cases", "power bank", "cable", "cables"),
}

#: canonical feature tag -> phrases that mean it
FEATURE_ALIASES: Dict[str, Tuple[str, ...]] = {
    "camera": ("great camera", "good camera", "camera quality", "photos", "photography", "pictures", "selfies", "zoom"),
    "battery life": ("battery", "long battery", "better battery", "good battery", "battery life", "lasts all day", "long-lasting battery"),
    "noise cancelling": ("noise cancellation", "anc", "noise-cancelling", "noise canceling", "active noise cancelling"),
    "waterproof": ("water resistant", "water-resistant", "swimproof", "ip68", "splash proof"),
    "lightweight": ("light", "light weight", "portable", "thin and light", "slim"),
    "gaming": ("for gaming", "games", "gamer", "high refresh rate"),
    "4k": ("4k", "uhd", "ultra hd", "4k video"),
    "oled": ("oled", "amoled", "oled screen"),
    "fast charging": ("quick charge", "fast charge", "quick charging", "rapid charging"),
    "5g": ("5g",),
    "wireless": ("wireless", "bluetooth", "cordless", "true wireless"),
    "gps": ("gps", "navigation"),
    "health tracking": ("heart rate", "fitness", "health", "sleep tracking", "ecg"),
    "large screen": ("big screen", "large display", "big display"),
    "stylus": ("pen support", "pencil", "stylus support"),
    "smart assistant": ("alexa", "google assistant", "siri", "voice assistant"),
    "hdr": ("hdr", "dolby vision", "hdr10"),
    "touchscreen": ("touch screen", "touch"),
    "long range": ("long range",),
    "high resolution": ("high res", "hi-res", "high resolution"),
}


@dataclass
class Vocabulary:
    """What the assistant can recognise for one catalog."""

    categories: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    features: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    brands: List[str] = field(default_factory=list)


def _singular_plural(name: str) -> Tuple[str, ...]:
    """The other number of a category name: accessories/accessory, watches/watch, tvs/tv."""
    if name.endswith("ies"):
        other = name[:-3] + "y"
    elif name.endswith(("ches", "shes", "sses", "xes")):
        other = name[:-2]
    elif name.endswith("s"):
        other = name[:-1]
    elif name.endswith("y") and name[-2:-1] not in "aeiou":
        other = name[:-1] + "ies"
    else:
        other = name + "s"
    return (other,) if other != name else ()


def build_vocabulary(items: Iterable[Item]) -> Vocabulary:
    """Vocabulary for a catalog: its own names plus the known aliases for them."""
    categories: Dict[str, set] = {}
    features: Dict[str, set] = {}
    brands = set()
    for item in items:
        categories.setdefault(item.category, set())
        brands.add(item.brand)
        for tag in item.features:
            features.setdefault(tag, set())
    for name, aliases in categories.items():
        aliases.update(_singular_plural(name))
        aliases.update(CATEGORY_ALIASES.get(name, ()))
    for name, aliases in features.items():
        aliases.update(FEATURE_ALIASES.get(name, ()))
        aliases.discard(name)
    return Vocabulary(
        categories={k: tuple(sorted(v - {k})) for k, v in sorted(categories.items())},
        features={k: tuple(sorted(v - {k})) for k, v in sorted(features.items())},
        brands=sorted(brands),
    )
