"""Constraint filtering, ranking, feedback effects and no-result advice of the recommender."""
from __future__ import annotations

import pytest

from recommender.constraints import Constraints
from recommender.ranking import RankingContext
from recommender.relaxation import suggest_relaxations
from recommender.service import Recommender

from tests.unit.catalog_fixture import small_catalog

POPULARITY = {"p1": 50, "p2": 40, "p3": 30, "p4": 60, "p5": 80, "p6": 5, "l1": 20, "h1": 30, "h2": 10}


@pytest.fixture()
def rec():
    return Recommender(small_catalog(), POPULARITY)


def ids(result):
    return [r.item.id for r in result.items]


def test_every_constraint_is_honoured(rec):
    c = Constraints(category="smartphones", max_price=500, features=("camera",))
    result = rec.recommend(c)
    assert set(ids(result)) == {"p1", "p2", "p3"}  # p7 out of stock, p4/p5 too dear, p6 no camera
    for r in result.items:
        assert r.item.price <= 500 and "camera" in r.item.features and r.reason


def test_brand_exclusion_and_inclusion(rec):
    assert "Samsung" not in {r.item.brand for r in rec.recommend(
        Constraints(category="smartphones", excluded_brands=("samsung",))).items}
    assert {r.item.brand for r in rec.recommend(Constraints(category="smartphones", brands=("Google",))).items} == {"Google"}


def test_min_price_and_several_features(rec):
    result = rec.recommend(Constraints(category="smartphones", min_price=400, features=("camera", "oled")))
    assert set(ids(result)) == {"p4", "p5"}


def test_popularity_orders_cold_shoppers(rec):
    assert ids(rec.recommend(Constraints(category="smartphones")))[0] == "p5"


def test_history_changes_the_order(rec):
    c = Constraints(category="smartphones")
    google_fan = RankingContext(history=(("p2", "view"), ("p1", "click"), ("p2", "purchase")))
    assert rec.recommend(c, google_fan).items[0].item.brand == "Google"


def test_disliked_items_never_come_back(rec):
    result = rec.recommend(Constraints(category="smartphones"), RankingContext(disliked=("p5",)))
    assert "p5" not in ids(result)


def test_liked_item_pulls_similar_items_up(rec):
    c = Constraints(category="smartphones")
    before = ids(rec.recommend(c))
    after = ids(rec.recommend(c, RankingContext(liked=("p3",))))
    assert after.index("p3") < before.index("p3") or after[0] == "p3"
    assert after.index("p1") <= before.index("p1")  # shares camera + battery life with p3


def test_similar_items_stay_in_category_and_skip_the_anchor(rec):
    result = rec.similar("h1", Constraints())
    assert ids(result)[0] == "h2" and "h1" not in ids(result)
    assert all(r.item.category == "headphones" for r in result.items)


def test_cheaper_goes_below_the_cheapest_shown(rec):
    c = Constraints(category="smartphones", features=("camera",))
    cheaper = rec.cheaper(c, ["p1", "p3"])
    assert cheaper.max_price < 449
    assert ids(rec.recommend(cheaper)) == ["p2"]


def test_pricier_goes_above_the_dearest_shown(rec):
    pricier = rec.pricier(Constraints(category="smartphones", max_price=500), ["p1", "p2"])
    assert pricier.max_price is None and pricier.min_price > 499
    assert set(ids(rec.recommend(pricier))) == {"p4", "p5"}


def test_nothing_fits_suggests_how_to_loosen(rec):
    c = Constraints(category="smartphones", max_price=400, features=("camera", "waterproof"))
    result = rec.recommend(c)
    assert not result.found
    kinds = {r.kind: r for r in result.relaxations}
    assert kinds["raise_budget"].detail["to"] == 450  # cheapest waterproof camera phone is $449
    assert kinds["raise_budget"].count == 1
    assert kinds["drop_feature"].detail["feature"] == "waterproof" and kinds["drop_feature"].count == 1
    assert result.nearest and all(r.item.category == "smartphones" for r in result.nearest)


def test_no_relaxation_when_category_is_empty():
    assert suggest_relaxations(small_catalog(), Constraints(category="drones")) == []


def test_category_aliases_use_real_singulars():
    from recommender.vocabulary import _singular_plural

    assert _singular_plural("accessories") == ("accessory",)
    assert _singular_plural("smartwatches") == ("smartwatch",)
    assert _singular_plural("tvs") == ("tv",)
    assert _singular_plural("battery") == ("batteries",)


def test_combined_relaxation_when_no_single_change_helps(rec):
    c = Constraints(category="laptops", max_price=50, features=("gaming", "waterproof"))
    result = rec.recommend(c)
    assert not result.found and len(result.relaxations) == 1
    combined = result.relaxations[0]
    assert combined.kind == "combined" and combined.count >= 1
    assert combined.detail["dropped_features"] == ["waterproof"] and combined.detail["to"] >= 1299
    assert result.nearest and all("gaming" in r.item.features for r in result.nearest)
