"""A small, hand-made catalog whose right answers can be worked out by hand."""
from recommender.catalog import Item


def small_catalog():
    def item(id_, title, category, brand, price, features, in_stock=True):
        return Item(id_, title, category, brand, price, "USD", tuple(features), f"{title}.", in_stock)

    return [
        item("p1", "Google Pixel 8a", "smartphones", "Google", 499, ["camera", "5g", "battery life"]),
        item("p2", "Google Pixel 7a", "smartphones", "Google", 349, ["camera", "5g"]),
        item("p3", "Samsung Galaxy A55", "smartphones", "Samsung", 449, ["camera", "battery life", "waterproof"]),
        item("p4", "Samsung Galaxy S24", "smartphones", "Samsung", 799, ["camera", "oled", "fast charging"]),
        item("p5", "Apple iPhone 15", "smartphones", "Apple", 799, ["camera", "oled", "waterproof"]),
        item("p6", "Motorola Moto G Power", "smartphones", "Motorola", 199, ["battery life"]),
        item("p7", "OnePlus Nord N30", "smartphones", "OnePlus", 299, ["camera", "fast charging"], in_stock=False),
        item("l1", "Dell XPS 13", "laptops", "Dell", 999, ["lightweight", "battery life"]),
        item("l2", "Lenovo Legion 5", "laptops", "Lenovo", 1299, ["gaming"]),
        item("l3", "Acer Aspire 5", "laptops", "Acer", 549, ["battery life"]),
        item("h1", "Sony WH-1000XM5", "headphones", "Sony", 399, ["noise cancelling", "wireless"]),
        item("h2", "Bose QuietComfort 45", "headphones", "Bose", 329, ["noise cancelling", "wireless"]),
        item("h3", "JBL Tune 510BT", "headphones", "JBL", 49, ["wireless"]),
    ]
