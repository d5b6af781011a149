"""Build the demo electronics catalog (``catalog.json``) from hand-written model lines.

Each model line names a real product family with its list price, feature tags and a one-line
blurb; spec axes (storage, size, configuration) and colours expand it into the variants a real
shop lists separately. Expansion is deterministic: the only randomness is a seeded, small sale
discount and the in-stock flag, so rerunning the script reproduces the committed file exactly.

Run from the repository root::

    PYTHONPATH=bot python -m recommender.demo.build_catalog
"""
from __future__ import annotations

import argparse
import itertools
import json
import random
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import yaml

from recommender.shop import DEMO_SHOP_DIR, VOCABULARY_FILE

#: the demo shop's words (shop/vocabulary.yml): its categories and tags are the ones listed there
_WORDS = yaml.safe_load((DEMO_SHOP_DIR / VOCABULARY_FILE).read_text(encoding="utf-8"))
CATEGORY_ALIASES, FEATURE_ALIASES = _WORDS["categories"], _WORDS["features"]

OUTPUT_PATH = Path(__file__).with_name("catalog.json")
SEED = 2024
IN_STOCK_RATE = 0.92
SALE_RATE = 0.15

#: id prefix per canonical category
ID_PREFIX: Dict[str, str] = {
    "smartphones": "sp",
    "laptops": "lp",
    "headphones": "hp",
    "tablets": "tb",
    "smartwatches": "sw",
    "cameras": "cm",
    "tvs": "tv",
    "speakers": "sk",
    "monitors": "mn",
    "accessories": "ac",
}

#: a spec option: (label, price delta, extra feature tags)
Option = Tuple[str, float, Tuple[str, ...]]


def opt(label: str, delta: float = 0, *features: str) -> Option:
    """Shorthand for one spec option."""
    return (label, delta, tuple(features))


@dataclass(frozen=True)
class Line:
    """A product family. ``model`` may hold ``{0}``, ``{1}`` placeholders for spec labels;
    otherwise the labels are appended in order."""

    brand: str
    model: str
    price: float
    features: Tuple[str, ...]
    blurb: str
    specs: Tuple[Tuple[Option, ...], ...] = ()
    colours: Tuple[str, ...] = ()


def L(brand, model, price, features, blurb, specs=(), colours=()) -> Line:
    """Terse constructor so the tables below stay readable."""
    return Line(brand, model, price, tuple(features), blurb,
                tuple(tuple(axis) for axis in specs), tuple(colours))


def storage(*pairs: Tuple[str, float]) -> List[Option]:
    """A storage axis from (label, delta) pairs."""
    return [opt(label, delta) for label, delta in pairs]


def sizes(pairs: Sequence[Tuple[int, float]], large_from: int = 65) -> List[Option]:
    """A screen-size axis priced absolutely; big sizes also earn the "large screen" tag."""
    return [opt(f"{inch}-Inch", price, *(("large screen",) if inch >= large_from else ()))
            for inch, price in pairs]


CELLULAR_TABLET = [opt("Wi-Fi"), opt("Wi-Fi + Cellular", 150, "5g")]
CELLULAR_WATCH = [opt("GPS"), opt("GPS + Cellular", 100)]
LTE_WATCH = [opt("Bluetooth"), opt("LTE", 50)]

# ---------------------------------------------------------------------------------------------
# smartphones
SMARTPHONES = [
    L("Apple", "iPhone 15 Pro Max", 1199, ["camera", "5g", "oled", "large screen", "battery life"],
      "6.7-inch titanium flagship with a 5x telephoto camera and the A17 Pro chip.",
      [storage(("256GB", 0), ("512GB", 200), ("1TB", 400))], ["Natural Titanium", "Blue Titanium"]),
    L("Apple", "iPhone 15 Pro", 999, ["camera", "5g", "oled", "lightweight"],
      "6.1-inch titanium iPhone with a 48MP Pro camera system and USB-C.",
      [storage(("128GB", 0), ("256GB", 100), ("512GB", 300), ("1TB", 500))],
      ["Natural Titanium", "Black Titanium"]),
    L("Apple", "iPhone 15 Plus", 899, ["camera", "5g", "oled", "battery life", "large screen"],
      "6.7-inch iPhone with Dynamic Island, a 48MP main camera and all-day battery.",
      [storage(("128GB", 0), ("256GB", 100))], ["Blue", "Black"]),
    L("Apple", "iPhone 15", 799, ["camera", "5g", "oled"],
      "6.1-inch iPhone with Dynamic Island, a 48MP main camera and USB-C.",
      [storage(("128GB", 0), ("256GB", 100), ("512GB", 300))], ["Black", "Pink", "Green"]),
    L("Apple", "iPhone 14", 699, ["camera", "5g", "oled"],
      "6.1-inch iPhone with a dual-camera system and Crash Detection.",
      [storage(("128GB", 0), ("256GB", 100))], ["Midnight", "Purple"]),
    L("Apple", "iPhone SE (3rd generation)", 429, ["5g", "lightweight", "fast charging"],
      "Compact 4.7-inch iPhone with Touch ID and the A15 Bionic chip.",
      [storage(("64GB", 0), ("128GB", 50))], ["Midnight", "(PRODUCT)RED"]),
    L("Samsung", "Galaxy S24 Ultra", 1299, ["camera", "stylus", "5g", "large screen", "oled"],
      "6.8-inch titanium Galaxy with a built-in S Pen and a 200MP camera.",
      [storage(("256GB", 0), ("512GB", 120))], ["Titanium Gray", "Titanium Black", "Titanium Violet"]),
    L("Samsung", "Galaxy S24+", 999, ["camera", "5g", "oled", "large screen", "fast charging"],
      "6.7-inch QHD+ Galaxy with Galaxy AI and 45W charging.",
      [storage(("256GB", 0), ("512GB", 120))], ["Onyx Black", "Marble Gray"]),
    L("Samsung", "Galaxy S24", 799, ["camera", "5g", "oled", "lightweight"],
      "Compact 6.2-inch Galaxy with a 50MP triple camera and Galaxy AI.",
      [storage(("128GB", 0), ("256GB", 60))], ["Onyx Black", "Cobalt Violet", "Amber Yellow"]),
    L("Samsung", "Galaxy S23 FE", 599, ["camera", "5g", "oled", "fast charging"],
      "Fan Edition Galaxy with a 50MP camera and a 120Hz display.",
      [storage(("128GB", 0), ("256GB", 60))], ["Mint", "Graphite"]),
    L("Samsung", "Galaxy A55 5G", 449, ["camera", "5g", "oled", "battery life", "waterproof"],
      "Metal-framed mid-ranger with a 50MP OIS camera and IP67 rating.",
      [storage(("128GB", 0), ("256GB", 60))], ["Awesome Navy", "Awesome Iceblue"]),
    L("Samsung", "Galaxy A35 5G", 399, ["camera", "5g", "oled", "battery life"],
      "6.6-inch Super AMOLED phone with a 50MP camera and a 5000mAh battery.",
      [storage(("128GB", 0), ("256GB", 50))], ["Awesome Navy", "Awesome Lilac"]),
    L("Samsung", "Galaxy A25 5G", 299, ["5g", "oled", "battery life", "large screen"],
      "Affordable 6.5-inch Super AMOLED phone with a two-day battery.",
      [storage(("128GB", 0))], ["Blue Black", "Light Blue"]),
    L("Samsung", "Galaxy A15 5G", 199, ["5g", "battery life", "large screen"],
      "Budget 5G phone with a 6.5-inch display and 5000mAh battery.",
      [storage(("128GB", 0))], ["Blue Black", "Light Blue"]),
    L("Samsung", "Galaxy Z Flip5", 999, ["5g", "oled", "lightweight", "camera"],
      "Pocketable foldable with a 3.4-inch Flex Window cover screen.",
      [storage(("256GB", 0), ("512GB", 120))], ["Mint", "Graphite", "Lavender"]),
    L("Google", "Pixel 8 Pro", 999, ["camera", "5g", "oled", "large screen", "smart assistant"],
      "6.7-inch Pixel with a pro triple camera, Tensor G3 and seven years of updates.",
      [storage(("128GB", 0), ("256GB", 60), ("512GB", 180))], ["Obsidian", "Bay"]),
    L("Google", "Pixel 8", 699, ["camera", "5g", "oled", "smart assistant"],
      "6.2-inch Pixel with Google AI photo editing and Tensor G3.",
      [storage(("128GB", 0), ("256GB", 60))], ["Obsidian", "Hazel", "Rose"]),
    L("Google", "Pixel 8a", 499, ["camera", "5g", "oled", "smart assistant"],
      "Affordable Pixel with the Tensor G3 chip and a 64MP camera.",
      [storage(("128GB", 0), ("256GB", 60))], ["Obsidian", "Aloe", "Bay"]),
    L("Google", "Pixel 7a", 349, ["camera", "5g", "oled", "smart assistant"],
      "Great-value Pixel with a 64MP camera and wireless charging.",
      [storage(("128GB", 0))], ["Charcoal", "Sea", "Snow"]),
    L("OnePlus", "12", 799, ["fast charging", "5g", "camera", "oled", "battery life"],
      "Snapdragon 8 Gen 3 flagship with Hasselblad cameras and 80W charging.",
      [storage(("12GB + 256GB", 0), ("16GB + 512GB", 100))], ["Flowy Emerald", "Silky Black"]),
    L("OnePlus", "12R", 499, ["fast charging", "gaming", "battery life", "5g"],
      "Performance phone with a 5500mAh battery and 80W SUPERVOOC charging.",
      [storage(("8GB + 128GB", 0), ("16GB + 256GB", 100))], ["Iron Gray", "Cool Blue"]),
    L("OnePlus", "Nord N30 5G", 299, ["fast charging", "5g", "large screen"],
      "6.72-inch 120Hz phone with 50W charging and a 108MP camera.",
      [storage(("128GB", 0))], ["Chromatic Gray"]),
    L("OnePlus", "Nord N30 SE 5G", 179, ["5g", "battery life", "fast charging"],
      "Entry-level 5G phone with a 5000mAh battery and 33W charging.",
      [storage(("64GB", 0))], ["Cyan Sparkle", "Black Satin"]),
    L("Xiaomi", "14", 799, ["camera", "fast charging", "5g", "oled", "lightweight"],
      "Compact flagship with Leica optics and 90W HyperCharge.",
      [storage(("256GB", 0), ("512GB", 100))], ["Black", "Jade Green"]),
    L("Xiaomi", "14 Ultra", 1299, ["camera", "fast charging", "5g", "oled", "high resolution"],
      "Leica quad-camera flagship with a 1-inch main sensor.",
      [storage(("512GB", 0))], ["Black", "White"]),
    L("Xiaomi", "Redmi Note 13 Pro 5G", 349, ["camera", "fast charging", "5g", "oled"],
      "200MP camera phone with a 120Hz AMOLED display and 67W charging.",
      [storage(("256GB", 0), ("512GB", 50))], ["Midnight Black", "Aurora Purple"]),
    L("Xiaomi", "Redmi Note 13", 199, ["camera", "battery life", "large screen"],
      "6.67-inch AMOLED budget phone with a 108MP camera.",
      [storage(("128GB", 0), ("256GB", 30))], ["Midnight Black", "Ice Blue"]),
    L("Xiaomi", "Poco X6 Pro 5G", 329, ["gaming", "fast charging", "5g", "oled"],
      "Dimensity 8300-Ultra gaming phone with a 1.5K flow AMOLED display.",
      [storage(("256GB", 0), ("512GB", 50))], ["Black", "Yellow"]),
    L("Motorola", "Moto G Power 5G (2024)", 299, ["battery life", "5g", "large screen"],
      "Two-day battery phone with 30W charging and a 6.7-inch display.",
      [storage(("128GB", 0))], ["Midnight Blue", "Pale Lilac"]),
    L("Motorola", "Moto G Stylus 5G (2024)", 399, ["stylus", "5g", "large screen", "camera"],
      "Built-in stylus phone with a 50MP OIS camera and pOLED display.",
      [storage(("256GB", 0))], ["Caramel Latte", "Scarlet Wave"]),
    L("Motorola", "Moto G Play (2024)", 149, ["battery life", "large screen"],
      "Budget phone with a 6.5-inch 90Hz display and a 5000mAh battery.",
      [storage(("64GB", 0))], ["Sapphire Blue"]),
    L("Motorola", "Edge (2024)", 549, ["5g", "oled", "fast charging", "camera"],
      "Curved pOLED phone with a 50MP camera and 68W TurboPower charging.",
      [storage(("256GB", 0))], ["Midnight Magic"]),
    L("Motorola", "Razr+ (2024)", 999, ["5g", "oled", "lightweight", "camera"],
      "Flip phone with a 4-inch external display and a 50MP camera.",
      [storage(("256GB", 0))], ["Midnight Blue", "Hot Pink"]),
    L("Motorola", "Razr (2024)", 699, ["5g", "oled", "lightweight"],
      "Affordable flip phone with a 3.6-inch external display.",
      [storage(("256GB", 0))], ["Koala Grey", "Spritz Orange"]),
    L("Sony", "Xperia 1 V", 1399, ["camera", "4k", "oled", "5g", "high resolution"],
      "Creator flagship with a 4K HDR OLED display and stacked camera sensor.",
      [storage(("256GB", 0))], ["Black", "Platinum Silver"]),
    L("Sony", "Xperia 10 V", 449, ["battery life", "lightweight", "oled", "5g"],
      "Light 159g phone with a 5000mAh battery and a 21:9 OLED display.",
      [storage(("128GB", 0))], ["Black", "Lavender"]),
    L("Nothing", "Phone (2)", 599, ["5g", "oled", "camera", "fast charging"],
      "Transparent-design phone with the Glyph Interface and dual 50MP cameras.",
      [storage(("12GB + 256GB", 0), ("12GB + 512GB", 100))], ["White", "Dark Grey"]),
    L("Nothing", "Phone (2a)", 349, ["5g", "oled", "battery life", "camera"],
      "Mid-range Nothing phone with a 6.7-inch AMOLED display and 5000mAh battery.",
      [storage(("8GB + 128GB", 0), ("12GB + 256GB", 50))], ["Black", "Milk"]),
]

