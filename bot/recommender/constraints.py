"""Hard constraints a recommendation must honour, and the filter that applies them."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import FrozenSet, Iterable, List, Optional, Tuple

from .catalog import Item


@dataclass(frozen=True)
class Constraints:
    """What the shopper asked for. Every listed item satisfies all of these."""

    category: Optional[str] = None
    min_price: Optional[float] = None
    max_price: Optional[float] = None
    features: Tuple[str, ...] = ()
    brands: Tuple[str, ...] = ()
    excluded_brands: Tuple[str, ...] = ()
    excluded_ids: FrozenSet[str] = field(default_factory=frozenset)
    #: a sub-kind inside the category ("earbuds"): only these items, when set
    kind_ids: FrozenSet[str] = field(default_factory=frozenset)
    in_stock_only: bool = True

    def with_changes(self, **changes) -> "Constraints":
        return replace(self, **changes)

    def allows(self, item: Item) -> bool:
        """True when ``item`` meets every constraint."""
        if self.in_stock_only and not item.in_stock:
            return False
        if self.category and item.category != self.category:
            return False
        if self.min_price is not None and item.price < self.min_price:
            return False
        if self.max_price is not None and item.price > self.max_price:
            return False
        if item.id in self.excluded_ids:
            return False
        if self.kind_ids and item.id not in self.kind_ids:
            return False
        brand = item.brand.lower()
        if self.brands and brand not in {b.lower() for b in self.brands}:
            return False
        if brand in {b.lower() for b in self.excluded_brands}:
            return False
        return all(f in item.features for f in self.features)

    def filter(self, items: Iterable[Item]) -> List[Item]:
        return [item for item in items if self.allows(item)]
