"""Every shopper-facing sentence Concierge writes, in one place, with one money formatter.

Static small talk lives in ``bot/domain.yml`` responses and shop answers in
``bot/data/shop_talk.yml``; everything composed from data is written here.
"""
from __future__ import annotations

from collections import Counter
from typing import List, Optional, Sequence, Tuple

from ..money import format_money
from ..reasons import EVENT_PAST


def money(value: Optional[float], currency: Optional[str] = None) -> str:
    """$1,299 / $24.99 / €12.50: in ``currency``, or the shop's when none is given (a budget)."""
    return format_money(value, currency)


def join_words(words: Sequence[str], last: str = "and") -> str:
    """a, b and c."""
    words = [w for w in words if w]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


# --- privacy ("what do you know about me?", "forget me"); data from recommender.privacy

#: event type -> (one, many) as the shopper reads it after a count
_PRIVACY_EVENT_WORDS = {
    "like": ("like", "likes"),
    "dislike": ("dislike", "dislikes"),
    "purchase": ("purchase", "purchases"),
    "add_to_cart": ("item added to your cart", "items added to your cart"),
    "rating": ("rating", "ratings"),
    "click": ("item you opened", "items you opened"),
    "view": ("item you viewed", "items you viewed"),
}
_PRIVACY_ORDER = ("like", "dislike", "purchase", "add_to_cart", "rating", "click", "view")


def _privacy_count(event: str, count: int) -> str:
    one, many = _PRIVACY_EVENT_WORDS.get(event, (event, event))
    return f"{count} {one if count == 1 else many}"


def _privacy_events(summary) -> list:
    return [e for e in _PRIVACY_ORDER if summary.counts.get(e)] + \
        [e for e in summary.counts if e not in _PRIVACY_ORDER and summary.counts[e]]


def privacy_summary_text(summary) -> str:
    """What is stored about the shopper (a ``recommender.privacy.PrivacySummary``), in words."""
    if summary.empty:
        return ("I haven't stored anything about you: no likes, dislikes, purchases or viewed items. "
                "The only thing I keep is this conversation, and you can say \"forget me\" to delete it.")
    lines = ["Here's what I've stored about you:"]
    for event in _privacy_events(summary):
        titles = list(summary.titles.get(event, ()))
        line = f"- {_privacy_count(event, summary.counts[event])}"
        if titles:
            line += ": " + ", ".join(titles)
        lines.append(line)
    lines.append("I use these only to rank recommendations for you. I also keep this conversation. "
                 "Say \"forget me\" to delete all of it.")
    return "\n".join(lines)


def forget_me_question(summary) -> str:
    """The confirmation question before deleting, naming what would go."""
    if summary.empty:
        what = "our conversation (I have no likes, purchases or viewed items stored for you)"
    else:
        counts = join_words([_privacy_count(e, summary.counts[e]) for e in _privacy_events(summary)])
        what = f"everything I've stored about you ({counts}) and our conversation"
    return f"This permanently deletes {what}. It can't be undone. Are you sure?"


def forget_me_done(result) -> str:
    """After deleting (a ``recommender.privacy.ForgetResult``)."""
    stored = result.interactions
    what = (f"your {stored} stored interaction{'s' if stored != 1 else ''}, your profile and our conversation"
            if result.anything else "our conversation")
    return (f"Done. I've deleted {what}. Next time you write, I'll start fresh and won't remember anything "
            "from before.")


# --- shopping ---------------------------------------------------------------------------
import re as _re  # noqa: E402

from ..constraints import Constraints  # noqa: E402


def plural(count: int, noun: str) -> str:
    """"1 smartphone", "5 smartphones": categories are stored in the plural."""
    if count == 1:
        return f"1 {singular(noun)}"
    return f"{count} {noun}"


def singular(noun: str) -> str:
    if noun.endswith("ies"):
        return noun[:-3] + "y"
    if noun.endswith(("ches", "shes", "sses", "xes")):
        return noun[:-2]
    if noun.endswith("s") and not noun.endswith("ss"):
        return noun[:-1]
    return noun