# ---------------------------------------------------------------------------------------------
# laptops: specs are (chip, memory, storage) configurations priced absolutely
def configs(*pairs: Tuple[str, float]) -> List[Option]:
    """A configuration axis priced absolutely (the line's base price is 0)."""
    return [opt(label, price) for label, price in pairs]


LAPTOPS = [
    L("Apple", "MacBook Air 13-inch (M3)", 0, ["lightweight", "battery life"],
      "Fanless 13.6-inch MacBook with up to 18 hours of battery life.",
      [configs(("8GB, 256GB SSD", 1099), ("16GB, 512GB SSD", 1499))], ["Midnight", "Starlight"]),
    L("Apple", "MacBook Air 15-inch (M3)", 0, ["lightweight", "battery life", "large screen"],
      "Thin 15.3-inch MacBook Air with a six-speaker sound system.",
      [configs(("8GB, 256GB SSD", 1299), ("16GB, 512GB SSD", 1699))], ["Space Gray", "Silver"]),
    L("Apple", "MacBook Air 13-inch (M2)", 0, ["lightweight", "battery life"],
      "The popular M2 MacBook Air with a 13.6-inch Liquid Retina display.",
      [configs(("8GB, 256GB SSD", 999))], ["Midnight", "Starlight", "Space Gray"]),
    L("Apple", "MacBook Pro 14-inch", 0, ["battery life", "high resolution", "hdr"],
      "Pro laptop with a Liquid Retina XDR display and up to 22 hours of battery.",
      [configs(("M3, 8GB, 512GB SSD", 1599), ("M3 Pro, 18GB, 512GB SSD", 1999),
               ("M3 Max, 36GB, 1TB SSD", 3199))], ["Space Black", "Silver"]),
    L("Apple", "MacBook Pro 16-inch", 0, ["large screen", "high resolution", "hdr", "battery life"],
      "16.2-inch pro laptop for demanding video and 3D work.",
      [configs(("M3 Pro, 18GB, 512GB SSD", 2499), ("M3 Max, 36GB, 1TB SSD", 3499))], ["Space Black"]),
    L("Dell", "XPS 13", 0, ["lightweight", "battery life"],
      "Compact 13.4-inch ultrabook with an InfinityEdge display.",
      [configs(("Core Ultra 7, 16GB, 512GB SSD", 1099), ("Core Ultra 7, 32GB, 1TB SSD", 1399))]),
    L("Dell", "XPS 14", 0, ["high resolution", "oled", "lightweight"],
      "14.5-inch creator laptop with an optional 3.2K OLED touch display.",
      [configs(("Core Ultra 7, 16GB, 512GB SSD", 1699), ("Core Ultra 7, 32GB, 1TB SSD, OLED", 1999))]),
    L("Dell", "XPS 16", 0, ["large screen", "high resolution", "oled"],
      "16.3-inch performance laptop with GeForce RTX graphics.",
      [configs(("Core Ultra 7, 16GB, 1TB SSD", 2199), ("Core Ultra 9, 32GB, 1TB SSD, OLED", 2899))]),
    L("Dell", "Inspiron 15", 0, ["large screen", "battery life"],
      "Everyday 15.6-inch laptop with a numeric keypad.",
      [configs(("Core i5, 8GB, 512GB SSD", 549), ("Core i7, 16GB, 1TB SSD", 749))]),
    L("Dell", "Inspiron 14 2-in-1", 0, ["touchscreen", "stylus", "lightweight"],
      "Convertible 14-inch laptop with a 360-degree hinge and pen support.",
      [configs(("Core i5, 8GB, 512GB SSD", 699), ("Core i7, 16GB, 1TB SSD", 899))]),
    L("Dell", "G15 Gaming Laptop", 0, ["gaming", "large screen"],
      "15.6-inch 165Hz gaming laptop with Alienware-inspired cooling.",
      [configs(("RTX 4050, 16GB, 512GB SSD", 899), ("RTX 4060, 16GB, 1TB SSD", 1099))]),
    L("Alienware", "m16 R2", 0, ["gaming", "large screen", "high resolution"],
      "16-inch QHD+ 240Hz gaming laptop with Cryo-tech cooling.",
      [configs(("RTX 4060, 16GB, 1TB SSD", 1799), ("RTX 4070, 32GB, 1TB SSD", 2299))]),
    L("Lenovo", "ThinkPad X1 Carbon Gen 12", 0, ["lightweight", "battery life"],
      "Business ultrabook under 2.5 lb with a carbon-fibre chassis.",
      [configs(("Core Ultra 5, 16GB, 512GB SSD", 1799), ("Core Ultra 7, 32GB, 1TB SSD", 2199))]),
    L("Lenovo", "ThinkPad T14 Gen 4", 0, ["battery life", "lightweight"],
      "Durable 14-inch business laptop with a spill-resistant keyboard.",
      [configs(("Core i5, 16GB, 512GB SSD", 1199), ("Core i7, 32GB, 1TB SSD", 1449))]),
    L("Lenovo", "ThinkPad E16 Gen 1", 0, ["large screen", "battery life"],
      "Affordable 16-inch business laptop with a full keyboard.",
      [configs(("Core i5, 16GB, 512GB SSD", 749), ("Core i7, 16GB, 1TB SSD", 899))]),
    L("Lenovo", "Legion Pro 5i Gen 8", 0, ["gaming", "large screen", "high resolution"],
      "16-inch WQXGA 240Hz gaming laptop with Legion ColdFront cooling.",
      [configs(("RTX 4060, 16GB, 1TB SSD", 1499), ("RTX 4070, 32GB, 1TB SSD", 1799))]),
    L("Lenovo", "Legion Slim 5 Gen 8", 0, ["gaming", "lightweight", "battery life"],
      "Slim 14.5-inch OLED gaming laptop that travels well.",
      [configs(("RTX 4050, 16GB, 512GB SSD", 1299), ("RTX 4060, 16GB, 1TB SSD", 1499))]),
    L("Lenovo", "IdeaPad Slim 3", 0, ["lightweight", "battery life"],
      "Thin 15.6-inch everyday laptop for school and home.",
      [configs(("Ryzen 5, 8GB, 512GB SSD", 399), ("Ryzen 7, 16GB, 512GB SSD", 549))]),
    L("Lenovo", "IdeaPad Flex 5", 0, ["touchscreen", "stylus", "lightweight"],
      "14-inch 2-in-1 with pen support and a 360-degree hinge.",
      [configs(("Ryzen 5, 8GB, 512GB SSD", 599), ("Ryzen 7, 16GB, 512GB SSD", 699))]),
    L("Lenovo", "Yoga 9i 2-in-1 Gen 8", 0, ["oled", "touchscreen", "stylus", "4k"],
      "Premium 14-inch 4K OLED convertible with a rotating soundbar.",
      [configs(("Core i7, 16GB, 1TB SSD", 1449))]),
    L("HP", "Spectre x360 14", 0, ["oled", "touchscreen", "stylus", "lightweight"],
      "Gem-cut 2-in-1 with a 2.8K OLED touch display and pen included.",
      [configs(("Core Ultra 7, 16GB, 1TB SSD", 1449), ("Core Ultra 7, 32GB, 2TB SSD", 1649))]),
    L("HP", "Pavilion 15", 0, ["large screen", "battery life"],
      "Reliable 15.6-inch laptop with fast charging and B&O audio.",
      [configs(("Core i5, 8GB, 512GB SSD", 579), ("Core i7, 16GB, 1TB SSD", 729))]),
    L("HP", "Pavilion x360 14", 0, ["touchscreen", "stylus", "lightweight"],
      "14-inch convertible laptop for notes, streaming and homework.",
      [configs(("Core i5, 8GB, 512GB SSD", 649))]),
    L("HP", "Omen 16", 0, ["gaming", "large screen"],
      "16.1-inch gaming laptop with a 165Hz display and OMEN Tempest cooling.",
      [configs(("RTX 4060, 16GB, 1TB SSD", 1199), ("RTX 4070, 32GB, 1TB SSD", 1499))]),
    L("HP", "Victus 15", 0, ["gaming", "large screen"],
      "Entry gaming laptop with a 144Hz display.",
      [configs(("RTX 3050, 8GB, 512GB SSD", 699), ("RTX 4050, 16GB, 512GB SSD", 849))]),
    L("HP", "14 Laptop", 0, ["lightweight", "battery life"],
      "Basic 14-inch laptop for email, browsing and streaming.",
      [configs(("Celeron, 4GB, 64GB eMMC", 299), ("Pentium Silver, 8GB, 128GB SSD", 349))]),
    L("HP", "Envy x360 15", 0, ["touchscreen", "oled", "large screen"],
      "15.6-inch OLED convertible for creative work.",
      [configs(("Ryzen 7, 16GB, 1TB SSD", 899))]),
    L("Asus", "ROG Zephyrus G14", 0, ["gaming", "lightweight", "oled"],
      "14-inch 3K OLED gaming laptop in an aluminium unibody.",
      [configs(("RTX 4060, 16GB, 1TB SSD", 1599), ("RTX 4070, 32GB, 1TB SSD", 1999))]),
    L("Asus", "ROG Strix G16", 0, ["gaming", "large screen", "high resolution"],
      "16-inch 240Hz gaming laptop with Intel Core i9 power.",
      [configs(("RTX 4060, 16GB, 1TB SSD", 1499), ("RTX 4070, 32GB, 1TB SSD", 1899))]),
    L("Asus", "TUF Gaming A15", 0, ["gaming", "battery life"],
      "Military-grade durable 15.6-inch gaming laptop with a 90Wh battery.",
      [configs(("RTX 4050, 16GB, 512GB SSD", 899), ("RTX 4060, 16GB, 1TB SSD", 1099))]),
    L("Asus", "Zenbook 14 OLED", 0, ["oled", "lightweight", "battery life"],
      "2.8-lb 14-inch OLED ultrabook with a 75Wh battery.",
      [configs(("Core Ultra 5, 16GB, 512GB SSD", 899), ("Core Ultra 7, 32GB, 1TB SSD", 1099))]),
    L("Asus", "Zenbook Duo", 0, ["oled", "touchscreen", "stylus", "large screen"],
      "Dual 14-inch OLED touchscreen laptop with a detachable keyboard.",
      [configs(("Core Ultra 7, 16GB, 1TB SSD", 1499))]),
    L("Asus", "Vivobook 15", 0, ["large screen", "lightweight"],
      "Everyday 15.6-inch laptop with a fingerprint reader.",
      [configs(("Core i3, 8GB, 256GB SSD", 449), ("Core i5, 16GB, 512GB SSD", 599))]),
    L("Acer", "Swift Go 14", 0, ["lightweight", "oled", "battery life"],
      "Thin 14-inch OLED laptop with Intel Core Ultra processors.",
      [configs(("Core Ultra 5, 16GB, 512GB SSD", 749), ("Core Ultra 7, 16GB, 1TB SSD", 899))]),
    L("Acer", "Swift X 14", 0, ["oled", "high resolution", "lightweight"],
      "Creator ultrabook with a 2.8K OLED display and RTX graphics.",
      [configs(("RTX 4050, 16GB, 1TB SSD", 1199))]),
    L("Acer", "Nitro 5", 0, ["gaming", "large screen"],
      "Value gaming laptop with a 144Hz display and dual-fan cooling.",
      [configs(("RTX 4050, 8GB, 512GB SSD", 749), ("RTX 4060, 16GB, 1TB SSD", 999))]),
    L("Acer", "Nitro V 15", 0, ["gaming", "battery life"],
      "Budget 15.6-inch gaming laptop with RTX graphics.",
      [configs(("RTX 2050, 8GB, 512GB SSD", 599), ("RTX 4050, 16GB, 512GB SSD", 699))]),
    L("Acer", "Aspire 5", 0, ["large screen", "battery life"],
      "15.6-inch all-rounder with a backlit keyboard.",
      [configs(("Core i5, 8GB, 512GB SSD", 499), ("Core i7, 16GB, 512GB SSD", 649))]),
    L("Acer", "Aspire 3", 0, ["battery life", "lightweight"],
      "Affordable 15.6-inch laptop for everyday tasks.",
      [configs(("Ryzen 3, 8GB, 256GB SSD", 349))]),
    L("Acer", "Predator Helios 16", 0, ["gaming", "high resolution", "large screen"],
      "16-inch 240Hz gaming laptop with a Core i9 and RTX 4080.",
      [configs(("RTX 4070, 16GB, 1TB SSD", 1699), ("RTX 4080, 32GB, 2TB SSD", 2499))]),
    L("Acer", "Chromebook Plus 515", 0, ["battery life", "lightweight"],
      "15.6-inch Chromebook Plus with Google AI tools built in.",
      [configs(("Core i3, 8GB, 128GB SSD", 399))]),
    L("Microsoft", "Surface Laptop 6 13.5-inch", 0, ["touchscreen", "lightweight", "battery life"],
      "Slim touchscreen laptop with Windows 11 Pro and Intel Core Ultra.",
      [configs(("Core Ultra 5, 16GB, 256GB SSD", 1199), ("Core Ultra 7, 32GB, 512GB SSD", 1499))],
      ["Platinum", "Black"]),
    L("Microsoft", "Surface Laptop Go 3", 0, ["lightweight", "touchscreen"],
      "Lightest Surface Laptop with a 12.4-inch touchscreen.",
      [configs(("Core i5, 8GB, 256GB SSD", 799))], ["Platinum", "Sage"]),
    L("Microsoft", "Surface Laptop Studio 2", 0, ["touchscreen", "stylus", "gaming"],
      "Convertible 14.4-inch creator laptop with RTX graphics and pen support.",
      [configs(("RTX 4050, 16GB, 512GB SSD", 1999), ("RTX 4060, 32GB, 1TB SSD", 2399))]),
    L("MSI", "Katana 15", 0, ["gaming", "large screen"],
      "15.6-inch 144Hz gaming laptop with RTX 40-series graphics.",
      [configs(("RTX 4050, 16GB, 512GB SSD", 899), ("RTX 4060, 16GB, 1TB SSD", 999))]),
    L("MSI", "Stealth 16 AI Studio", 0, ["gaming", "lightweight", "oled"],
      "Thin 16-inch gaming and creator laptop with a 240Hz OLED option.",
      [configs(("RTX 4070, 32GB, 1TB SSD", 2299))]),
    L("MSI", "Raider GE78 HX", 0, ["gaming", "large screen", "high resolution"],
      "17-inch flagship gaming laptop with RTX 4080 and a Mystic Light bar.",
      [configs(("RTX 4080, 32GB, 2TB SSD", 2999))]),
    L("MSI", "Modern 14", 0, ["lightweight", "battery life"],
      "Light 14-inch laptop for students and commuters.",
      [configs(("Core i5, 8GB, 512GB SSD", 499))]),
    L("Razer", "Blade 14", 0, ["gaming", "lightweight", "high resolution"],
      "Compact 14-inch QHD+ 240Hz gaming laptop in CNC aluminium.",
      [configs(("RTX 4060, 16GB, 1TB SSD", 2199), ("RTX 4070, 32GB, 1TB SSD", 2699))]),
    L("Razer", "Blade 16", 0, ["gaming", "oled", "high resolution", "large screen"],
      "16-inch OLED 240Hz gaming laptop with Core i9 and RTX 40 graphics.",
      [configs(("RTX 4070, 32GB, 1TB SSD", 2999), ("RTX 4080, 32GB, 1TB SSD", 3499))]),
]

