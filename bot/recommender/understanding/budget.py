"""Budget phrases ("under $500", "between 300 and 600", "around 1.5k") -> price bounds.

Shoppers phrase money in endless ways, but the building blocks are few: an *amount* (digits,
thousands separators, a k/grand scale, a currency sign or word) and a *cue* saying which side
of the amount they mean ("under", "at least", "about", "500 or less", "300-600"). We find every
cue+amount clause, drop the ones whose number is really a spec or a model name ("128GB",
"iPhone 15", "a 4k TV", "over 2 weeks"), and fold the rest into one pair of bounds.

A bare number with no cue only counts when it carries money ("$500", "2 grand") or when the
message is basically just that number ("500", "around 500 maybe").
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

#: an upper bound below this cannot buy anything in a shop -> problem "too low"
TOO_LOW_PRICE = 5.0
#: an upper bound at or above this is not a real limit -> problem "no limit"
NO_LIMIT_PRICE = 1_000_000.0
#: bare numbers (no money cue) below this are counts, sizes or ordinals, not prices
MIN_BARE_PRICE = 20.0
#: how wide an "about X" budget is
APPROX_LOW, APPROX_HIGH = 0.85, 1.15


@dataclass(frozen=True)
class BudgetParse:
    """Price bounds read from a message; ``problem`` flags a budget we cannot use as-is.

    problem is one of None, "negative" (no bounds), "too low" (bound kept), "no limit"
    (max dropped: treat as unlimited), "too high" (a minimum nothing reaches) or "conflict"
    (separate min/max clauses contradicted each other; they were swapped).
    """

    min_price: Optional[float]
    max_price: Optional[float]
    phrase: str
    problem: Optional[str] = None


# --------------------------------------------------------------------------- amounts

_WORD_VALUES = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "couple": 2, "few": 3,
}
_SCALES = {
    "k": 1e3, "grand": 1e3, "thousand": 1e3, "hundred": 1e2, "m": 1e6, "mil": 1e6,
    "million": 1e6, "bn": 1e9, "b": 1e9, "billion": 1e9,
}
#: "4k"/"5k"/"8k" are screen resolutions unless a cue or a currency says otherwise
_RESOLUTION_K = {4.0, 5.0, 8.0}

_CURRENCY_SIGN = r"[$€£]"
_CURRENCY_BEFORE = rf"(?:{_CURRENCY_SIGN}|usd|eur|gbp)"
_CURRENCY_AFTER = (
    rf"(?:{_CURRENCY_SIGN}|usd|us\s+dollars?|dollars?|bucks|eur|euros?|gbp|pounds?|quid)"
)
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_WORD_NUMBER = (
    r"(?:an?\s+couple(?:\s+of)?|couple(?:\s+of)?|an?\s+few|few|an?|"
    + "|".join(sorted((w for w in _WORD_VALUES if w not in {"a", "an", "couple", "few"}),
                      key=len, reverse=True))
    + r")"
)
#: word numbers only mean money next to a scale or a currency word ("a grand", "fifty bucks")
_WORD_NEEDS = (
    r"(?=\s+(?:hundred|grand|thousand|million|billion|bucks|dollars?|euros?|pounds?|quid)\b)"
)
_SCALE = r"(?:k|m|bn|b)(?![a-z])|\s?(?:grand|thousand|hundred|million|mil|billion)\b"


def _amount(tag: str) -> str:
    """Regex for one amount; group names carry ``tag`` so two amounts fit in one pattern."""
    return (
        rf"(?<![\w.,:/])(?<![a-z]-)"
        rf"(?P<{tag}neg>-\s*|minus\s+)?"
        rf"(?P<{tag}cur>{_CURRENCY_BEFORE})?\s*"
        rf"(?P<{tag}neg2>-\s*)?"
        rf"(?:(?P<{tag}num>{_NUMBER})(?!\d|[.,]\d)|(?P<{tag}word>{_WORD_NUMBER}){_WORD_NEEDS})"
        rf"(?P<{tag}scale>{_SCALE})?"
        rf"(?:\s*(?P<{tag}cur2>{_CURRENCY_AFTER})(?![a-z]))?"
        rf"(?!(?!ish\b)(?:[\w.,:/]\w|[a-z]))"
    )


@dataclass(frozen=True)
class _Amount:
    value: float
    money: bool  # a currency or a money scale marks it as a price
    resolution: bool  # "4k"/"8k" with no currency: a screen spec unless a strong cue says otherwise
    start: int
    end: int

    @property
    def small_bare(self) -> bool:
        """Below MIN_BARE_PRICE with no money marker: more likely a count or a size."""
        return abs(self.value) < MIN_BARE_PRICE and not self.money


def _read_amount(match: re.Match, tag: str) -> _Amount:
    """Turn the groups of ``_amount(tag)`` into a signed value plus how sure we are it is money."""
    num, word = match.group(tag + "num"), match.group(tag + "word")
    if num is not None:
        base = float(num.replace(",", ""))
    else:
        words = [w for w in word.lower().split() if w not in ("a", "an", "of")] or ["a"]
        base = float(_WORD_VALUES[words[-1]])
    scale_text = (match.group(tag + "scale") or "").strip().lower()
    value = base * _SCALES[scale_text] if scale_text else base
    resolution = scale_text == "k" and base in _RESOLUTION_K
    has_currency = bool(match.group(tag + "cur") or match.group(tag + "cur2"))
    if match.group(tag + "neg") or match.group(tag + "neg2"):
        value = -value
    groups = [tag + g for g in ("neg", "cur", "neg2", "num", "word", "scale", "cur2")]
    starts = [match.start(g) for g in groups if match.start(g) != -1]
    ends = [match.end(g) for g in groups if match.end(g) != -1]
    money = has_currency or (bool(scale_text) and not resolution)
    return _Amount(value, money, resolution and not has_currency, min(starts), max(ends))


# --------------------------------------------------------------------------- cues

_MAX_CUES = (
    r"under|below|beneath|less\s+th[ae]n|lower\s+th[ae]n|cheaper\s+th[ae]n|sub-?|"
    r"<=?|≤|south\s+of|not\s+(?:to\s+)?exceed(?:ing)?"
)
_MAX_CUES_SOFT = (
    r"up\s*to|(?:a\s+)?max(?:imum)?\.?(?:\s+(?:budget|price|spend))?(?:\s+(?:of|is|would\s+be|"
    r"will\s+be)|\s*[:=])?|at\s+(?:the\s+)?most|within|"
    r"capped\s+at|cap(?:\s+(?:of|at|is))?|limit(?:\s+(?:of|is))?|ceiling(?:\s+of)?|"
    r"(?:stretch|go|push|spend|afford|pay|do)(?:\s+(?:it|up))?\s+(?:to|as\s+(?:high|much)\s+as)|"
    r"can\s+(?:afford|spend|pay|do)|(?:no|not)\s+more\s+th[ae]n"
)
_MIN_CUES = (
    r"over|above|more\s+th[ae]n|higher\s+th[ae]n|greater\s+th[ae]n|pricier\s+th[ae]n|"
    r"more\s+expensive\s+th[ae]n|>=?|≥|north\s+of|in\s+excess\s+of|exceeding|upwards\s+of"
)
_MIN_CUES_SOFT = (
    r"at\s+(?:the\s+)?least|min(?:imum)?(?:\s+of)?|a\s+min(?:imum)?\s+of|"
    r"starting\s+(?:at|from)|starts\s+(?:at|from)|upwards\s+from"
)
_MIN_CUES_WEAK = r"from"
_APPROX_CUES = (
    r"about|around|approximately|approx\.?|roughly|circa|ca\.|~|close\s+to|near|"
    r"in\s+the\s+(?:region|ballpark|range|neighbou?rhood)\s+of|ballpark|round\s+about|"
    r"somewhere\s+(?:around|near)|something\s+like|more\s+or\s+less|give\s+or\s+take|"
    r"(?<!'d\s)(?<!would\s)(?<!\bi\s)(?<!\bwe\s)like"
)
_BUDGET_WORDS = (
    r"budget|spend|spending|afford|pay|paying|price\s+(?:range|point|limit)|"
    r"can\s+go|willing\s+to\s+go|looking\s+at|for"
)
#: words allowed between a budget word and its amount ("my budget would be 800")
_BUDGET_LINK = (
    r"(?:\s*'s|\s+(?:is|was|be|would|will|of|at|set|i|can|could|to|want|willing|prepared|"
    r"able|only|just|really|probably|maybe|a|my|total)\b|\s*[:=-]){0,4}"
)
_IS_MY = r"(?:is|'s|would\s+be|will\s+be)\s+(?:my|the|our)\s+(?:absolute\s+|upper\s+|hard\s+)?"
_MAX_AFTER = (
    rf"{_IS_MY}(?:limit|max(?:imum)?|budget|cap|ceiling)|"
    r"or\s+(?:less|under|below|lower|cheaper)|and\s+(?:under|below|less|lower)|"
    r"max(?:imum)?|tops|at\s+(?:the\s+)?most|limit|cap"
)
_MIN_AFTER = (
    rf"{_IS_MY}(?:min(?:imum)?|lower\s+limit|floor)|"
    r"or\s+(?:more|above|over|higher|pricier)|and\s+(?:up|above|over|upwards?|higher)|"
    r"upwards?|plus|\+|minimum|at\s+(?:the\s+)?least|or\s+up"
)
_APPROX_AFTER = r"-?ish|or\s+so|give\s+or\s+take|or\s+thereabouts|more\s+or\s+less|roughly|approx"
#: a negation in front of a cue flips it: "no more than 700", "nothing over 500"
_CUE_NEGATION = r"(?P<flip>(?:not|no|never|nothing|none)\s+)?"
#: a spending verb negated before the cue flips it too: "don't want to spend more than 800"
_SPEND_NEGATION = re.compile(
    r"(?:n't|\bnot|\bnever|\bcannot)\b(?!\s+(?:mind|care))(?:\s+\w+){0,3}?"
    r"\s+(?:spend|spending|pay|paying|go|going|cost|be|exceed)\s*$",
    re.I,
)

_BETWEEN_RX = re.compile(
    rf"\b(?:between|anywhere\s+from|somewhere\s+between|range\s+of)\s+"
    rf"{_amount('a')}\s*(?:-|–|—|to|through|thru|and|&)\s*{_amount('b')}", re.I)
_FROM_TO_RX = re.compile(
    rf"\bfrom\s+{_amount('a')}\s*(?:-|–|—|to|through|thru|up\s+to)\s*{_amount('b')}", re.I)
_BARE_RANGE_RX = re.compile(
    rf"{_amount('a')}\s*(?:-|–|—|\bto\b|\bthrough\b)\s*{_amount('b')}", re.I)


def _cue_then_amount(cues: str) -> re.Pattern:
    """A (possibly negated) cue word in front of an amount: "under $500", "no more than 700"."""
    return re.compile(rf"(?<![\w-]){_CUE_NEGATION}(?:{cues})\s*(?:the\s+)?{_amount('a')}", re.I)


_MAX_RX = _cue_then_amount(_MAX_CUES)
_MAX_SOFT_RX = _cue_then_amount(_MAX_CUES_SOFT)
_MIN_RX = _cue_then_amount(_MIN_CUES)
_MIN_SOFT_RX = _cue_then_amount(_MIN_CUES_SOFT)
_MIN_WEAK_RX = re.compile(rf"(?<![\w-])(?:{_MIN_CUES_WEAK})\s*{_amount('a')}", re.I)
_APPROX_RX = re.compile(rf"(?<![\w-])(?:{_APPROX_CUES})\s*(?:the\s+)?{_amount('a')}", re.I)
_BUDGET_RX = re.compile(rf"\b(?:{_BUDGET_WORDS})\b{_BUDGET_LINK}\s*{_amount('a')}", re.I)
_MAX_AFTER_RX = re.compile(rf"{_amount('a')}\s*(?:{_MAX_AFTER})(?![\w+])", re.I)
_MIN_AFTER_RX = re.compile(rf"{_amount('a')}\s*(?:{_MIN_AFTER})(?![\w+])", re.I)
_APPROX_AFTER_RX = re.compile(rf"{_amount('a')}\s*(?:{_APPROX_AFTER})(?!\w)", re.I)
_ANY_AMOUNT_RX = re.compile(_amount("a"), re.I)

#: what may follow a number that is *not* money: units, specs, counts
_UNIT_AFTER_RX = re.compile(
    r"""\s*(?:["”″]|%|\b(?:
        gb|gigs?|gigabytes?|tb|terabytes?|mb|megabytes?|inch(?:es)?|cm|mm|m|meters?|metres?|
        ft|feet|foot|hz|khz|mhz|ghz|mp|megapixels?|mah|w|watts?|v|volts?|kg|kilos?|lbs?|g|grams?|
        oz|nits?|fps|bit|cores?|threads?|gen|generation|series|edition|version|model|models|
        hours?|hrs?|h|days?|weeks?|wks?|months?|mos?|years?|yrs?|minutes?|mins|seconds?|secs?|
        people|persons?|kids|children|users|players|times|x|percent|stars?|reviews?|ratings?|
        items?|ones|products?|options?|results?|choices?|suggestions?|recommendations?|
        more|others|colou?rs?|pack|packs|pcs|pieces|units?|ports?|channels?|speakers?|
        phones?|laptops?|tablets?|tvs?|cameras?|monitors?|screens?|displays?|watches|
        headphones|earbuds|buds|devices?|pro|plus|ultra|mini|lite|fe|
        resolution|video|hdr|oled|qled|uhd|p)\b)""",
    re.I | re.X,
)
#: after a small number with no money marker, only these words keep it a price ("under 1 please")
_SMALL_OK_AFTER_RX = re.compile(
    r"\s*(?:$|[^\w\s]|\b(?:please|for|and|but|or|with|if|then|so|ok|okay|thanks|only|ideally|"
    r"preferably|would|is|i)\b)", re.I)
#: years look like prices ("2024") but only count as money with a cue or a currency
_YEAR_RX = re.compile(r"^(?:199\d|20[0-3][1-9]|20[1-3]0)$")  # "2000" is a price
#: words that may surround a bare number in a message that is "basically a number"
_FILLER_WORDS = frozenset(
    """maybe perhaps probably i guess think say like please just um uhm uh hmm ok okay so well
    about around roughly approximately approx ish or tops max thereabouts idk dunno lets let's
    let us it its it's that fine thanks thank you yeah yes yep sure only would be is my budget
    something somewhere give take more less dollars bucks usd eur euros quid pounds
    """.split()
)


# --------------------------------------------------------------------------- clauses

@dataclass(frozen=True)
class _Clause:
    start: int
    end: int
    low: Optional[float]
    high: Optional[float]
    negative: bool
    kind: str  # "max", "min", "range", "approx"


def _unit_follows(text: str, pos: int) -> bool:
    return bool(_UNIT_AFTER_RX.match(text, pos))


def _is_year(amount: _Amount, text: str) -> bool:
    return not amount.money and bool(_YEAR_RX.match(text[amount.start:amount.end].strip()))


def _plausible(amount: _Amount, text: str, strength: str, after: Optional[int] = None) -> bool:
    """Could this amount be a price, given how strong the cue in front of it was?

    strong: "under/over" style cues; anything goes except units and small counts followed
    by a noun ("at least 2 cameras"). soft: needs money or >= MIN_BARE_PRICE. weak: also
    rejects years ("for 2024"). ``after`` is where a unit would start (past a trailing cue).
    """
    after = amount.end if after is None else after
    if not amount.money and _unit_follows(text, after):
        return False
    if amount.money:
        return True
    if amount.resolution and strength == "weak":
        return False
    if strength == "strong":
        return not amount.small_bare or bool(_SMALL_OK_AFTER_RX.match(text, after))
    if amount.small_bare:
        return False
    return strength == "soft" or not _is_year(amount, text)


def _negated_spend(text: str, start: int) -> bool:
    return bool(_SPEND_NEGATION.search(text[max(0, start - 60):start]))


def _one_sided(rx: re.Pattern, text: str, kind: str, strength: str,
               cue_after: bool = False) -> List[_Clause]:
    """Clauses of one cue family; ``cue_after`` for cues that follow the amount ("500 or less")."""
    clauses = []
    for m in rx.finditer(text):
        amount = _read_amount(m, "a")
        if not _plausible(amount, text, strength, m.end() if cue_after else None):
            continue
        flip = bool(m.groupdict().get("flip")) != _negated_spend(text, m.start())
        side = {"max": "min", "min": "max"}[kind] if flip and kind in ("max", "min") else kind
        value = amount.value
        low, high = (value, None) if side == "min" else (None, value)
        if side == "approx":
            low, high = _band(value)
        clauses.append(_Clause(m.start(), max(m.end(), amount.end), low, high, value < 0, side))
    return clauses


def _band(value: float) -> Tuple[float, float]:
    """The "about X" band, rounded to whole units."""
    return float(math.floor(value * APPROX_LOW + 0.5)), float(math.floor(value * APPROX_HIGH + 0.5))


def _ranges(rx: re.Pattern, text: str, strength: str) -> List[_Clause]:
    clauses = []
    for m in rx.finditer(text):
        a, b = _read_amount(m, "a"), _read_amount(m, "b")
        money = a.money or b.money
        if strength == "weak" and not money:
            if a.small_bare or b.small_bare or _is_year(a, text) or _is_year(b, text):
                continue
        if not b.money and _unit_follows(text, b.end):
            continue
        if strength == "strong" and not money and (a.small_bare and b.small_bare):
            continue
        if a.money and not b.money and b.value < a.value and not m.group("bscale"):
            continue  # "$1k-5" is not a range
        # "1-2k" / "1.5 to 2k": a scale on the second end applies to a scale-less first end
        low = a.value
        if m.group("bscale") and not m.group("ascale") and b.value / abs(a.value or 1) > 100:
            low = a.value * _SCALES[m.group("bscale").strip().lower()]
        low, high = sorted((low, b.value))
        clauses.append(_Clause(m.start(), m.end(), low, high, a.value < 0 or b.value < 0, "range"))
    return clauses


def _bare_amounts(text: str) -> List[_Clause]:
    """Amounts with no cue: money-marked ones anywhere, plain numbers only in a bare message."""
    clauses = []
    for m in _ANY_AMOUNT_RX.finditer(text):
        amount = _read_amount(m, "a")
        if amount.money:
            keep = not _unit_follows(text, amount.end)
        else:
            keep = (not amount.resolution and _plausible(amount, text, "weak")
                    and _only_filler_around(text, amount))
        if keep:
            clauses.append(_Clause(amount.start, amount.end, None, amount.value,
                                   amount.value < 0, "max"))
    return clauses


def _only_filler_around(text: str, amount: _Amount) -> bool:
    rest = (text[:amount.start] + " " + text[amount.end:]).lower()
    words = re.findall(r"[a-z0-9']+", rest)
    return all(w in _FILLER_WORDS for w in words)


def _find_clauses(text: str) -> List[_Clause]:
    candidates: List[_Clause] = []
    candidates += _ranges(_BETWEEN_RX, text, "strong")
    candidates += _ranges(_FROM_TO_RX, text, "weak")
    candidates += _ranges(_BARE_RANGE_RX, text, "weak")
    candidates += _one_sided(_MIN_WEAK_RX, text, "min", "weak")
    candidates += _one_sided(_MAX_RX, text, "max", "strong")
    candidates += _one_sided(_MIN_RX, text, "min", "strong")
    candidates += _one_sided(_MAX_SOFT_RX, text, "max", "soft")
    candidates += _one_sided(_MIN_SOFT_RX, text, "min", "soft")
    candidates += _one_sided(_APPROX_RX, text, "approx", "soft")
    candidates += _one_sided(_BUDGET_RX, text, "max", "weak")
    candidates += _one_sided(_MAX_AFTER_RX, text, "max", "soft", cue_after=True)
    candidates += _one_sided(_MIN_AFTER_RX, text, "min", "soft", cue_after=True)
    candidates += _one_sided(_APPROX_AFTER_RX, text, "approx", "soft", cue_after=True)
    chosen = _non_overlapping(candidates)
    if not chosen:
        chosen = _non_overlapping(_bare_amounts(text))
    return sorted(chosen, key=lambda c: c.start)


def _non_overlapping(candidates: Sequence[_Clause]) -> List[_Clause]:
    """Ranges first, then longest clauses (so "price range 200-400" is one range), then leftmost."""
    chosen: List[_Clause] = []
    for c in sorted(candidates, key=lambda c: (c.kind != "range", -(c.end - c.start), c.start)):
        if all(c.end <= o.start or c.start >= o.end for o in chosen):
            chosen.append(c)
    return chosen


# --------------------------------------------------------------------------- public

def parse_budget(text: str) -> Optional[BudgetParse]:
    """The budget stated in ``text``, or None when it states none.

    Later clauses override earlier ones for the same side ("under 500, actually under 400").
    """
    if not text:
        return None
    clauses = _find_clauses(text)
    if not clauses:
        return None
    phrase = text[clauses[0].start:clauses[-1].end].strip()
    if any(c.negative for c in clauses):
        return BudgetParse(None, None, phrase, "negative")
    low: Optional[float] = None
    high: Optional[float] = None
    for clause in clauses:
        if clause.low is not None:
            low = clause.low
        if clause.high is not None:
            high = clause.high
        if clause.kind == "range":
            low, high = clause.low, clause.high
    return _with_problem(low, high, phrase, separate=len(clauses) > 1)


def _with_problem(low: Optional[float], high: Optional[float], phrase: str,
                  separate: bool) -> BudgetParse:
    problem = None
    if low is not None and high is not None and low > high:
        low, high = high, low
        problem = "conflict" if separate else None
    if high is not None and high >= NO_LIMIT_PRICE:
        return BudgetParse(low, None, phrase, "no limit")
    if high is not None and high < TOO_LOW_PRICE:
        problem = "too low"
    elif low is not None and low >= NO_LIMIT_PRICE:
        problem = "too high"
    return BudgetParse(low, high, phrase, problem)
