"""The catalog item type shared by the store, the importers, retrieval and ranking."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Tuple

#: Interaction event types the store accepts, from weakest to strongest signal.
EVENT_TYPES: Tuple[str, ...] = (
    "view",
    "click",
    "like",
    "dislike",
    "add_to_cart",
    "purchase",
    "rating",
)


@dataclass(frozen=True)
class Item:
    """One product. ``features`` are normalised tags (see ``recommender.vocabulary``)."""

    id: str
    title: str
    category: str
    brand: str
    price: float
    currency: str = "USD"
    features: Tuple[str, ...] = field(default_factory=tuple)
    description: str = ""
    in_stock: bool = True
    image_url: Optional[str] = None

    def to_payload(self) -> dict:
        """The machine-readable fields a channel needs to render the item."""
        return {
            "id": self.id,
            "title": self.title,
            "price": self.price,
            "currency": self.currency,
            "category": self.category,
            "brand": self.brand,
            "features": list(self.features),
        }