# ---------------------------------------------------------------------------------------------
NC_WIRELESS = ["noise cancelling", "wireless", "battery life"]

HEADPHONES = [
    L("Sony", "WH-1000XM5 Wireless Noise Cancelling Headphones", 399, NC_WIRELESS,
      "Industry-leading noise cancelling over-ear headphones with 30-hour battery.",
      colours=["Black", "Silver", "Midnight Blue"]),
    L("Sony", "WH-1000XM4 Wireless Noise Cancelling Headphones", 279, NC_WIRELESS,
      "Previous-generation flagship over-ear headphones with speak-to-chat.",
      colours=["Black", "Silver"]),
    L("Sony", "WF-1000XM5 Noise Cancelling Earbuds", 299, ["noise cancelling", "wireless", "lightweight"],
      "Small, premium true wireless earbuds with Hi-Res audio support.",
      colours=["Black", "Platinum Silver"]),
    L("Sony", "WH-CH720N Noise Cancelling Headphones", 149, ["noise cancelling", "wireless", "lightweight"],
      "Lightweight over-ear headphones with 35-hour battery.",
      colours=["Black", "Blue"]),
    L("Sony", "WF-C700N Earbuds", 119, ["noise cancelling", "wireless", "lightweight"],
      "Compact noise cancelling earbuds with an IPX4 rating.", colours=["Black", "Lavender"]),
    L("Bose", "QuietComfort Ultra Headphones", 429, NC_WIRELESS + ["high resolution"],
      "Bose's best noise cancelling headphones with Immersive Audio.",
      colours=["Black", "White Smoke"]),
    L("Bose", "QuietComfort Headphones", 349, NC_WIRELESS,
      "Comfortable over-ear noise cancelling headphones with 24-hour battery.",
      colours=["Black", "White Smoke", "Cypress Green"]),
    L("Bose", "QuietComfort Ultra Earbuds", 299, ["noise cancelling", "wireless", "lightweight"],
      "Premium noise cancelling earbuds with CustomTune sound.", colours=["Black", "White Smoke"]),
    L("Bose", "QuietComfort Earbuds", 179, ["noise cancelling", "wireless", "waterproof"],
      "Noise cancelling earbuds with an IPX4 rating and 8.5-hour battery.", colours=["Black"]),
    L("Apple", "AirPods Pro (2nd generation) with MagSafe Case (USB-C)", 249,
      ["noise cancelling", "wireless", "smart assistant", "waterproof"],
      "Active noise cancelling earbuds with Adaptive Audio and hands-free Siri."),
    L("Apple", "AirPods (3rd generation)", 169, ["wireless", "smart assistant", "lightweight"],
      "Spatial audio earbuds with a contoured design and Lightning case."),
    L("Apple", "AirPods (2nd generation)", 129, ["wireless", "smart assistant", "lightweight"],
      "The classic AirPods with quick setup for iPhone."),
    L("Apple", "AirPods Max", 549, ["noise cancelling", "wireless", "high resolution"],
      "Over-ear headphones with computational audio and a knit-mesh canopy.",
      colours=["Space Gray", "Silver", "Sky Blue"]),
    L("Sennheiser", "Momentum 4 Wireless", 379, NC_WIRELESS,
      "Audiophile wireless headphones with a 60-hour battery.", colours=["Black", "White"]),
    L("Sennheiser", "Momentum True Wireless 4", 299, ["noise cancelling", "wireless", "high resolution"],
      "Premium earbuds with aptX Lossless and adaptive ANC.", colours=["Black Graphite"]),
    L("Sennheiser", "HD 660S2 Open-Back Headphones", 599, ["high resolution", "lightweight"],
      "Wired reference headphones for critical listening."),
    L("Sennheiser", "HD 560S Open-Back Headphones", 199, ["high resolution", "lightweight"],
      "Wired open-back headphones with a natural, wide soundstage."),
    L("JBL", "Tune 760NC Headphones", 129, NC_WIRELESS,
      "Foldable noise cancelling headphones with JBL Pure Bass.", colours=["Black", "Blue"]),
    L("JBL", "Tune 510BT Headphones", 49, ["wireless", "lightweight", "fast charging"],
      "Budget on-ear Bluetooth headphones with 40-hour battery.", colours=["Black", "Purple"]),
    L("JBL", "Live 770NC Headphones", 199, NC_WIRELESS,
      "Adaptive noise cancelling headphones with JBL Signature Sound."),
    L("JBL", "Tour Pro 2 Earbuds", 249, ["noise cancelling", "wireless", "smart assistant"],
      "Earbuds with a smart charging case touchscreen."),
    L("JBL", "Endurance Peak 3 Earbuds", 99, ["waterproof", "wireless", "battery life"],
      "IP68 sport earbuds with Powerhooks and 50-hour playback."),
    L("Beats", "Studio Pro Wireless Headphones", 349, NC_WIRELESS,
      "Beats over-ears with personalised spatial audio and USB-C lossless.",
      colours=["Black", "Sandstone", "Navy"]),
    L("Beats", "Solo 4 Wireless Headphones", 199, ["wireless", "battery life", "lightweight"],
      "On-ear headphones with up to 50 hours of battery.", colours=["Matte Black", "Cloud Pink"]),
    L("Beats", "Fit Pro Earbuds", 199, ["noise cancelling", "wireless", "waterproof"],
      "Secure-fit sport earbuds with active noise cancelling.", colours=["Black", "Stone Purple"]),
    L("Beats", "Powerbeats Pro Earbuds", 249, ["wireless", "waterproof", "battery life"],
      "Ear-hook workout earbuds with 9 hours of listening time."),
    L("Beats", "Studio Buds+ Earbuds", 169, ["noise cancelling", "wireless", "lightweight"],
      "Transparent-design earbuds for iPhone and Android."),
    L("Jabra", "Elite 10 Earbuds", 249, ["noise cancelling", "wireless", "smart assistant"],
      "Dolby Atmos earbuds with semi-open comfort."),
    L("Jabra", "Elite 8 Active Earbuds", 199, ["waterproof", "noise cancelling", "wireless"],
      "Toughest sports earbuds with IP68 protection."),
    L("Jabra", "Elite 4 Earbuds", 99, ["noise cancelling", "wireless", "waterproof"],
      "Affordable ANC earbuds with Spotify Tap."),
    L("Jabra", "Evolve2 65 Headset", 279, ["wireless", "battery life", "lightweight"],
      "Office headset with a boom mic and 37-hour battery."),
    L("Anker", "Soundcore Space Q45 Headphones", 149, NC_WIRELESS,
      "Adaptive ANC headphones with up to 50 hours of playback."),
    L("Anker", "Soundcore Life Q30 Headphones", 79, NC_WIRELESS,
      "Budget hybrid ANC headphones with 40-hour battery.", colours=["Black", "Blue"]),
    L("Anker", "Soundcore Liberty 4 NC Earbuds", 99, ["noise cancelling", "wireless", "battery life"],
      "Adaptive ANC earbuds with 10-hour battery.", colours=["Black", "Light Blue"]),
    L("Anker", "Soundcore Sport X10 Earbuds", 69, ["waterproof", "wireless", "lightweight"],
      "IPX7 workout earbuds with rotating ear hooks."),
    L("Samsung", "Galaxy Buds2 Pro Earbuds", 229, ["noise cancelling", "wireless", "high resolution"],
      "24-bit Hi-Fi earbuds tuned for Galaxy phones.", colours=["Graphite", "Bora Purple"]),
    L("Samsung", "Galaxy Buds FE Earbuds", 99, ["noise cancelling", "wireless", "lightweight"],
      "Affordable Galaxy earbuds with active noise cancelling.", colours=["Graphite", "White"]),
    L("Google", "Pixel Buds Pro Earbuds", 199, ["noise cancelling", "wireless", "smart assistant"],
      "Pixel earbuds with Silent Seal ANC and Google Assistant.", colours=["Charcoal", "Porcelain"]),
    L("Google", "Pixel Buds A-Series Earbuds", 99, ["wireless", "smart assistant", "lightweight"],
      "Everyday earbuds with Adaptive Sound and hands-free Google."),
    L("Razer", "BlackShark V2 Pro Gaming Headset", 199, ["gaming", "wireless", "battery life"],
      "Wireless esports headset with a detachable HyperClear mic."),
    L("SteelSeries", "Arctis Nova Pro Wireless Gaming Headset", 349, ["gaming", "wireless", "noise cancelling"],
      "Premium gaming headset with hot-swappable batteries."),
    L("HyperX", "Cloud III Gaming Headset", 99, ["gaming", "lightweight"],
      "Comfortable wired gaming headset with DTS spatial audio."),
    L("Logitech", "G Pro X 2 Lightspeed Gaming Headset", 249, ["gaming", "wireless", "battery life"],
      "Pro-grade gaming headset with graphene drivers and 50-hour battery."),
]

