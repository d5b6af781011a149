"""A shopper's running request within one conversation, and how a new message changes it.

Kept free of Rasa so the merge rules ("cheaper", "no Samsung", "laptops instead") are plain,
testable functions; the action server only maps this to and from slots.
"""
from __future__ import annotations

from .money import format_money

from dataclasses import dataclass, fields, replace
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .catalog import Item
from .constraints import Constraints
from .ranking import RankingContext


@dataclass(frozen=True)
class ShoppingSession:
    category: Optional[str] = None
    min_price: Optional[float] = None
    max_price: Optional[float] = None
    features: Tuple[str, ...] = ()
    brands: Tuple[str, ...] = ()
    excluded_brands: Tuple[str, ...] = ()
    #: a sub-kind inside the category ("earbuds"): its label and the items it covers
    kind: Optional[str] = None
    kind_ids: Tuple[str, ...] = ()
    #: needs said in the shopper's words and how they were read: ((phrase, feature), ...)
    needs: Tuple[Tuple[str, str], ...] = ()
    #: needs read by meaning but not surely enough to filter on: ((phrase, feature), ...); they
    #: re-rank the list and are offered as a one-tap refinement, never applied unasked
    suggested: Tuple[Tuple[str, str], ...] = ()
    #: the shopper's own description of the need, for semantic relevance in the ranking
    need_text: str = ""
    preferences_given: bool = False
    #: the list on screen now, in order (item references resolve against it)
    shown: Tuple[str, ...] = ()
    #: everything listed since the request last changed ("show me more" skips these)
    seen: Tuple[str, ...] = ()
    focus: Optional[str] = None
    liked: Tuple[str, ...] = ()
    disliked: Tuple[str, ...] = ()
    purchased: Tuple[str, ...] = ()
    #: items never to list again in this conversation (variants of a bought model)
    hidden: Tuple[str, ...] = ()
    #: the question the assistant is waiting on ("category", "relaxation", ...), if any
    pending: Optional[str] = None
    #: quick replies offered last, as (title, payload): typing the number or the title picks one
    options: Tuple[Tuple[str, str], ...] = ()
    #: the loosenings offered when nothing fitted: ({"label": ..., "constraints": {...}}, ...)
    relaxations: Tuple[dict, ...] = ()
    #: narrowing questions already asked, so none is asked twice
    asked: Tuple[str, ...] = ()
    #: messages in a row that could not be understood (the reply changes, never repeats)
    misunderstood: int = 0
    #: what the shopper asked of each kind looked at before, ((category, {budget, features, brands,
    #: needs}), ...): coming back to a kind restores its own constraints
    memory: Tuple[Tuple[str, Dict[str, Any]], ...] = ()

    def constraints(self) -> Constraints:
        return Constraints(
            category=self.category,
            min_price=self.min_price,
            max_price=self.max_price,
            features=self.features,
            brands=self.brands,
            excluded_brands=self.excluded_brands,
            excluded_ids=frozenset(self.disliked) | frozenset(self.purchased) | frozenset(self.hidden),
            kind_ids=frozenset(self.kind_ids),
        )

    def with_constraints(self, constraints: Constraints) -> "ShoppingSession":
        kind_ids = tuple(sorted(constraints.kind_ids))
        return replace(self, category=constraints.category, min_price=constraints.min_price,
                       max_price=constraints.max_price, features=tuple(constraints.features),
                       brands=tuple(constraints.brands), excluded_brands=tuple(constraints.excluded_brands),
                       kind_ids=kind_ids, kind=self.kind if kind_ids else None, seen=())

    def ranking_context(self, history: Sequence[Tuple[str, str]]) -> RankingContext:
        """A purchase is not a like: it feeds the stored history, not the session's look-alike boost."""
        return RankingContext(history=tuple(history), liked=self.liked, disliked=self.disliked)

    def showing(self, item_ids: Sequence[str], fresh: bool = True) -> "ShoppingSession":
        """The list just sent; ``fresh`` starts a new listing, otherwise it is another page."""
        ids = tuple(item_ids)
        seen = ids if fresh else self.seen + ids
        return replace(self, shown=ids, seen=seen)

    # -- the tracker keeps the session as one JSON slot ------------------------------------
    def to_slot(self) -> Dict[str, Any]:
        return {f.name: _jsonable(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_slot(cls, value: Any) -> "ShoppingSession":
        """Rebuild from the slot; unknown keys and wrong types fall back to the defaults."""
        if not isinstance(value, dict):
            return cls()
        defaults = cls()
        values: Dict[str, Any] = {}
        for f in fields(cls):
            raw = value.get(f.name, getattr(defaults, f.name))
            default = getattr(defaults, f.name)
            try:
                values[f.name] = _restore(raw, default)
            except (TypeError, ValueError):
                values[f.name] = default
        return cls(**values)


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    return value


def _restore(raw: Any, default: Any) -> Any:
    if isinstance(default, tuple):
        if raw is None:
            return ()
        return tuple(tuple(v) if isinstance(v, list) else v for v in raw)
    if isinstance(default, bool):
        return bool(raw)
    if isinstance(default, int):
        return int(raw or 0)
    if isinstance(default, str):
        return str(raw or "")
    if raw is not None and default is None and isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return float(raw)
    return raw


def _add(values: Tuple[str, ...], extra: Sequence[str]) -> Tuple[str, ...]:
    return values + tuple(v for v in extra if v not in values)


def _without(values: Tuple[str, ...], removed: Sequence[str]) -> Tuple[str, ...]:
    drop = {v.lower() for v in removed}
    return tuple(v for v in values if v.lower() not in drop)


def _money(value: float) -> str:
    return format_money(round(value) if value >= 100 else value)


def _apply_budget(session: ShoppingSession, budget, notices: List[str]) -> ShoppingSession:
    if budget is None:
        return session
    if budget.problem == "negative":
        notices.append("A budget can't be negative, so I've left your price range as it was.")
        return session
    if budget.problem == "no limit":
        notices.append("That's more than anything here costs, so I'll treat it as no upper limit.")
        return replace(session, max_price=None, min_price=budget.min_price, preferences_given=True, seen=())
    low, high = budget.min_price, budget.max_price
    if low is not None and high is None and session.max_price is not None and session.max_price > low:
        high = session.max_price
    if high is not None and low is None and session.min_price is not None and session.min_price < high:
        low = session.min_price
    if budget.problem == "too low":
        notices.append(f"Nothing here costs {_money(high or 0)} or less, but I'll look for the closest options.")
    return replace(session, min_price=low, max_price=high, preferences_given=True, seen=())


#: on a category switch the old price range is kept only if at least this share of the new kind fits it
SWITCH_BUDGET_SHARE = 0.1


def _remember(session: ShoppingSession) -> Tuple[Tuple[str, Dict[str, Any]], ...]:
    """The memory with the current kind's constraints saved (replacing what it held for that kind)."""
    if not session.category:
        return session.memory
    saved = {"min_price": session.min_price, "max_price": session.max_price, "features": list(session.features),
             "brands": list(session.brands), "excluded_brands": list(session.excluded_brands),
             "needs": [list(n) for n in session.needs]}
    return tuple((c, m) for c, m in session.memory if c != session.category) + ((session.category, saved),)


def _recalled(session: ShoppingSession, category: str, new_budget: bool) -> Optional[ShoppingSession]:
    """Back to a kind looked at before: its own budget, features and brands again."""
    saved = dict(session.memory).get(category)
    if not isinstance(saved, dict):
        return None
    low, high = (None, None) if new_budget else (saved.get("min_price"), saved.get("max_price"))
    return replace(session, category=category, min_price=low, max_price=high,
                   features=tuple(saved.get("features") or ()), brands=tuple(saved.get("brands") or ()),
                   excluded_brands=tuple(saved.get("excluded_brands") or ()),
                   needs=tuple(tuple(n) for n in saved.get("needs") or ()), kind=None, kind_ids=(), suggested=(),
                   need_text="", shown=(), seen=(), focus=None, asked=())


def _switch_category(session: ShoppingSession, category: str, catalog: Sequence[Item],
                     notices: List[str], new_budget: bool = False) -> ShoppingSession:
    """New product type: its own constraints when the shopper looked at it before; otherwise keep
    the constraints that still make sense for it and drop the rest."""
    session = replace(session, memory=_remember(session))
    recalled = _recalled(session, category, new_budget)
    if recalled is not None:
        return recalled
    in_category = [i for i in catalog if i.category == category]
    tags = {t for i in in_category for t in i.features}
    makers = {i.brand.lower() for i in in_category}
    kept_features = tuple(f for f in session.features if f in tags)
    dropped = [f for f in session.features if f not in tags]
    low, high = session.min_price, session.max_price
    if dropped:
        notices.append(f"I've dropped {', '.join(dropped)}, which doesn't apply to {category}.")
    if new_budget:
        low = high = None  # the message gives its own price range
    elif low is not None or high is not None:
        fits = sum((low is None or i.price >= low) and (high is None or i.price <= high) for i in in_category)
        if not fits:
            notices.append(f"No {category} fit your previous price range, so I've set it aside.")
            low = high = None
        elif fits < SWITCH_BUDGET_SHARE * len(in_category):
            # a range that rules out nearly everything of the new kind was meant for the old one ("over $999" for TVs)
            notices.append(f"Only {fits} {category} fit the price range you gave for {session.category}, so I've set "
                           f"it aside; tell me a budget for {category} if you have one.")
            low = high = None
    brands = tuple(b for b in session.brands if b.lower() in makers)
    needs = tuple((phrase, feature) for phrase, feature in session.needs if feature in kept_features)
    return replace(session, category=category, features=kept_features, min_price=low, max_price=high,
                   brands=brands, kind=None, kind_ids=(), needs=needs, suggested=(), need_text="", shown=(), seen=(),
                   focus=None, asked=())


def _exclusive_with(session: ShoppingSession, said: Sequence[str], catalog: Sequence[Item]) -> List[str]:
    """Features held so far that no item of the kind has together with a newly said one: the shopper
    moved on ("Prosecco", then "Champagne please": no wine is both), so the new one replaces them."""
    new = [f for f in said if f not in session.features]
    if not new or not session.features:
        return []
    in_kind = [i for i in catalog if not session.category or i.category == session.category]
    return [old for old in session.features if old not in said
            and any(f in i.features for f in new for i in in_kind)
            and not any(old in i.features and f in i.features for f in new for i in in_kind)]


def _drop_carried_misfits(session: ShoppingSession, update, catalog: Sequence[Item],
                          notices: List[str]) -> ShoppingSession:
    """A feature asked for the previous kind follows to this one only while something here has it within
    the budget ("battery life" from headphones to speakers under $100, where none has it, is set aside)."""
    said = set(update.features)
    carried = [f for f in session.features if f not in said]
    if not carried:
        return session
    within = [i for i in catalog if i.category == session.category
              and (session.min_price is None or i.price >= session.min_price)
              and (session.max_price is None or i.price <= session.max_price)]
    misfits = [f for f in carried if not any(f in i.features for i in within)]
    if not misfits:
        return session
    notices.append(f"I've set aside {', '.join(misfits)}: none of the {session.category} in your range have it.")
    return replace(session, features=tuple(f for f in session.features if f not in misfits),
                   needs=tuple(n for n in session.needs if n[1] not in misfits))


def merge_request(session: ShoppingSession, update, catalog: Sequence[Item]) -> Tuple[ShoppingSession, List[str]]:
    """Fold one parsed message (``understanding.RequestUpdate``) into the running request."""
    notices: List[str] = []
    new = session
    if update.category and update.category != session.category:
        new = _switch_category(new, update.category, catalog, notices, new_budget=update.budget is not None)
    if update.features or update.removed_features:
        kept = _without(new.features, _exclusive_with(new, update.features, catalog))
        new = replace(new, features=_without(_add(kept, update.features), update.removed_features),
                      needs=tuple(n for n in new.needs if n[1] in kept), preferences_given=True, seen=())
    if update.brands:
        new = replace(new, brands=tuple(update.brands), excluded_brands=_without(new.excluded_brands, update.brands),
                      preferences_given=True, seen=())
    if update.excluded_brands:
        new = replace(new, excluded_brands=_add(new.excluded_brands, update.excluded_brands),
                      brands=_without(new.brands, update.excluded_brands), preferences_given=True, seen=())
    new = _apply_budget(new, update.budget, notices)
    if new.category != session.category:
        new = _drop_carried_misfits(new, update, catalog, notices)
    if update.no_preference:
        new = replace(new, preferences_given=True)
    return new, notices


def understood_anything(update) -> bool:
    """Did the message carry any shopping constraint at all?"""
    return bool(update.category or update.features or update.removed_features or update.brands
                or update.excluded_brands or update.budget or update.no_preference)
