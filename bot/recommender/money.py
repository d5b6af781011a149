"""Amounts of money as the shop's shoppers read them, in the shop's currency and locale (Babel).

The action server serves one shop, so the shop's currency and locale are set once per catalog
build (``use_shop``) and every composed sentence ("under your €20 budget") speaks of money in
them; an item's own price is always written in the item's own currency.
"""
from __future__ import annotations

from typing import Optional

from babel.numbers import format_currency

_shop = {"currency": "USD", "locale": "en_US"}


def use_shop(currency: str, locale: str = "en_US") -> None:
    """The currency and locale composed sentences use from now on (set by the turn service)."""
    _shop["currency"], _shop["locale"] = (currency or "USD").upper(), locale or "en_US"


def shop_currency() -> str:
    return _shop["currency"]


def format_money(value: Optional[float], currency: Optional[str] = None, locale: Optional[str] = None) -> str:
    """$1,299 / $24.99 / €12.50 / SEK 1,200: whole amounts without decimals, as people say budgets."""
    if value is None:
        return ""
    currency = (currency or _shop["currency"]).upper()
    locale = locale or _shop["locale"]
    whole = float(value).is_integer() or abs(value) >= 100 and round(value) == value
    pattern = "¤#,##0" if whole else "¤#,##0.00"
    try:
        return format_currency(value, currency, format=pattern, locale=locale, currency_digits=False)
    except (ValueError, LookupError):  # an unknown locale: the amount and the code
        amount = f"{value:,.0f}" if whole else f"{value:,.2f}"
        return f"{amount} {currency}"