# ---------------------------------------------------------------------------------------------
TABLETS = [
    L("Apple", "iPad Pro 11-inch (M4)", 999, ["oled", "stylus", "high resolution", "lightweight"],
      "Ultra-thin iPad Pro with a Tandem OLED display and the M4 chip.",
      [storage(("256GB", 0), ("512GB", 200)), CELLULAR_TABLET], ["Space Black"]),
    L("Apple", "iPad Pro 13-inch (M4)", 1299, ["oled", "stylus", "large screen", "high resolution"],
      "The biggest iPad Pro with an Ultra Retina XDR display.",
      [storage(("256GB", 0), ("512GB", 200)), CELLULAR_TABLET], ["Silver"]),
    L("Apple", "iPad Air 11-inch (M2)", 599, ["stylus", "lightweight", "battery life"],
      "Light, powerful iPad Air with Apple Pencil Pro support.",
      [storage(("128GB", 0), ("256GB", 100)), CELLULAR_TABLET], ["Blue", "Space Gray"]),
    L("Apple", "iPad Air 13-inch (M2)", 799, ["stylus", "large screen", "battery life"],
      "iPad Air with a 13-inch Liquid Retina display.",
      [storage(("128GB", 0), ("256GB", 100))], ["Starlight", "Purple"]),
    L("Apple", "iPad (10th generation)", 349, ["stylus", "battery life", "lightweight"],
      "Colourful 10.9-inch iPad with USB-C and a landscape camera.",
      [storage(("64GB", 0), ("256GB", 150))], ["Blue", "Silver", "Yellow"]),
    L("Apple", "iPad mini (6th generation)", 499, ["lightweight", "stylus", "battery life"],
      "8.3-inch iPad that fits in one hand.",
      [storage(("64GB", 0), ("256GB", 150))], ["Space Gray", "Starlight"]),
    L("Samsung", "Galaxy Tab S9 Ultra", 1199, ["large screen", "oled", "stylus", "waterproof"],
      "14.6-inch Dynamic AMOLED tablet with S Pen included.",
      [storage(("256GB", 0), ("512GB", 120))], ["Graphite"]),
    L("Samsung", "Galaxy Tab S9+", 999, ["oled", "stylus", "waterproof", "large screen"],
      "12.4-inch AMOLED tablet with an IP68 rating and S Pen.",
      [storage(("256GB", 0), ("512GB", 120))], ["Graphite", "Beige"]),
    L("Samsung", "Galaxy Tab S9", 799, ["oled", "stylus", "waterproof"],
      "11-inch AMOLED tablet with S Pen and IP68 water resistance.",
      [storage(("128GB", 0), ("256GB", 120))], ["Graphite", "Beige"]),
    L("Samsung", "Galaxy Tab S9 FE", 449, ["stylus", "waterproof", "battery life"],
      "Fan Edition tablet with S Pen in the box.",
      [storage(("128GB", 0), ("256GB", 80))], ["Gray", "Mint"]),
    L("Samsung", "Galaxy Tab A9+", 219, ["battery life", "large screen"],
      "11-inch family tablet with quad speakers.", [storage(("64GB", 0), ("128GB", 50))], ["Graphite"]),
    L("Lenovo", "Tab P12", 349, ["stylus", "large screen", "battery life"],
      "12.7-inch 3K tablet with Lenovo Tab Pen Plus included.", [storage(("128GB", 0))], ["Storm Grey"]),
    L("Lenovo", "Tab M11", 229, ["stylus", "battery life"],
      "11-inch tablet with Lenovo Tab Pen and a 7040mAh battery.", [storage(("64GB", 0), ("128GB", 30))],
      ["Luna Grey"]),
    L("Lenovo", "Tab M10 Plus (3rd Gen)", 189, ["battery life", "lightweight"],
      "10.6-inch 2K family tablet with Kids Space.", [storage(("64GB", 0))], ["Storm Grey"]),
    L("Amazon", "Fire HD 10", 139, ["smart assistant", "battery life"],
      "10.1-inch 1080p tablet with Alexa hands-free.",
      [storage(("32GB", 0), ("64GB", 40))], ["Black", "Lilac", "Ocean"]),
    L("Amazon", "Fire HD 8", 99, ["smart assistant", "lightweight"],
      "Portable 8-inch tablet with 13-hour battery.",
      [storage(("32GB", 0), ("64GB", 30))], ["Black", "Emerald"]),
    L("Amazon", "Fire Max 11", 229, ["smart assistant", "stylus", "battery life"],
      "Amazon's most powerful tablet with a 2K display.", [storage(("64GB", 0), ("128GB", 50))],
      ["Gray"]),
    L("Amazon", "Fire 7 Kids", 109, ["lightweight", "smart assistant"],
      "7-inch kids tablet with a kid-proof case and two-year guarantee.", [storage(("16GB", 0))],
      ["Blue", "Purple"]),
    L("Microsoft", "Surface Pro 9", 999, ["touchscreen", "stylus", "lightweight"],
      "2-in-1 tablet that replaces a laptop, with Intel Core processors.",
      [configs(("Core i5, 8GB, 256GB SSD", 0), ("Core i7, 16GB, 512GB SSD", 400))], ["Platinum", "Graphite"]),
    L("Microsoft", "Surface Go 4", 579, ["touchscreen", "lightweight", "stylus"],
      "Compact 10.5-inch Surface for business on the go.", [storage(("128GB", 0))], ["Platinum"]),
    L("OnePlus", "Pad", 479, ["fast charging", "battery life", "large screen"],
      "11.6-inch 144Hz tablet with 67W SUPERVOOC charging.", [storage(("128GB", 0))], ["Halo Green"]),
    L("Xiaomi", "Pad 6", 399, ["large screen", "battery life", "lightweight"],
      "11-inch 144Hz tablet with a Snapdragon 870.", [storage(("128GB", 0), ("256GB", 50))],
      ["Gravity Gray", "Mist Blue"]),
]

# ---------------------------------------------------------------------------------------------
WATCH_HEALTH = ["health tracking", "gps"]

SMARTWATCHES = [
    L("Apple", "Watch Series 9 {1} {0}", 399, WATCH_HEALTH + ["waterproof", "smart assistant"],
      "Brighter display, on-device Siri and double tap gesture.",
      [[opt("41mm"), opt("45mm", 30)], CELLULAR_WATCH], ["Midnight", "Starlight"]),
    L("Apple", "Watch Ultra 2 GPS + Cellular 49mm", 799, WATCH_HEALTH + ["waterproof", "battery life"],
      "Rugged titanium Apple Watch with precision dual-frequency GPS.",
      colours=["Alpine Loop", "Trail Loop", "Ocean Band"]),
    L("Apple", "Watch SE (2nd generation) {1} {0}", 249, WATCH_HEALTH + ["lightweight"],
      "Affordable Apple Watch with Crash Detection and fitness tracking.",
      [[opt("40mm"), opt("44mm", 30)], CELLULAR_WATCH], ["Midnight"]),
    L("Samsung", "Galaxy Watch6 {0} {1}", 299, WATCH_HEALTH + ["lightweight"],
      "Slim Galaxy Watch with a larger display and sleep coaching.",
      [[opt("40mm"), opt("44mm", 30)], LTE_WATCH], ["Graphite", "Gold"]),
    L("Samsung", "Galaxy Watch6 Classic {0} {1}", 399, WATCH_HEALTH + ["waterproof"],
      "Galaxy Watch with the rotating bezel and stainless steel case.",
      [[opt("43mm"), opt("47mm", 30)], LTE_WATCH], ["Black"]),
    L("Samsung", "Galaxy Watch FE 40mm", 199, WATCH_HEALTH + ["lightweight"],
      "Entry Galaxy Watch with BioActive sensor.", colours=["Black", "Pink Gold"]),
    L("Samsung", "Galaxy Fit3 Fitness Tracker", 59, ["health tracking", "battery life", "lightweight"],
      "Slim band with a 1.6-inch AMOLED display and 13-day battery.", colours=["Gray", "Pink Gold"]),
    L("Google", "Pixel Watch 2 41mm", 349, WATCH_HEALTH + ["smart assistant"],
      "Pixel Watch with Fitbit health tracking and Google Assistant.",
      [[opt("Wi-Fi"), opt("LTE", 50)]], ["Matte Black", "Polished Silver"]),
    L("Garmin", "Fenix 7 Pro", 0, WATCH_HEALTH + ["battery life", "waterproof"],
      "Multisport GPS watch with solar charging and a built-in flashlight.",
      [[opt("Solar 47mm", 799), opt("Sapphire Solar 47mm", 899), opt("Sapphire Solar 51mm", 999)]]),
    L("Garmin", "Forerunner 965", 599, WATCH_HEALTH + ["oled", "battery life"],
      "Premium AMOLED running watch with training readiness.", colours=["Black", "Whitestone"]),
    L("Garmin", "Forerunner 265", 449, WATCH_HEALTH + ["oled", "lightweight"],
      "AMOLED running watch with race-time predictions.", colours=["Black", "Aqua"]),
    L("Garmin", "Forerunner 55", 199, WATCH_HEALTH + ["lightweight", "battery life"],
      "Easy-to-use GPS running watch for beginners.", colours=["Black", "Monterra Grey"]),
    L("Garmin", "Venu 3", 449, WATCH_HEALTH + ["oled", "battery life"],
      "AMOLED health smartwatch with sleep coaching and 14-day battery.", colours=["Slate", "Silver"]),
    L("Garmin", "Venu Sq 2", 249, WATCH_HEALTH + ["battery life"],
      "Square-faced fitness smartwatch with 11-day battery.", colours=["Slate", "Cream Gold"]),
    L("Garmin", "Instinct 2 Solar", 399, WATCH_HEALTH + ["battery life", "waterproof"],
      "Rugged outdoor GPS watch with unlimited solar battery life.", colours=["Graphite", "Tidal Blue"]),
    L("Garmin", "vivoactive 5", 299, WATCH_HEALTH + ["oled"],
      "AMOLED fitness smartwatch with 11-day battery.", colours=["Black", "Ivory"]),
    L("Fitbit", "Charge 6", 159, ["health tracking", "gps", "lightweight"],
      "Fitness tracker with built-in GPS and YouTube Music controls.", colours=["Obsidian", "Porcelain"]),
    L("Fitbit", "Sense 2", 299, ["health tracking", "gps", "battery life"],
      "Advanced health smartwatch with stress management and ECG.", colours=["Shadow Grey", "Lunar White"]),
    L("Fitbit", "Versa 4", 199, ["health tracking", "gps", "battery life"],
      "Fitness smartwatch with 40+ exercise modes.", colours=["Black", "Pink Sand"]),
    L("Fitbit", "Inspire 3", 99, ["health tracking", "lightweight", "battery life"],
      "Simple fitness tracker with 10-day battery.", colours=["Midnight Zen", "Lilac Bliss"]),
    L("Amazfit", "GTR 4", 199, WATCH_HEALTH + ["battery life"],
      "Round AMOLED smartwatch with dual-band GPS.", colours=["Superspeed Black", "Vintage Brown"]),
    L("Amazfit", "GTS 4 Mini", 99, ["health tracking", "gps", "lightweight"],
      "Ultra-slim smartwatch with 15-day battery."),
    L("Amazfit", "T-Rex Ultra", 399, WATCH_HEALTH + ["waterproof", "battery life"],
      "Military-grade outdoor watch rated for 30m freediving."),
    L("Amazfit", "Balance", 229, WATCH_HEALTH + ["smart assistant"],
      "Wellness smartwatch with body composition and Alexa.", colours=["Midnight", "Sunset"]),
    L("Amazfit", "Bip 5", 89, ["health tracking", "gps", "large screen"],
      "Budget smartwatch with a 1.91-inch display and 10-day battery."),
    L("OnePlus", "Watch 2", 299, WATCH_HEALTH + ["battery life", "fast charging"],
      "Wear OS watch with a 100-hour smart mode battery.", colours=["Black Steel", "Radiant Steel"]),
    L("Withings", "ScanWatch 2 42mm", 349, ["health tracking", "battery life", "waterproof"],
      "Hybrid smartwatch with ECG and 30-day battery.", colours=["Black", "Rose Gold"]),
]