def under(value: float) -> str:
    return f"Under {money(value)}"


def between(low: float, high: float) -> str:
    return f"{money(low)}–{money(high)}"


def over(value: float) -> str:
    return f"Over {money(value)}"


def feature_title(tag: str) -> str:
    """"Noise cancelling", "HDR", "4K": short one-word tags are acronyms."""
    if " " not in tag and len(tag) <= 4:
        return tag.upper()
    return tag[:1].upper() + tag[1:]


ASK_BUDGET = "Any budget in mind?"
ASK_FEATURE = "Anything it must have?"
ASK_BRAND = "A favourite brand?"


def describe(constraints: Constraints, kind: Optional[str] = None, count: Optional[int] = None) -> str:
    """'Sony headphones under $300 with noise cancelling, not Bose': the request in words."""
    noun = constraints.category or "products"
    words = plural(count, noun) if count is not None else noun
    if kind and singular(kind) not in noun:
        words = f"{words} ({kind})"
    if constraints.brands:
        words = (f"{count} " if count is not None else "") + "/".join(constraints.brands) + " " + (
            singular(noun) if count == 1 else noun)
    parts = [words]
    low, high = constraints.min_price, constraints.max_price
    if low is not None and high is not None:
        parts.append(f"between {money(low)} and {money(high)}")
    elif high is not None:
        parts.append(f"under {money(high)}")
    elif low is not None:
        parts.append(f"over {money(low)}")
    if constraints.features:
        parts.append("with " + join_words(list(constraints.features)))
    if constraints.excluded_brands:
        parts.append("not " + join_words(list(constraints.excluded_brands), "or"))
    return " ".join(parts)


def constraints_payload(constraints: Constraints, kind: Optional[str]) -> dict:
    return {
        "category": constraints.category,
        "kind": kind,
        "min_price": constraints.min_price,
        "max_price": constraints.max_price,
        "features": list(constraints.features),
        "brands": list(constraints.brands),
        "excluded_brands": list(constraints.excluded_brands),
    }


_LEADS = {
    "cheaper": "Cheaper options:",
    "pricier": "A step up in price:",
    "more": "More options:",
}


def intro(result, kind: Optional[str] = None, lead: Optional[str] = None) -> str:
    """"Here are 5 smartphones under $500 with camera, best match first:" (1 reads "Here is 1 ...")."""
    shown = len(result.items)
    what = describe(result.constraints, kind, shown)
    verb = "Here is" if shown == 1 else "Here are"
    of_total = f" (of {result.total_matches} that fit)" if result.total_matches > shown else ""
    body = f"{verb} {what}{of_total}" + (", best match first:" if shown > 1 else ":")
    if lead in _LEADS:
        return f"{_LEADS[lead]} {body[0].lower()}{body[1:]}"
    if lead and lead.endswith(","):
        return f"{lead} {body[0].lower()}{body[1:]}"
    if lead:
        return f"{lead.rstrip('.')}. {body}"
    return body


def variants_note(item, variants: Sequence) -> str:
    """"also in Silver, Midnight Blue": what tells the other variants of the model apart."""
    from ..variants import variant_labels

    own = set(variant_labels(item))
    labels: List[str] = []
    for v in variants:
        for label in variant_labels(v) or (v.title,):
            if label not in own and label not in labels:
                labels.append(label)
    if not labels:
        return ""
    more = f" and {len(labels) - 5} more" if len(labels) > 5 else ""
    return "also in " + ", ".join(labels[:5]) + more


def item_line(position: int, row) -> str:
    item = row.item
    features = " · ".join(item.features[:3])
    lines = [f"{position}. {item.title} — {money(item.price, item.currency)}"]
    if features:
        lines.append(f"   {features}")
    note = variants_note(item, row.variants)
    if note:
        lines.append(f"   ({note})")
    lines.append(f"   Why: {row.reason}")
    return "\n".join(lines)


