"""When nothing fits: find the smallest changes to the request that would give results."""
from __future__ import annotations

from .money import format_money

import math
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from .catalog import Item
from .constraints import Constraints


@dataclass(frozen=True)
class Relaxation:
    """One way to loosen the request, with how many items it would bring back."""

    kind: str  # raise_budget | lower_minimum | drop_feature | any_brand | allow_excluded_brand
    label: str
    constraints: Constraints
    count: int
    detail: Dict[str, object] = field(default_factory=dict)

    def to_payload(self) -> dict:
        return {"kind": self.kind, "label": self.label, "count": self.count, **self.detail}


def _round_up(price: float) -> float:
    """Budgets people say out loud: whole tens under $1,000, fifties above."""
    step = 10 if price < 1000 else 50
    return float(math.ceil(price / step) * step)


def suggest_relaxations(items: Sequence[Item], constraints: Constraints) -> List[Relaxation]:
    """Each single relaxation that yields at least one item, most useful first."""
    found: List[Relaxation] = []
    if constraints.max_price is not None:
        unlimited = constraints.with_changes(max_price=None)
        prices = sorted(i.price for i in unlimited.filter(items))
        if prices:
            new_max = _round_up(prices[0])
            relaxed = constraints.with_changes(max_price=new_max)
            by = new_max - constraints.max_price
            found.append(Relaxation("raise_budget", f"Raise budget to {format_money(new_max)} (+{format_money(by)})", relaxed,
                                    len(relaxed.filter(items)), {"to": new_max, "by": by}))
    if constraints.min_price is not None:
        no_min = constraints.with_changes(min_price=None)
        prices = sorted((i.price for i in no_min.filter(items)), reverse=True)
        if prices:
            new_min = float(math.floor(prices[0] / 10) * 10)
            relaxed = constraints.with_changes(min_price=new_min)
            found.append(Relaxation("lower_minimum", f"Go down to {format_money(new_min)}", relaxed,
                                    len(relaxed.filter(items)), {"to": new_min}))
    for feature in constraints.features:
        relaxed = constraints.with_changes(features=tuple(f for f in constraints.features if f != feature))
        count = len(relaxed.filter(items))
        if count:
            found.append(Relaxation("drop_feature", f"Drop '{feature}'", relaxed, count, {"feature": feature}))
    if constraints.brands:
        relaxed = constraints.with_changes(brands=())
        count = len(relaxed.filter(items))
        if count:
            found.append(Relaxation("any_brand", "Any brand", relaxed, count, {"brands": list(constraints.brands)}))
    if not found:
        combined = _closest_combined(items, constraints)
        if combined:
            found.append(combined)
    return found


def _closest_combined(items: Sequence[Item], constraints: Constraints) -> Optional[Relaxation]:
    """No single change helps: loosen just what the closest item misses (features, then price)."""
    scope = constraints.with_changes(features=(), min_price=None, max_price=None, brands=())
    best, best_key = None, None
    for item in scope.filter(items):
        missing = [f for f in constraints.features if f not in item.features]
        over = max(0.0, item.price - constraints.max_price) if constraints.max_price is not None else 0.0
        under = max(0.0, constraints.min_price - item.price) if constraints.min_price is not None else 0.0
        key = (len(missing), over + under, item.price)
        if best_key is None or key < best_key:
            best, best_key = (item, missing, over, under), key
    if best is None:
        return None
    item, missing, over, under = best
    relaxed = constraints.with_changes(features=tuple(f for f in constraints.features if f not in missing))
    steps, detail = [], {}
    if missing:
        steps.append("drop " + " and ".join(f"'{f}'" for f in missing))
        detail["dropped_features"] = missing
    if over:
        new_max = _round_up(item.price)
        relaxed = relaxed.with_changes(max_price=new_max)
        steps.append(f"raise budget to {format_money(new_max)}")
        detail["to"] = new_max
    if under:
        relaxed = relaxed.with_changes(min_price=None)
        steps.append("remove the minimum price")
    if constraints.brands and item.brand.lower() not in {b.lower() for b in constraints.brands}:
        relaxed = relaxed.with_changes(brands=())
        steps.append("any brand")
    label = "; ".join(steps).capitalize()
    return Relaxation("combined", label, relaxed, len(relaxed.filter(items)), detail)