# ---------------------------------------------------------------------------------------------
def BODY_OR_KIT(kit: str, extra: float) -> List[Option]:
    """A camera sold body-only or as a lens kit."""
    return [opt("Body Only"), opt(kit, extra)]

CAMERAS = [
    L("Canon", "EOS R5 Mirrorless Camera", 3899, ["camera", "high resolution", "4k", "hdr"],
      "45MP full-frame mirrorless camera with 8K video.", [BODY_OR_KIT("with RF 24-105mm f/4L Lens", 1100)]),
    L("Canon", "EOS R6 Mark II Mirrorless Camera", 2499, ["camera", "4k", "high resolution"],
      "24MP full-frame camera with 40fps bursts.", [BODY_OR_KIT("with RF 24-105mm f/4L Lens", 1100)]),
    L("Canon", "EOS R8 Mirrorless Camera", 1499, ["camera", "4k", "lightweight"],
      "Lightest full-frame EOS R body with 4K60 video.", [BODY_OR_KIT("with RF 24-50mm Lens", 200)]),
    L("Canon", "EOS R7 Mirrorless Camera", 1499, ["camera", "4k", "high resolution"],
      "32.5MP APS-C camera for wildlife and sports.", [BODY_OR_KIT("with RF-S 18-150mm Lens", 400)]),
    L("Canon", "EOS R50 Mirrorless Camera with RF-S 18-45mm Lens", 799, ["camera", "4k", "lightweight"],
      "Compact APS-C camera for creators.", colours=["Black", "White"]),
    L("Canon", "EOS R100 Mirrorless Camera with RF-S 18-45mm Lens", 599, ["camera", "lightweight"],
      "Entry-level EOS R camera for first-time shooters."),
    L("Canon", "PowerShot G7 X Mark III", 749, ["camera", "4k", "lightweight"],
      "Pocket vlogging camera with a 1-inch sensor.", colours=["Black", "Silver"]),
    L("Sony", "Alpha a7 IV Mirrorless Camera", 2499, ["camera", "4k", "high resolution"],
      "33MP full-frame hybrid camera.", [BODY_OR_KIT("with FE 28-70mm Lens", 200)]),
    L("Sony", "Alpha a7R V Mirrorless Camera", 3899, ["camera", "high resolution", "4k"],
      "61MP full-frame camera with AI subject recognition."),
    L("Sony", "Alpha a7C II Mirrorless Camera", 2199, ["camera", "lightweight", "4k"],
      "Compact full-frame camera for travel.", [BODY_OR_KIT("with FE 28-60mm Lens", 300)], ["Black", "Silver"]),
    L("Sony", "Alpha a6700 Mirrorless Camera", 1399, ["camera", "4k", "lightweight"],
      "APS-C flagship with AI autofocus.", [BODY_OR_KIT("with 18-135mm Lens", 600)]),
    L("Sony", "Alpha a6400 Mirrorless Camera with 16-50mm Lens", 999, ["camera", "4k", "lightweight"],
      "Fast-focusing APS-C camera with a flip screen."),
    L("Sony", "ZV-E10 Vlog Camera with 16-50mm Lens", 799, ["camera", "4k", "lightweight"],
      "Interchangeable-lens vlog camera.", colours=["Black", "White"]),
    L("Sony", "ZV-1 II Vlog Camera", 899, ["camera", "4k", "lightweight"],
      "Pocket vlog camera with an 18-50mm wide zoom."),
    L("Sony", "RX100 VII Compact Camera", 1299, ["camera", "4k", "lightweight"],
      "1-inch compact with a 24-200mm zoom."),
    L("Nikon", "Z8 Mirrorless Camera", 3999, ["camera", "high resolution", "4k", "hdr"],
      "45.7MP stacked-sensor camera with 8K video."),
    L("Nikon", "Z6 III Mirrorless Camera", 2499, ["camera", "4k", "high resolution"],
      "Partially stacked 24.5MP full-frame camera.", [BODY_OR_KIT("with NIKKOR Z 24-120mm Lens", 900)]),
    L("Nikon", "Z5 Mirrorless Camera", 1399, ["camera", "lightweight"],
      "Affordable full-frame camera with dual card slots.", [BODY_OR_KIT("with 24-50mm Lens", 200)]),
    L("Nikon", "Zf Mirrorless Camera", 1999, ["camera", "4k", "high resolution"],
      "Heritage-styled full-frame camera with modern autofocus."),
    L("Nikon", "Z50 Mirrorless Camera with 16-50mm Lens", 999, ["camera", "4k", "lightweight"],
      "DX-format travel camera."),
    L("Nikon", "Z fc Mirrorless Camera with 16-50mm Lens", 959, ["camera", "4k", "lightweight"],
      "Retro DX camera with dial controls.", colours=["Black", "Silver"]),
    L("Fujifilm", "X-T5 Mirrorless Camera", 1699, ["camera", "high resolution", "4k"],
      "40MP APS-C camera with classic dials.", [BODY_OR_KIT("with XF 18-55mm Lens", 400)], ["Black", "Silver"]),
    L("Fujifilm", "X-S20 Mirrorless Camera", 1299, ["camera", "4k", "battery life"],
      "Compact hybrid camera with a big battery.", [BODY_OR_KIT("with XC 15-45mm Lens", 100)]),
    L("Fujifilm", "X100VI Digital Camera", 1599, ["camera", "high resolution", "lightweight"],
      "40MP fixed-lens street camera.", colours=["Black", "Silver"]),
    L("Fujifilm", "X-T30 II Mirrorless Camera with XC 15-45mm Lens", 899, ["camera", "4k", "lightweight"],
      "Compact X-series body for beginners.", colours=["Black", "Silver"]),
    L("Panasonic", "Lumix S5 II Mirrorless Camera", 1999, ["camera", "4k", "high resolution"],
      "Full-frame hybrid with phase-detect autofocus.", [BODY_OR_KIT("with 20-60mm Lens", 200)]),
    L("Panasonic", "Lumix G9 II Mirrorless Camera", 1899, ["camera", "4k", "high resolution"],
      "Micro Four Thirds camera for wildlife and action."),
    L("Panasonic", "Lumix GH6 Mirrorless Camera", 1699, ["camera", "4k", "hdr"],
      "Video-first camera with 5.7K ProRes recording."),
    L("Panasonic", "Lumix G7 Mirrorless Camera with 14-42mm Lens", 499, ["camera", "4k", "lightweight"],
      "Affordable 4K photo and video camera."),
    L("GoPro", "HERO12 Black", 399, ["camera", "waterproof", "4k", "hdr"],
      "Waterproof action camera with HDR video and HyperSmooth 6.0."),
    L("GoPro", "HERO12 Black Creator Edition", 549, ["camera", "waterproof", "4k", "battery life"],
      "HERO12 with Volta grip, Media Mod and Light Mod."),
    L("GoPro", "HERO11 Black", 299, ["camera", "waterproof", "4k"],
      "Action camera with a large 8:7 sensor."),
    L("DJI", "Osmo Action 4", 299, ["camera", "waterproof", "4k", "battery life"],
      "Action camera with a 1/1.3-inch sensor for low light."),
    L("DJI", "Osmo Pocket 3", 519, ["camera", "4k", "lightweight"],
      "Pocket gimbal camera with a 1-inch CMOS sensor."),
    L("DJI", "Mini 4 Pro Drone", 759, ["camera", "long range", "gps", "4k", "lightweight"],
      "Sub-249g camera drone with omnidirectional obstacle sensing.",
      [[opt("with RC-N2"), opt("with DJI RC 2", 200)]]),
    L("DJI", "Mini 3 Drone", 469, ["camera", "long range", "gps", "lightweight"],
      "Beginner-friendly mini drone with 4K HDR video."),
    L("DJI", "Air 3 Drone", 1099, ["camera", "long range", "gps", "4k"],
      "Dual-camera drone with 46-minute flight time."),
    L("Insta360", "X4 360 Camera", 499, ["camera", "waterproof", "high resolution", "4k"],
      "8K 360-degree action camera with invisible selfie stick effect."),
]

# ---------------------------------------------------------------------------------------------
TV_BASE = ["4k", "hdr", "smart assistant"]