def list_text(notices: Sequence[str], intro_line: str, rows: Sequence, question: Optional[str]) -> str:
    lines = list(notices) + [intro_line] + [item_line(i + 1, r) for i, r in enumerate(rows)]
    if question:
        lines.append(question)
    return "\n".join(lines)


def list_buttons(count: int) -> List[Tuple[str, str]]:
    if not count:
        return []
    return [("Cheaper", "/cheaper"), ("Show more", "/show_more"),
            ("Why #1?", "why the first one?"), ("Compare #1 and #2", "compare the first two")][: 4 if count > 1 else 3]


def item_buttons() -> List[Tuple[str, str]]:
    return [("More like this", "more like this one"), ("I like it", "I like this one"), ("Not for me", "not this one")]


def no_results_text(notices: Sequence[str], result, kind: Optional[str]) -> str:
    lines = list(notices) + [f"I couldn't find any {describe(result.constraints, kind)} in stock."]
    if result.relaxations:
        options = [f"{r.label} ({r.count} option{'s' if r.count != 1 else ''})" for r in result.relaxations[:3]]
        lines.append("Closest ways to get results: " + "; ".join(options) + ".")
    else:
        lines.append("Try a different kind of product, or tell me what matters most and I'll start again.")
    if result.nearest:
        lines.append("Nearest options if you loosen it:")
        lines += [item_line(i + 1, r) for i, r in enumerate(result.nearest)]
    return "\n".join(lines)


WHICH_KIND = "What kind of product are you after?"
NO_KIND_FOUND = "I couldn't match that to a kind of product we sell."
POPULAR_INTRO = "Here are some of the shop's most popular picks:"


def ask_category(notices: Sequence[str], categories: Sequence[str], lead: Optional[str] = None) -> str:
    lead = lead or WHICH_KIND
    return "\n".join(list(notices) + [f"{lead} We carry {join_words(list(categories))}."])


def similar_intro(anchor) -> str:
    return f"More like the {short_title(anchor)}:"


def short_title(item) -> str:
    """The title without its variant suffix ("Sony WH-1000XM5 Wireless Noise Cancelling Headphones")."""
    return _re.split(r"\s+-\s+", item.title)[0]


def item_ref(item, position: Optional[int]) -> str:
    return f"The {short_title(item)}" + (f" (#{position + 1})" if position is not None else "")


def details(item, position: Optional[int], variants: Sequence) -> str:
    where = f"#{position + 1} " if position is not None else ""
    stock = "In stock." if item.in_stock else "Currently out of stock."
    lines = [f"{where}{item.title} by {item.brand}: {money(item.price, item.currency)}",
             f"Features: {', '.join(item.features) or 'none listed'}"]
    if item.description:
        lines.append(item.description)
    note = variants_note(item, variants)
    if note:
        lines.append(note[0].upper() + note[1:] + ".")
    lines.append(stock)
    return "\n".join(lines)


# explanations ("why that one?")
def why_budget(item, ceiling: float) -> str:
    spare = ceiling - item.price
    if spare >= 1:
        return f"it costs {money(item.price, item.currency)}, {money(spare, item.currency)} under your " \
               f"{money(ceiling, item.currency)} budget"
    return f"it is right at your {money(ceiling, item.currency)} budget"


def why_min_budget(item, floor: float) -> str:
    return f"it is above the {money(floor, item.currency)} you set as a minimum"


def why_features(features: Sequence[str]) -> str:
    return f"it has {join_words(list(features))}, which you asked for"


def why_need(phrase: str, feature: str) -> str:
    return f"it has {feature}, for your '{phrase}'"


def why_brand(brand: str) -> str:
    return f"it is a {brand}, the brand you asked for"


def why_kind(kind: str) -> str:
    return f"it is one of the {kind} you asked for"


def why_liked(other) -> str:
    return f"it is close to the {short_title(other)} you liked"


