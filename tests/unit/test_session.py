"""How one parsed message changes the running request (the rules behind refinement)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

from recommender.session import ShoppingSession, merge_request, understood_anything

from tests.unit.catalog_fixture import small_catalog


@dataclass(frozen=True)
class Budget:
    min_price: Optional[float] = None
    max_price: Optional[float] = None
    phrase: str = ""
    problem: Optional[str] = None


@dataclass(frozen=True)
class Update:
    category: Optional[str] = None
    features: Tuple[str, ...] = ()
    removed_features: Tuple[str, ...] = ()
    brands: Tuple[str, ...] = ()
    excluded_brands: Tuple[str, ...] = ()
    budget: Optional[Budget] = None
    no_preference: bool = False


CATALOG = small_catalog()
PHONES = ShoppingSession(category="smartphones", max_price=600, features=("camera",), preferences_given=True,
                         excluded_brands=("Samsung",), shown=("p1", "p2"))


def test_features_accumulate_and_can_be_removed():
    s, _ = merge_request(PHONES, Update(features=("battery life",)), CATALOG)
    assert s.features == ("camera", "battery life")
    s, _ = merge_request(s, Update(removed_features=("camera",)), CATALOG)
    assert s.features == ("battery life",)


def test_switching_category_keeps_what_still_applies():
    s, notices = merge_request(PHONES, Update(category="laptops"), CATALOG)
    assert s.category == "laptops" and s.features == () and s.excluded_brands == ("Samsung",)
    assert s.max_price == 600 and s.shown == ()
    assert any("camera" in n for n in notices)


def test_switching_drops_a_budget_no_item_of_the_new_kind_meets():
    cheap = ShoppingSession(category="headphones", max_price=60)
    s, notices = merge_request(cheap, Update(category="laptops"), CATALOG)
    assert s.max_price is None and notices


def test_switching_sets_aside_a_budget_that_rules_out_nearly_everything():
    from recommender.catalog import Item

    speakers = [Item(id=f"s{i}", title=f"Speaker {i}", category="speakers", brand="Acme", price=50.0 + 20 * i)
                for i in range(20)]
    tvs = ShoppingSession(category="tvs", min_price=420)
    s, notices = merge_request(tvs, Update(category="speakers"), speakers)  # 1 of 20 speakers costs >= $420
    assert (s.min_price, s.max_price) == (None, None)
    assert any("tvs" in n and "speakers" in n for n in notices)
    s, notices = merge_request(ShoppingSession(category="tvs", max_price=200), Update(category="speakers"), speakers)
    assert s.max_price == 200 and not notices  # 8 of 20 fit: still a sensible budget


def test_new_budget_replaces_old_and_keeps_compatible_bound():
    s, _ = merge_request(PHONES, Update(budget=Budget(min_price=300)), CATALOG)
    assert (s.min_price, s.max_price) == (300, 600)
    s, _ = merge_request(s, Update(budget=Budget(max_price=250)), CATALOG)
    assert (s.min_price, s.max_price) == (None, 250)


def test_negative_budget_is_refused_with_a_notice():
    s, notices = merge_request(PHONES, Update(budget=Budget(problem="negative")), CATALOG)
    assert s.max_price == 600 and "negative" in notices[0]


def test_absurd_budget_means_no_limit():
    s, notices = merge_request(PHONES, Update(budget=Budget(problem="no limit")), CATALOG)
    assert s.max_price is None and notices


def test_brands_wanted_and_excluded_are_exclusive():
    s, _ = merge_request(PHONES, Update(brands=("Samsung",)), CATALOG)
    assert s.brands == ("Samsung",) and "Samsung" not in s.excluded_brands
    s, _ = merge_request(s, Update(excluded_brands=("Samsung",)), CATALOG)
    assert s.brands == () and s.excluded_brands == ("Samsung",)


def test_constraints_hide_disliked_and_bought_items():
    s = ShoppingSession(category="smartphones", disliked=("p1",), purchased=("p2",))
    assert s.constraints().excluded_ids == {"p1", "p2"}


def test_understood_anything():
    assert not understood_anything(Update())
    assert understood_anything(Update(no_preference=True))