TVS = [
    L("LG", "{0} OLED evo C3 4K Smart TV", 0, ["oled", "4k", "hdr", "gaming"],
      "Self-lit OLED TV with Dolby Vision and 120Hz gaming.",
      [sizes([(42, 999), (48, 1199), (55, 1499), (65, 1999), (77, 2999), (83, 3999)])]),
    L("LG", "{0} OLED evo G3 4K Smart TV", 0, ["oled", "4k", "hdr", "high resolution"],
      "Gallery-design OLED TV with Brightness Booster Max.",
      [sizes([(55, 2199), (65, 2999), (77, 3999)])]),
    L("LG", "{0} OLED B3 4K Smart TV", 0, ["oled", "4k", "hdr", "gaming"],
      "Entry OLED TV with perfect blacks and webOS.",
      [sizes([(55, 1299), (65, 1699), (77, 2499)])]),
    L("LG", "{0} QNED80 4K Smart TV", 0, TV_BASE,
      "Quantum dot NanoCell TV with local dimming.", [sizes([(50, 549), (55, 649), (65, 849), (75, 1099)])]),
    L("Samsung", "{0} Neo QLED QN90C 4K Smart TV", 0, ["4k", "hdr", "gaming", "smart assistant"],
      "Mini-LED TV with anti-glare and Neural Quantum Processor.",
      [sizes([(43, 999), (55, 1599), (65, 1999), (75, 2799), (85, 3499)])]),
    L("Samsung", "{0} Neo QLED QN85C 4K Smart TV", 0, TV_BASE,
      "Mini-LED TV with Quantum HDR and Object Tracking Sound.",
      [sizes([(55, 1299), (65, 1599), (75, 2199)])]),
    L("Samsung", "{0} OLED S90C 4K Smart TV", 0, ["oled", "4k", "hdr", "gaming"],
      "Quantum dot OLED TV with 144Hz gaming.", [sizes([(55, 1599), (65, 1999), (77, 2899)])]),
    L("Samsung", "{0} Crystal UHD CU7000 4K Smart TV", 0, TV_BASE,
      "Affordable 4K TV with Tizen smart apps.",
      [sizes([(43, 279), (50, 319), (55, 379), (65, 479), (75, 649)])]),
    L("Sony", "{0} Bravia XR A80L OLED 4K Google TV", 0, ["oled", "4k", "hdr", "smart assistant"],
      "OLED Google TV with Cognitive Processor XR.", [sizes([(55, 1799), (65, 2299), (77, 3299)])]),
    L("Sony", "{0} Bravia XR X90L 4K Google TV", 0, ["4k", "hdr", "gaming", "smart assistant"],
      "Full-array LED TV made for PlayStation 5.", [sizes([(55, 1299), (65, 1599), (75, 2199), (85, 2799)])]),
    L("Sony", "{0} Bravia X80K 4K Google TV", 0, TV_BASE,
      "4K HDR Google TV with Triluminos Pro.", [sizes([(43, 599), (50, 699), (55, 799), (65, 999)])]),
    L("TCL", "{0} QM8 QLED 4K Google TV", 0, ["4k", "hdr", "gaming", "smart assistant"],
      "Mini-LED Google TV with 2,500-nit peak brightness.", [sizes([(65, 1599), (75, 1999), (85, 2799)])]),
    L("TCL", "{0} Q7 QLED 4K Google TV", 0, ["4k", "hdr", "gaming"],
      "120Hz QLED TV with Game Accelerator 240.", [sizes([(55, 699), (65, 899), (75, 1299)])]),
    L("TCL", "{0} S4 4K Google TV", 0, TV_BASE,
      "Budget 4K HDR Google TV.", [sizes([(43, 249), (50, 299), (55, 349), (65, 449), (75, 649)])]),
    L("Hisense", "{0} U8K Mini-LED 4K Google TV", 0, ["4k", "hdr", "gaming", "smart assistant"],
      "Bright Mini-LED TV with 144Hz gaming.", [sizes([(55, 899), (65, 1199), (75, 1599)])]),
    L("Hisense", "{0} A6 4K Google TV", 0, TV_BASE,
      "Value 4K Google TV with Dolby Vision.", [sizes([(43, 229), (50, 279), (65, 399), (75, 599)])]),
    L("Vizio", "{0} M-Series Quantum 4K Smart TV", 0, ["4k", "hdr", "gaming"],
      "Quantum color TV with Dolby Vision Bright Mode.", [sizes([(50, 399), (55, 449), (65, 599)])]),
    L("Vizio", "{0} V-Series 4K Smart TV", 0, ["4k", "hdr", "smart assistant"],
      "Budget 4K TV with SmartCast and Apple AirPlay.", [sizes([(43, 249), (50, 299), (55, 329), (65, 429)])]),
]

# ---------------------------------------------------------------------------------------------
SPEAKERS = [
    L("Sonos", "Era 100 Smart Speaker", 249, ["wireless", "smart assistant", "high resolution"],
      "Compact smart speaker with stereo sound and Trueplay tuning.", colours=["Black", "White"]),
    L("Sonos", "Era 300 Smart Speaker", 449, ["wireless", "smart assistant", "high resolution"],
      "Spatial audio speaker with Dolby Atmos.", colours=["Black", "White"]),
    L("Sonos", "Arc Soundbar", 899, ["smart assistant", "wireless", "high resolution", "hdr"],
      "Premium Dolby Atmos soundbar for TV.", colours=["Black", "White"]),
    L("Sonos", "Beam (Gen 2) Soundbar", 499, ["smart assistant", "wireless", "lightweight"],
      "Compact Dolby Atmos soundbar for TV.", colours=["Black", "White"]),
    L("Sonos", "Ray Soundbar", 279, ["wireless", "lightweight"],
      "Compact soundbar for TV and music."),
    L("Sonos", "Sub Mini Wireless Subwoofer", 429, ["wireless", "lightweight"],
      "Compact wireless subwoofer that pairs with a Sonos soundbar."),
    L("Sonos", "Roam 2 Portable Speaker", 179, ["wireless", "waterproof", "lightweight"],
      "Ultra-portable smart speaker with IP67 protection.", colours=["Black", "Olive"]),
    L("Sonos", "Move 2 Portable Speaker", 449, ["wireless", "waterproof", "battery life"],
      "Portable stereo speaker with 24-hour battery."),
    L("JBL", "Flip 6 Portable Speaker", 129, ["wireless", "waterproof", "lightweight"],
      "Rugged IP67 Bluetooth speaker with 12-hour battery.", colours=["Black", "Blue", "Red"]),
    L("JBL", "Charge 5 Portable Speaker", 179, ["wireless", "waterproof", "battery life"],
      "IP67 speaker with a built-in power bank.", colours=["Black", "Blue", "Camo"]),
    L("JBL", "Xtreme 3 Portable Speaker", 379, ["wireless", "waterproof", "battery life"],
      "Big-sound portable speaker with a shoulder strap."),
    L("JBL", "Go 3 Portable Speaker", 49, ["wireless", "waterproof", "lightweight"],
      "Pocket-size IP67 Bluetooth speaker.", colours=["Black", "Pink"]),
    L("JBL", "Clip 4 Portable Speaker", 79, ["wireless", "waterproof", "lightweight"],
      "Clip-on IP67 speaker for bags and bikes."),
    L("JBL", "PartyBox 110 Speaker", 399, ["wireless", "battery life", "waterproof"],
      "Party speaker with light show and 12-hour battery."),
    L("JBL", "Bar 500 Soundbar", 599, ["wireless", "hdr", "smart assistant"],
      "5.1-channel Dolby Atmos soundbar with a wireless subwoofer."),
    L("Bose", "SoundLink Flex Portable Speaker", 149, ["wireless", "waterproof", "lightweight"],
      "Rugged IP67 speaker that floats.", colours=["Black", "Stone Blue"]),
    L("Bose", "SoundLink Max Portable Speaker", 399, ["wireless", "waterproof", "battery life"],
      "Bose's biggest portable speaker with 20-hour battery."),
    L("Bose", "SoundLink Revolve+ II Portable Speaker", 329, ["wireless", "battery life", "waterproof"],
      "360-degree portable speaker with 17-hour battery."),
    L("Bose", "Smart Soundbar 600", 499, ["wireless", "smart assistant", "hdr"],
      "Compact Dolby Atmos soundbar with Alexa built in."),
    L("Bose", "Smart Ultra Soundbar", 899, ["wireless", "smart assistant", "high resolution"],
      "Flagship soundbar with A.I. Dialogue Mode."),
    L("Ultimate Ears", "UE Boom 3 Portable Speaker", 149, ["wireless", "waterproof", "battery life"],
      "360-degree waterproof speaker that floats.", colours=["Night Black", "Cobalt Blue"]),
    L("Ultimate Ears", "UE Megaboom 3 Portable Speaker", 199, ["wireless", "waterproof", "battery life"],
      "Bigger-bass 360-degree waterproof speaker."),
    L("Ultimate Ears", "UE Wonderboom 3 Portable Speaker", 99, ["wireless", "waterproof", "lightweight"],
      "Tiny waterproof speaker with Outdoor Boost."),
    L("Marshall", "Emberton II Portable Speaker", 169, ["wireless", "waterproof", "battery life"],
      "Iconic-design speaker with 30+ hours of playtime.", colours=["Black & Brass", "Cream"]),
    L("Marshall", "Stanmore III Home Speaker", 379, ["wireless", "high resolution"],
      "Classic home speaker with room-filling sound.", colours=["Black", "Cream"]),
    L("Marshall", "Acton III Home Speaker", 279, ["wireless", "lightweight"],
      "Compact home speaker with Marshall signature sound.", colours=["Black", "Brown"]),
    L("Marshall", "Middleton Portable Speaker", 299, ["wireless", "waterproof", "battery life"],
      "Rugged stereo speaker with 20+ hours of playtime."),
    L("Amazon", "Echo (4th Gen) Smart Speaker", 99, ["smart assistant", "wireless"],
      "Alexa smart speaker with premium sound and a smart home hub.", colours=["Charcoal", "Glacier White"]),
    L("Amazon", "Echo Dot (5th Gen) Smart Speaker", 49, ["smart assistant", "wireless", "lightweight"],
      "Compact Alexa speaker with better bass.", colours=["Charcoal", "Deep Sea Blue"]),
    L("Amazon", "Echo Pop Smart Speaker", 39, ["smart assistant", "wireless", "lightweight"],
      "Small Alexa speaker for bedrooms."),
    L("Amazon", "Echo Studio Smart Speaker", 199, ["smart assistant", "wireless", "high resolution"],
      "Alexa speaker with spatial audio and Dolby Atmos."),
    L("Amazon", "Echo Show 8 Smart Display", 149, ["smart assistant", "touchscreen", "wireless"],
      "8-inch smart display with Alexa and video calling."),
    L("Google", "Nest Audio Smart Speaker", 99, ["smart assistant", "wireless"],
      "Google Assistant speaker with room-filling sound.", colours=["Chalk", "Charcoal"]),
    L("Google", "Nest Mini Smart Speaker", 49, ["smart assistant", "wireless", "lightweight"],
      "Compact Google Assistant speaker."),
    L("Apple", "HomePod (2nd generation)", 299, ["smart assistant", "wireless", "high resolution"],
      "Siri speaker with spatial audio and room sensing.", colours=["Midnight", "White"]),
    L("Apple", "HomePod mini", 99, ["smart assistant", "wireless", "lightweight"],
      "Compact Siri speaker for the smart home.", colours=["Blue", "Yellow", "Orange"]),
    L("Samsung", "HW-Q990C 11.1.4ch Soundbar", 1399, ["wireless", "hdr", "high resolution"],
      "Dolby Atmos soundbar with wireless subwoofer and rear speakers."),
    L("Samsung", "HW-Q600C 3.1.2ch Soundbar", 399, ["wireless", "hdr", "smart assistant"],
      "Dolby Atmos soundbar with a wireless subwoofer."),
]