def why_history_item(other, event: str) -> str:
    return f"it is like the {short_title(other)} you {EVENT_PAST.get(event, 'looked at')} before"


WHY_POPULAR = "it is one of the most popular choices with other shoppers"
WHY_CHEAPEST_SHOWN = "it is the cheapest on this list"


def why_unique(extra: Sequence[str]) -> str:
    return f"it is the only one here with {join_words(list(extra))}"


def _ranked_by(ranker: str, events: Sequence[str]) -> str:
    """How the order was made, naming only history the store really holds for this shopper."""
    if ranker != "transformer" or not events:
        return "ranked by popularity and what you've told me so far"
    counts = Counter(events)
    parts = [f"{n} {'item' if n == 1 else 'items'} you {EVENT_PAST.get(e, 'looked at')}"
             for e, n in counts.most_common(3)]
    return f"ranked for you from your history ({join_words(parts)})"


def explanation(item, position: Optional[int], total: int, reasons: Sequence[str], ranker: str,
                events: Sequence[str] = ()) -> str:
    where = f"#{position + 1}" if position is not None else "it"
    head = f"Why the {short_title(item)}"
    rank = ""
    if position is not None:
        rank = f" It is {where} of {plural(total, item.category)} that fit, {_ranked_by(ranker, events)}."
    body = "; ".join(reasons) if reasons else "it meets everything you asked for"
    return f"{head}: {body}.{rank}"


# comparisons
def _mark(value) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


def comparison_table(items: Sequence, positions: Sequence[Optional[int]]) -> str:
    names = [f"#{p + 1} {short_title(i)}" if p is not None else short_title(i) for i, p in zip(items, positions)]
    lines = ["Side by side: " + " vs ".join(names)]
    lines.append("- Price: " + " | ".join(money(i.price, i.currency) for i in items))
    lines.append("- Brand: " + " | ".join(i.brand for i in items))
    tags: List[str] = []
    for item in items:
        tags += [t for t in item.features if t not in tags]
    for tag in tags:
        lines.append(f"- {feature_title(tag)}: " + " | ".join(_mark(tag in i.features) for i in items))
    return "\n".join(lines)


def trade_off_pair(cheaper: str, dearer: str, difference: float, dearer_extras: Sequence[str],
                   cheaper_extras: Sequence[str], currency: str = "USD") -> str:
    if difference < 1 and not dearer_extras and not cheaper_extras:
        return f"The {cheaper} and the {dearer} are alike on price and features."
    parts = []
    if difference >= 1:
        parts.append(f"The {cheaper} is {money(difference, currency)} cheaper")
    else:
        parts.append(f"The {cheaper} and the {dearer} cost about the same")
    if dearer_extras:
        parts.append(f"the {dearer} adds {join_words(list(dearer_extras))}")
    if cheaper_extras:
        parts.append(f"only the {cheaper} has {join_words(list(cheaper_extras))}")
    return "; ".join(parts) + "."


def trade_off_many(cheapest: str, richest: str, features: Sequence[str]) -> str:
    if cheapest == richest:
        return f"The {cheapest} is both the cheapest and the best equipped."
    return f"The {cheapest} is the cheapest; the {richest} has the most features ({join_words(list(features))})."


def purpose_none(purpose: Sequence[str]) -> str:
    return f"None of these is listed with {join_words(list(purpose))}, so the catalog can't tell which is better for it."


def purpose_all(purpose: Sequence[str], cheapest: str) -> str:
    return f"All of them have {join_words(list(purpose))}; the {cheapest} is the cheapest way to get it."


def purpose_winner(purpose: Sequence[str], winners: Sequence[str]) -> str:
    if len(winners) == 1:
        return f"For {join_words(list(purpose))}, the {winners[0]}: it is the one listed with it."
    return f"For {join_words(list(purpose))}: the {join_words(list(winners))}."


# answers to questions about items
def extreme_answer(extreme: str, item, position: Optional[int]) -> str:
    word = "cheapest" if extreme == "cheapest" else "most expensive"
    where = f" (#{position + 1})" if position is not None else ""
    return f"The {word} is the {short_title(item)}{where} at {money(item.price, item.currency)}."