# ---------------------------------------------------------------------------------------------
MONITORS = [
    L("Dell", "UltraSharp 27 4K USB-C Hub Monitor (U2723QE)", 579, ["4k", "high resolution", "hdr"],
      "27-inch 4K IPS Black monitor with a USB-C hub."),
    L("Dell", "UltraSharp 32 4K USB-C Hub Monitor (U3223QE)", 899, ["4k", "high resolution", "large screen"],
      "32-inch 4K productivity monitor with 90W USB-C."),
    L("Dell", "UltraSharp 24 Monitor (U2424H)", 269, ["high resolution", "lightweight"],
      "24-inch Full HD 120Hz office monitor."),
    L("Dell", "UltraSharp 34 Curved USB-C Hub Monitor (U3423WE)", 949, ["large screen", "high resolution"],
      "34-inch WQHD curved monitor with a KVM switch."),
    L("Dell", "27 Gaming Monitor (G2724D)", 219, ["gaming", "high resolution"],
      "27-inch QHD 165Hz gaming monitor."),
    L("Alienware", "34 QD-OLED Gaming Monitor (AW3423DWF)", 899, ["oled", "gaming", "hdr", "large screen"],
      "34-inch curved QD-OLED monitor with 165Hz refresh."),
    L("Alienware", "27 360Hz QD-OLED Gaming Monitor (AW2725DF)", 899, ["oled", "gaming", "hdr"],
      "27-inch QHD QD-OLED esports monitor."),
    L("LG", "UltraGear 27-Inch OLED Gaming Monitor (27GR95QE-B)", 999, ["oled", "gaming", "hdr"],
      "27-inch QHD 240Hz OLED gaming monitor."),
    L("LG", "UltraGear 27-Inch QHD Gaming Monitor (27GP850-B)", 349, ["gaming", "high resolution"],
      "Nano IPS 165Hz gaming monitor."),
    L("LG", "UltraGear 32-Inch 4K Gaming Monitor (32GQ950-B)", 899, ["4k", "gaming", "hdr", "large screen"],
      "32-inch 4K 144Hz Nano IPS gaming monitor."),
    L("LG", "UltraGear 45-Inch Curved OLED Gaming Monitor (45GR95QE-B)", 1699,
      ["oled", "gaming", "large screen", "hdr"], "45-inch 800R curved OLED with 240Hz."),
    L("LG", "UltraGear 24-Inch Gaming Monitor (24GN600-B)", 179, ["gaming", "lightweight"],
      "24-inch Full HD 144Hz IPS gaming monitor."),
    L("LG", "UltraFine 27-Inch 4K Ergo Monitor (27UN880-B)", 499, ["4k", "high resolution", "hdr"],
      "27-inch 4K monitor with a clamp ergonomic arm and USB-C."),
    L("LG", "27-Inch 4K UHD Monitor (27UP650-W)", 299, ["4k", "hdr"],
      "Affordable 27-inch 4K IPS monitor."),
    L("Samsung", "Odyssey OLED G9 49-Inch Curved Gaming Monitor", 1599,
      ["oled", "gaming", "large screen", "hdr"], "49-inch Dual QHD 240Hz curved OLED."),
    L("Samsung", "Odyssey OLED G8 34-Inch Curved Gaming Monitor", 1299,
      ["oled", "gaming", "large screen", "hdr"], "34-inch WQHD 175Hz QD-OLED."),
    L("Samsung", "Odyssey Neo G8 32-Inch 4K Gaming Monitor", 1299, ["4k", "gaming", "hdr", "large screen"],
      "Mini-LED 4K 240Hz curved gaming monitor."),
    L("Samsung", "Odyssey G7 32-Inch Curved Gaming Monitor", 599, ["gaming", "high resolution", "large screen"],
      "32-inch QHD 240Hz 1000R curved monitor."),
    L("Samsung", "Odyssey G5 27-Inch Gaming Monitor", 279, ["gaming", "high resolution"],
      "27-inch QHD 165Hz curved gaming monitor."),
    L("Samsung", "ViewFinity S9 27-Inch 5K Monitor", 1599, ["high resolution", "hdr", "4k"],
      "27-inch 5K monitor with a matte display and SlimFit camera."),
    L("Samsung", "Smart Monitor M8 32-Inch 4K", 699, ["4k", "smart assistant", "large screen"],
      "32-inch 4K smart monitor with streaming apps and a webcam."),
    L("Asus", "ProArt Display 27-Inch QHD Monitor (PA278QV)", 299, ["high resolution", "hdr"],
      "Calman-verified 27-inch monitor for creators."),
    L("Asus", "ProArt Display 27-Inch 4K Monitor (PA279CRV)", 469, ["4k", "high resolution", "hdr"],
      "27-inch 4K monitor with 99% DCI-P3 and USB-C."),
    L("Asus", "ProArt Display 32-Inch 4K Mini-LED Monitor (PA32UCG)", 2999,
      ["4k", "hdr", "high resolution", "large screen"], "Reference 32-inch 4K HDR monitor."),
    L("Asus", "ROG Swift 27-Inch OLED Gaming Monitor (PG27AQDM)", 899, ["oled", "gaming", "hdr"],
      "27-inch QHD 240Hz OLED gaming monitor."),
    L("Asus", "TUF Gaming 27-Inch Monitor (VG27AQ)", 279, ["gaming", "high resolution"],
      "27-inch QHD 165Hz G-Sync compatible monitor."),
    L("BenQ", "PD2705U 27-Inch 4K Designer Monitor", 499, ["4k", "high resolution", "hdr"],
      "Designer monitor with USB-C and sRGB accuracy."),
    L("BenQ", "PD3205U 32-Inch 4K Designer Monitor", 899, ["4k", "high resolution", "large screen"],
      "32-inch 4K monitor with a KVM switch."),
    L("BenQ", "GW2480 24-Inch Eye-Care Monitor", 129, ["lightweight", "high resolution"],
      "24-inch Full HD monitor with flicker-free backlight."),
    L("BenQ", "Mobiuz EX2710Q 27-Inch Gaming Monitor", 299, ["gaming", "hdr"],
      "27-inch QHD 165Hz gaming monitor with treVolo speakers."),
    L("BenQ", "Zowie XL2546K 24.5-Inch Esports Monitor", 499, ["gaming", "lightweight"],
      "240Hz DyAc+ monitor for competitive gaming."),
    L("Apple", "Studio Display", 1599, ["high resolution", "4k", "smart assistant"],
      "27-inch 5K Retina display with a 12MP camera.",
      [[opt("Standard Glass"), opt("Nano-Texture Glass", 300)]]),
    L("HP", "M27f 27-Inch FHD Monitor", 199, ["lightweight", "high resolution"],
      "Ultra-slim 27-inch IPS monitor."),
    L("HP", "Omen 27qs QHD Gaming Monitor", 349, ["gaming", "high resolution"],
      "27-inch QHD 240Hz IPS gaming monitor."),
    L("Acer", "Nitro XV272U 27-Inch Gaming Monitor", 249, ["gaming", "high resolution"],
      "27-inch QHD 170Hz gaming monitor."),
    L("Acer", "Predator X34 Curved Gaming Monitor", 899, ["gaming", "large screen", "oled"],
      "34-inch curved OLED gaming monitor."),
    L("Gigabyte", "M27Q 27-Inch KVM Gaming Monitor", 299, ["gaming", "high resolution"],
      "27-inch QHD 170Hz monitor with a built-in KVM."),
    L("MSI", "MAG 274QRF-QD 27-Inch Gaming Monitor", 299, ["gaming", "hdr", "high resolution"],
      "27-inch Quantum Dot QHD 165Hz gaming monitor."),
    L("MSI", "MPG 321URX 32-Inch 4K QD-OLED Gaming Monitor", 949, ["4k", "oled", "gaming", "large screen"],
      "32-inch 4K 240Hz QD-OLED gaming monitor."),
    L("Lenovo", "ThinkVision P27h-30 27-Inch USB-C Monitor", 379, ["high resolution", "lightweight"],
      "QHD business monitor with USB-C docking."),
    L("Lenovo", "Legion Y27qf-30 27-Inch Gaming Monitor", 329, ["gaming", "high resolution"],
      "27-inch QHD 250Hz gaming monitor."),
]

# ---------------------------------------------------------------------------------------------
ACCESSORIES = [
    # chargers and cables
    L("Apple", "20W USB-C Power Adapter", 19, ["fast charging", "lightweight"],
      "Compact fast charger for iPhone and iPad."),
    L("Apple", "35W Dual USB-C Port Compact Power Adapter", 59, ["fast charging", "lightweight"],
      "Dual-port charger for iPhone, iPad and MacBook Air."),
    L("Apple", "MagSafe Charger", 39, ["wireless", "fast charging"],
      "Magnetic wireless charger for iPhone.", [[opt("1m"), opt("2m", 10)]]),
    L("Apple", "USB-C Charge Cable (240W, 2m)", 29, ["fast charging", "lightweight"],
      "Woven USB-C cable for MacBook, iPad and iPhone."),
    L("Apple", "USB-C to Lightning Cable (1m)", 19, ["fast charging", "lightweight"],
      "Lightning cable for older iPhone and AirPods."),
    L("Anker", "737 Power Bank (PowerCore 24K)", 109, ["fast charging", "battery life"],
      "24,000mAh power bank with 140W output for laptops and phones."),
    L("Anker", "622 Magnetic Battery (MagGo)", 69, ["wireless", "battery life", "lightweight"],
      "Magnetic power bank with a fold-out stand for iPhone."),
    L("Anker", "PowerCore 10000 Power Bank", 25, ["battery life", "lightweight"],
      "Pocket-size 10,000mAh power bank for phones."),
    L("Anker", "Nano 65W USB-C Charger", 45, ["fast charging", "lightweight"],
      "GaN charger for laptops, tablets and phones.", colours=["Black", "White"]),
    L("Anker", "313 Wireless Charger Pad", 15, ["wireless", "lightweight"],
      "10W Qi wireless charger for phones and earbuds."),
    L("Anker", "3-in-1 Cube with MagSafe", 149, ["wireless", "fast charging", "lightweight"],
      "Folding wireless charger for iPhone, Apple Watch and AirPods."),
    L("Anker", "USB-C to USB-C Cable (6ft, 100W)", 15, ["fast charging", "lightweight"],
      "Braided USB-C cable for phones, tablets and laptops.", [[opt("1-Pack"), opt("2-Pack", 8)]]),
    L("Anker", "555 USB-C Hub (8-in-1)", 69, ["4k", "lightweight"],
      "USB-C hub with 4K HDMI, Ethernet and SD card reader for laptops."),
    L("Belkin", "BoostCharge Pro 3-in-1 Wireless Charging Stand with MagSafe", 149, ["wireless", "fast charging"],
      "15W MagSafe charging stand for iPhone, Apple Watch and AirPods.", colours=["Black", "White"]),
    L("Belkin", "BoostCharge Pro 65W Dual USB-C GaN Charger", 49, ["fast charging", "lightweight"],
      "Dual-port wall charger for laptops and phones."),
    L("Belkin", "BoostCharge Power Bank 10K", 39, ["battery life", "fast charging", "lightweight"],
      "10,000mAh USB-C power bank for phones and earbuds."),
    L("Belkin", "Connect USB-C 11-in-1 Multiport Dock", 199, ["4k", "fast charging"],
      "Laptop dock with dual HDMI, Ethernet and 100W passthrough."),
    L("Belkin", "Ultra High Speed HDMI 2.1 Cable (2m)", 29, ["4k", "hdr", "gaming"],
      "48Gbps HDMI cable for 4K 120Hz TVs, monitors and consoles."),
    L("Belkin", "ScreenForce UltraGlass Screen Protector for iPhone 15 Pro", 39, ["lightweight", "touchscreen"],
      "Tempered glass screen protector for iPhone 15 Pro."),
    L("Samsung", "45W Super Fast Charging Power Adapter", 49, ["fast charging", "lightweight"],
      "USB-C charger for Galaxy S24 Ultra and Galaxy Tab."),
    L("Samsung", "25W Super Fast Charging Power Adapter", 19, ["fast charging", "lightweight"],
      "USB-C charger for Galaxy phones."),
    L("Samsung", "Wireless Charger Duo", 59, ["wireless", "fast charging"],
      "Charges a Galaxy phone and Galaxy Watch at once."),
    L("Samsung", "T7 Portable SSD", 0, ["lightweight", "fast charging"],
      "Pocket USB-C SSD with 1,050MB/s transfers for laptops and cameras.",
      [[opt("1TB", 109), opt("2TB", 179)]], ["Titan Gray", "Indigo Blue"]),
    # phone cases
    L("Apple", "iPhone 15 Pro Silicone Case with MagSafe", 49, ["wireless", "lightweight"],
      "Soft-touch silicone case for iPhone 15 Pro.", colours=["Black", "Storm Blue", "Clay"]),
    L("Apple", "iPhone 15 Clear Case with MagSafe", 49, ["wireless", "lightweight"],
      "Clear polycarbonate case for iPhone 15."),
    L("OtterBox", "Defender Series Case for iPhone 15 Pro Max", 64, ["wireless", "waterproof"],
      "Rugged multi-layer case for iPhone 15 Pro Max.", colours=["Black", "Blue"]),
    L("OtterBox", "Symmetry Series Case for Galaxy S24 Ultra", 54, ["wireless", "lightweight"],
      "Slim protective case for Galaxy S24 Ultra."),
    L("Catalyst", "Total Protection Waterproof Case for iPhone 15 Pro", 99, ["waterproof", "wireless"],
      "Submersible 10m waterproof case for iPhone 15 Pro."),
    L("Spigen", "Ultra Hybrid Case for Galaxy S24", 17, ["lightweight", "wireless"],
      "Clear shock-absorbing case for Galaxy S24."),
    L("Spigen", "Tough Armor Case for Pixel 8", 19, ["wireless", "lightweight"],
      "Dual-layer case with kickstand for Google Pixel 8."),
    L("Spigen", "Liquid Air Case for iPhone 15", 17, ["lightweight", "wireless"],
      "Matte slim case for iPhone 15."),
    L("Samsung", "Galaxy S24 Ultra Silicone Case", 39, ["lightweight", "wireless"],
      "Official silicone case for Galaxy S24 Ultra.", colours=["Black", "Violet"]),
    L("Google", "Pixel 8 Pro Case", 29, ["lightweight", "wireless"],
      "Recycled-material case for Google Pixel 8 Pro.", colours=["Charcoal", "Bay"]),
    # tablet and laptop accessories
    L("Apple", "Apple Pencil Pro", 129, ["stylus", "wireless"],
      "Pencil with squeeze and barrel roll for iPad Pro and iPad Air."),
    L("Apple", "Apple Pencil (USB-C)", 79, ["stylus", "lightweight"],
      "Affordable Apple Pencil for iPad."),
    L("Apple", "Magic Keyboard for iPad Pro 11-inch (M4)", 299, ["touchscreen", "lightweight"],
      "Floating keyboard case with a glass trackpad for iPad."),
    L("Apple", "Smart Folio for iPad (10th generation)", 79, ["lightweight", "touchscreen"],
      "Thin front-and-back case for iPad.", colours=["Sky", "White"]),
    L("Samsung", "Galaxy Tab S9 Book Cover Keyboard", 199, ["lightweight", "touchscreen"],
      "Keyboard case with trackpad for Galaxy Tab S9."),
    L("Microsoft", "Surface Slim Pen 2", 129, ["stylus", "wireless"],
      "Haptic pen for Surface Pro and Surface Laptop Studio."),
    L("Microsoft", "Surface Pro Signature Keyboard", 179, ["lightweight", "wireless"],
      "Alcantara keyboard cover for Surface Pro."),
    L("Logitech", "MX Master 3S Wireless Mouse", 99, ["wireless", "fast charging"],
      "Quiet-click performance mouse for laptops.", colours=["Graphite", "Pale Gray"]),
    L("Logitech", "MX Keys S Wireless Keyboard", 109, ["wireless", "battery life"],
      "Backlit wireless keyboard for laptop desks."),
    L("Logitech", "Brio 4K Webcam", 199, ["4k", "hdr", "high resolution"],
      "4K HDR webcam for video calls."),
    L("Logitech", "C920s HD Pro Webcam", 69, ["high resolution", "lightweight"],
      "1080p webcam with a privacy shutter."),
    L("Logitech", "G502 X Lightspeed Wireless Gaming Mouse", 149, ["gaming", "wireless"],
      "Hybrid optical switch gaming mouse."),
    L("Razer", "DeathAdder V3 Pro Wireless Gaming Mouse", 149, ["gaming", "wireless", "lightweight"],
      "63g esports gaming mouse."),
    L("Apple", "Magic Mouse", 79, ["wireless", "lightweight"], "Multi-touch mouse for Mac.",
      colours=["White", "Black"]),
    L("Apple", "Magic Keyboard with Touch ID", 149, ["wireless", "battery life"],
      "Wireless keyboard with Touch ID for Mac."),
    L("Dell", "65W USB-C Laptop Charger", 59, ["fast charging", "lightweight"],
      "USB-C power adapter for XPS and Inspiron laptops."),
    L("Lenovo", "ThinkPad Universal USB-C Dock", 199, ["4k", "fast charging"],
      "Laptop dock with dual 4K display support."),
    L("Amazon Basics", "Laptop Backpack 15.6-Inch", 39, ["lightweight", "waterproof"],
      "Water-resistant laptop backpack with padded sleeve."),
    L("Ergotron", "LX Desk Monitor Arm", 199, ["large screen", "lightweight"],
      "Monitor arm for displays up to 34 inches."),
    # camera accessories
    L("SanDisk", "Extreme PRO SDXC UHS-I Card", 0, ["4k", "high resolution"],
      "200MB/s SD card for 4K video on mirrorless cameras.",
      [[opt("128GB", 39), opt("256GB", 69)]]),
    L("SanDisk", "Extreme microSDXC UHS-I Card", 0, ["4k", "waterproof"],
      "A2 microSD card for action cameras, drones and phones.",
      [[opt("128GB", 19), opt("256GB", 29), opt("512GB", 49)]]),
    L("Canon", "LP-E6NH Battery Pack", 79, ["battery life", "fast charging"],
      "Spare camera battery for EOS R5, R6 Mark II and R7."),
    L("Sony", "NP-FZ100 Rechargeable Battery", 78, ["battery life", "lightweight"],
      "Spare camera battery for Sony Alpha a7 IV and a6700."),
    L("Nikon", "EN-EL15c Rechargeable Battery", 69, ["battery life", "fast charging"],
      "Spare camera battery for Nikon Z6 III and Z8."),
    L("Peak Design", "Everyday Sling 6L Camera Bag", 99, ["lightweight", "waterproof"],
      "Weatherproof camera bag for mirrorless kits.", colours=["Black", "Ash"]),
    L("Joby", "GorillaPod 3K Tripod Kit", 59, ["lightweight", "camera"],
      "Flexible tripod for mirrorless cameras and vlogging."),
    L("Manfrotto", "Befree Advanced Travel Tripod", 199, ["lightweight", "camera"],
      "Aluminium travel tripod for cameras."),
    L("GoPro", "Volta Battery Grip", 129, ["battery life", "camera", "waterproof"],
      "Battery grip, tripod and remote for GoPro HERO cameras."),
    L("GoPro", "Enduro Rechargeable Battery (2-Pack)", 39, ["battery life", "camera"],
      "Spare GoPro camera battery pack for cold weather."),
    L("DJI", "Mini 4 Pro Fly More Kit", 159, ["battery life", "long range"],
      "Extra drone batteries, a charger and a shoulder bag for DJI Mini 4 Pro."),
    L("DJI", "Osmo Mobile 6 Smartphone Gimbal", 139, ["camera", "lightweight"],
      "Foldable gimbal stabiliser for smartphone video."),
    # tv and streaming
    L("Amazon", "Fire TV Stick 4K Max", 59, ["4k", "smart assistant", "hdr"],
      "Streaming stick for your TV with Wi-Fi 6E and Alexa Voice Remote."),
    L("Apple", "Apple TV 4K", 0, ["4k", "hdr", "smart assistant"],
      "Streaming box for your TV with Siri Remote.",
      [[opt("Wi-Fi 64GB", 129), opt("Wi-Fi + Ethernet 128GB", 149)]]),
    L("Google", "Chromecast with Google TV (4K)", 49, ["4k", "hdr", "smart assistant"],
      "Streaming device for your TV with voice remote."),
    L("Roku", "Streaming Stick 4K", 49, ["4k", "hdr", "wireless"],
      "Streaming stick for your TV with long-range Wi-Fi."),
    L("Sanus", "Full-Motion TV Wall Mount 42-90 Inch", 149, ["large screen", "lightweight"],
      "Tilting TV wall mount for large screens."),
    L("Mounting Dream", "Fixed TV Wall Mount 32-70 Inch", 29, ["lightweight", "large screen"],
      "Low-profile TV wall mount."),
    # wearables
    L("Apple", "Sport Band for Apple Watch 45mm", 49, ["lightweight", "waterproof"],
      "Fluoroelastomer watch band for Apple Watch.", colours=["Midnight", "Storm Blue", "Light Pink"]),
    L("Samsung", "Galaxy Watch Sport Band", 49, ["lightweight", "waterproof"],
      "Quick-release watch band for Galaxy Watch6.", colours=["Graphite", "Silver"]),
    L("Garmin", "QuickFit 22 Silicone Watch Band", 49, ["lightweight", "waterproof"],
      "Quick-swap watch band for Fenix and Forerunner."),
    L("Apple", "Apple Watch Magnetic Fast Charger to USB-C Cable (1m)", 29, ["fast charging", "lightweight"],
      "Magnetic watch charger for Apple Watch."),
    L("Apple", "AirTag", 0, ["gps", "smart assistant"],
      "Item tracker that finds keys and bags with the Find My app.",
      [[opt("1-Pack", 29), opt("4-Pack", 99)]]),
]

CATALOG: Dict[str, List[Line]] = {
    "smartphones": SMARTPHONES,
    "laptops": LAPTOPS,
    "headphones": HEADPHONES,
    "tablets": TABLETS,
    "smartwatches": SMARTWATCHES,
    "cameras": CAMERAS,
    "tvs": TVS,
    "speakers": SPEAKERS,
    "monitors": MONITORS,
    "accessories": ACCESSORIES,
}


# ---------------------------------------------------------------------------------------------
def _title(line: Line, labels: Sequence[str], colour: str) -> str:
    """Shop-style title: brand, model with spec labels, then " - colour"."""
    shown = [f"({label})" if ", " in label else label for label in labels]
    if "{" in line.model:
        model = line.model.format(*shown)
    else:
        model = " ".join([line.model, *shown])
    title = f"{line.brand} {model}" if not model.startswith(line.brand) else model
    return f"{title} - {colour}" if colour else title


def _description(line: Line, labels: Sequence[str], colour: str) -> str:
    """The line's blurb plus a short sentence naming the variant."""
    variant = ", ".join([*labels, colour] if colour else labels)
    return f"{line.blurb} Variant: {variant}." if variant else line.blurb


def _list_price(brand: str, price: float) -> float:
    """Apple lists whole dollars; everybody else prices at .99."""
    return float(price) if brand == "Apple" else round(price - 0.01, 2)


def _sale_price(price: float, rng: random.Random) -> float:
    """A small seeded discount on some items, rounded to a .99 price point."""
    if rng.random() >= SALE_RATE or price < 20:
        return price
    discounted = price * (1 - rng.uniform(0.05, 0.15))
    return max(round(int(discounted) - 0.01, 2), 0.99)


def expand_line(line: Line) -> List[dict]:
    """All variants of one model line, without ids or stock flags yet."""
    rows = []
    for combo in itertools.product(*line.specs):
        labels = [label for label, _, _ in combo]
        price = line.price + sum(delta for _, delta, _ in combo)
        extra = [tag for _, _, tags in combo for tag in tags]
        features = list(dict.fromkeys([*line.features, *extra]))[:5]
        for colour in line.colours or ("",):
            rows.append({
                "title": _title(line, labels, colour),
                "brand": line.brand,
                "price": price,
                "features": features,
                "description": _description(line, labels, colour),
            })
    return rows


def with_platform(category: str, line: Line) -> Line:
    """Non-Apple phones run Android: say so in the blurb, so "an Android phone" can be learnt
    from the item texts (``recommender.understanding.kinds``) like any other sub-kind."""
    if category == "smartphones" and line.brand != "Apple" and "Android" not in line.blurb:
        return replace(line, blurb=f"{line.blurb} Runs Android.")
    return line


def build_catalog(seed: int = SEED) -> List[dict]:
    """The full catalog in table order with stable per-category ids."""
    rng = random.Random(seed)
    items: List[dict] = []
    for category, lines in CATALOG.items():
        variants = [row for line in lines for row in expand_line(with_platform(category, line))]
        for number, row in enumerate(variants, start=1):
            items.append({
                "id": f"{ID_PREFIX[category]}-{number:04d}",
                "title": row["title"],
                "category": category,
                "brand": row["brand"],
                "price": _sale_price(_list_price(row["brand"], row["price"]), rng),
                "currency": "USD",
                "features": row["features"],
                "description": row["description"],
                "in_stock": rng.random() < IN_STOCK_RATE,
                "image_url": None,
            })
    validate(items)
    return items


def validate(items: List[dict]) -> None:
    """Fail loudly on data-table mistakes before anything is written."""
    titles = [item["title"] for item in items]
    duplicates = sorted({t for t in titles if titles.count(t) > 1})
    if duplicates:
        raise ValueError(f"duplicate titles: {duplicates[:5]}")
    for item in items:
        unknown = set(item["features"]) - set(FEATURE_ALIASES)
        if unknown or not 2 <= len(item["features"]) <= 5:
            raise ValueError(f"bad features on {item['title']}: {item['features']}")
        if item["category"] not in CATEGORY_ALIASES or item["price"] <= 0:
            raise ValueError(f"bad category or price on {item['title']}")


def write_catalog(items: List[dict], path: Path = OUTPUT_PATH) -> None:
    """Pretty JSON, one item per block, so diffs of the shipped file stay readable."""
    path.write_text(json.dumps(items, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    """CLI: rebuild ``catalog.json`` (or another path) and print per-category counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUTPUT_PATH)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    items = build_catalog(args.seed)
    write_catalog(items, args.out)
    counts: Dict[str, int] = {}
    for item in items:
        counts[item["category"]] = counts.get(item["category"], 0) + 1
    print(f"wrote {len(items)} items to {args.out}: {counts}")


if __name__ == "__main__":
    main()