def price_answer(name: str, item) -> str:
    return f"{name} costs {money(item.price, item.currency)}."


def brand_answer(name: str, brand: str) -> str:
    return f"{name} is made by {brand}."


def stock_answer(name: str, in_stock: bool) -> str:
    return f"Yes, {name[0].lower()}{name[1:]} is in stock." if in_stock else f"No, {name[0].lower()}{name[1:]} is out of stock right now."


def colour_answer(name: str, colour: str, has: bool, colours: Sequence[str]) -> str:
    if has:
        return f"Yes, {name[0].lower()}{name[1:]} comes in {colour}."
    if colours:
        return f"No, not in {colour}: {name[0].lower()}{name[1:]} comes in {join_words(list(colours))}."
    return f"The catalog doesn't list colours for {name[0].lower()}{name[1:]}."


def variant_answer(name: str, verdict: str, value: dict) -> str:
    """Yes / sold out / which there are, for a size, capacity or bottle size asked about."""
    name = f"{name[0].lower()}{name[1:]}"
    others = [v for v in value.get("available", []) if v != value.get("variant")]
    also = f" It also comes in {join_words(others[:6])}." if others else ""
    if verdict == "has":
        return f"Yes, {name} comes in {value['variant']}, and it's in stock.{also}"
    if verdict == "sold_out":
        return (f"{name[0].upper()}{name[1:]} comes in {value['variant']}, but that one is out of stock right now."
                + (f" In stock: {join_words(value['available'][:6])}." if value.get("available") else ""))
    if value.get("available"):
        return f"{name[0].upper()}{name[1:]} is in stock in {join_words(value['available'][:8])}."
    return f"{name[0].upper()}{name[1:]} is out of stock in every version right now."


def feature_answer(name: str, tag: str, has: bool, known: bool) -> str:
    low = name[0].lower() + name[1:]
    if has:
        return f"Yes, {low} has {tag}."
    if known:
        return f"No, {low} isn't listed with {tag}."
    return f"The catalog doesn't say whether {low} has {tag}."


def proxy_answer(name: str, word: str, tag: str, has: bool) -> str:
    low = name[0].lower() + name[1:]
    return (f"The catalog doesn't give exact figures for '{word}', but {low} is "
            f"{'' if has else 'not '}tagged {tag}.")


def superlative_proxy(tag: str, picks: Sequence[Tuple]) -> str:
    if not picks:
        return f"The catalog doesn't give exact figures for that, and none of these is tagged {tag}."
    names = [f"the {short_title(i)} (#{p + 1})" for i, p in picks]
    return f"The catalog doesn't give exact figures for that; tagged {tag} here: {join_words(names)}."


def unknown_answer(name: str, item) -> str:
    low = name[0].lower() + name[1:]
    extra = f" What it does say: {item.description}" if item.description else ""
    return f"The catalog doesn't say that for {low}.{extra}"


# how a message was read
def read_category(phrase: str, category: str) -> str:
    return f"I took '{phrase}' as {category}."


def read_need(phrase: str, feature: str) -> str:
    return f"I took '{phrase}' as {feature}."


def offer_need(phrase: str, feature: str) -> str:
    """A need read loosely: said as a question, and nothing was filtered on it."""
    return f"For '{phrase}', should I show only the ones with {feature}?"


def offer_need_button(feature: str) -> Tuple[str, str]:
    return f"Only {feature}", f"only {feature}"


def read_budget_raise(new: float) -> str:
    return f"I've raised your budget to {money(new)}."


def read_budget_lower(new: float) -> str:
    return f"I've lowered your budget to {money(new)}."


def read_cheap(word: str, high: float) -> str:
    return f"I took '{word}' as under {money(high)}."


def read_premium(word: str, low: float) -> str:
    return f"I took '{word}' as over {money(low)}."


# feedback
def liked(items: Sequence) -> str:
    names = join_words([f"the {short_title(i)}" for i in items])
    return f"Noted, you like {names}. With that in mind,"


def disliked(items: Sequence) -> str:
    if len(items) > 2:
        return f"Got it, none of those {len(items)}: I won't show them, or their other versions, again."
    names = join_words([f"the {short_title(i)}" for i in items], "or")
    return f"Got it, I won't show {names} again, in any version."


def purchased(item, has_extras: bool) -> str:
    head = f"Congratulations on the {short_title(item)}! I won't suggest it again."
    return head + (" These go well with it:" if has_extras else " Anything else I can find for you?")


def goes_with(item) -> str:
    return f"goes with your {short_title(item)}"


# capabilities and out of scope

#: two requests the help texts suggest, made from the shop's own kinds, prices and tags (``use_examples``)
_examples = ["a phone under $500 with a great camera", "headphones for the train", "Samsung"]


def use_examples(first: str, second: str, brand: str = "") -> None:
    """The example requests (and a brand to leave out) help texts suggest, from the served catalog."""
    _examples[:] = [first, second, brand or _examples[2]]


def example_requests(by_category) -> Tuple[str, str, str]:
    """("a tent under €300", "sleeping bags with down"): the two biggest kinds, a round median price, a common tag."""
    kinds = sorted(by_category.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    if not kinds:
        return tuple(_examples)  # type: ignore[return-value]
    name, items = kinds[0]
    prices = sorted(i.price for i in items)
    median = prices[len(prices) // 2]
    step = 10 if median < 100 else 50 if median < 1000 else 100
    budget = max(step, round(median / step) * step)
    first = f"{singular_noun(name)} under {money(budget)}"
    name2, items2 = kinds[1] if len(kinds) > 1 else kinds[0]
    tags = Counter(t for i in items2 for t in i.features)
    common = [t for t, n in tags.most_common() if n < len(items2)]
    second = f"{name2} with {common[0]}" if common else f"{singular_noun(name2)} for a gift"
    return first, second, Counter(i.brand for i in items).most_common(1)[0][0]


def singular_noun(noun: str) -> str:
    """"tents" -> "a tent", "sleeping bags" -> "a sleeping bag", "accessories" -> "an accessory"."""
    words = noun.split()
    phrase = " ".join(words[:-1] + [singular(words[-1])])
    return ("an " if phrase[:1].lower() in "aeiou" else "a ") + phrase


def capabilities(counts, top_categories):
    from .turn import Reply

    listing = ", ".join(f"{name} ({count})" for name, count in counts)
    text = ("I find products in this shop's catalog that fit your budget and must-haves, explain my picks, compare "
            "them and answer questions about them, and I learn from what you like. "
            f"We carry: {listing}.\nTry \"{_examples[0]}\", \"{_examples[1]}\", "
            "\"cheaper\", \"compare the first two\" or \"why the first one?\".")
    return Reply("text", text, [(name.capitalize(), f"show me {name}") for name in top_categories])


def plural_noun(noun: str) -> str:
    """"fridge" -> "fridges", "watch" -> "watches", "battery" -> "batteries"; plurals stay."""
    words = noun.split()
    last = words[-1]
    if last.endswith("s"):
        return noun
    if last.endswith(("x", "ch", "sh", "z")):
        last += "es"
    elif last.endswith("y") and last[-2:-1] not in "aeiou":
        last = last[:-1] + "ies"
    else:
        last += "s"
    return " ".join(words[:-1] + [last])


def unsold(product: str, categories: Sequence[str]) -> str:
    return f"Sorry, we don't sell {plural_noun(product)}. We carry {join_words(list(categories))}."


_OUT_OF_SCOPE = (
    "I can't help with that here, I'm afraid. I can find and compare {categories} from this shop, answer questions "
    "about them and about returns, shipping or payment, or put you in touch with a person (say \"talk to a "
    "person\"). What are you shopping for?",
    "That's outside what I can do here. Tell me what you're shopping for, in your own words, or pick a kind below.",
    "Sorry, I can't help with that one. I'm best at finding products: for example \"{first_example}\" or "
    "\"{second_example}\".",
)


def out_of_scope(categories: Sequence[str], times: int = 0) -> str:
    """Honest about what it can't do, and worded differently each time in a row."""
    return _OUT_OF_SCOPE[times % len(_OUT_OF_SCOPE)].format(categories=join_words(list(categories)),
                                                          first_example=_examples[0], second_example=_examples[1])


# acknowledgements and help
NO_PREFERENCE_ACK = "No problem, I'll keep the list as it is. Say \"show more\" for more options, or ask me about any of them."
NO_MORE = "That's everything that matches your request. Want me to loosen something, like the budget or a feature?"
def need_list() -> str:
    return f"Which one do you mean? Ask me for some recommendations first, for example \"{_examples[0]}\"."
NEED_LIST_FOR_SIMILAR = "Which one do you mean? Ask for a list first, then say \"more like the second one\"."
NEED_TWO = "I need at least two items on screen to compare. Ask me for some recommendations first."
#: the item a message points at ("I love the first one") was taken out of the catalog since it was shown
ITEM_GONE = "Sorry, that one is no longer in our catalog, so I've left it out"
ITEM_GONE_NO_LIST = ("Sorry, that one is no longer in our catalog. Tell me what you're looking for and "
                     "I'll find you something similar.")
KEEP_REQUEST = "OK, I've kept your request as it is. Tell me what to change: the budget, a brand, a feature or the kind of product."
YES_ACK = "Great! Tell me what else you'd like: a budget, a brand, a must-have feature, or ask me about any item."
NO_ACK = "No problem. Tell me what to change: the budget, a brand, a feature or the kind of product."

_HELP = (
    "Sorry, I didn't catch that. You can ask for things like \"{first_example}\", "
    "\"cheaper\", \"no {brand}\", \"compare the first two\" or \"why the first one?\".",
    "I'm still not sure what you mean. Pick a kind of product below, or describe what you need in your own words "
    "(for example \"{second_example}\").",
    "I can't work that one out, sorry. I can find products in this shop ({categories}), compare them, and answer "
    "questions about them; say \"talk to a person\" to reach the shop's staff.",
)


def not_understood(times: int, categories: Sequence[str]) -> str:
    """A different help text each time in a row, so nothing repeats."""
    text = _HELP[min(times, len(_HELP) - 1)] if times < len(_HELP) else _HELP[times % len(_HELP)]
    return text.format(categories=join_words(list(categories)), first_example=_examples[0],
                       second_example=_examples[1], brand=_examples[2])


# hand-off to a person
#: what a shop's routing code looks for in the reply
HANDOFF_PAYLOAD = {"type": "handoff", "reason": "shopper asked for a person"}


def handoff(contact: Optional[str]) -> str:
    """The hand-off, with the shop's own contact answer when it has one (never another shop's hours)."""
    head = "Sure, I'm passing you to a person on our team."
    return f"{head} {contact}" if contact else f"{head} Someone will get back to you as soon as they can."


def greeting(shop_name: str, again: bool = False) -> str:
    """Hello, as the shop's assistant, suggesting one of the shop's own requests."""
    if again:
        return ("Hello again! Tell me the kind of product, your budget and what matters to you, and I'll find "
                "the best matches.")
    where = f" at {shop_name}" if shop_name else ""
    return (f"Hi! I'm Concierge, the shopping assistant{where}. Tell me what you're after, for example "
            f"\"{_examples[0]}\", and I'll find the best matches.")


def set_aside(constraints: Sequence[str]) -> str:
    """Earlier constraints given way to what was just asked (nothing fitted both)."""
    return f"Nothing fits that together with {join_words(list(constraints))} from before, so I've set that aside."


def not_kind(label: str) -> str:
    """How a sub-kind turned down reads in a list title ("not curved")."""
    return f"not {label}"
