"""What the shopper is doing this turn, from Rasa's intent checked against the words.

The intent classifier is good at the broad kind of message but mixes up near neighbours
("which of these is the cheapest?" read as *cheaper*, "why the first one?" as *item_details*).
Clear cues in the text win over the intent, and only when the list they need is on screen.
"""
from __future__ import annotations

import re
from typing import Optional

RECOMMEND, NO_PREFERENCE, CHEAPER, PRICIER, MORE, SIMILAR = (
    "recommend", "no_preference", "cheaper", "pricier", "more", "similar")
DETAILS, EXPLAIN, COMPARE, ASK = "details", "explain", "compare", "ask"
LIKE, DISLIKE, PURCHASE, YES, NO, UNCLEAR = "like", "dislike", "purchase", "yes", "no", "unclear"
OUT_OF_SCOPE = "out_of_scope"
HANDOFF, GREET = "handoff", "greet"

INTENT_ACTS = {
    "request_recommendation": RECOMMEND,
    "inform": RECOMMEND,
    "no_preference": NO_PREFERENCE,
    "cheaper": CHEAPER,
    "more_expensive": PRICIER,
    "show_more": MORE,
    "similar_items": SIMILAR,
    "item_details": DETAILS,
    "explain_item": EXPLAIN,
    "compare_items": COMPARE,
    "ask_item": ASK,
    "like_item": LIKE,
    "dislike_item": DISLIKE,
    "purchased_item": PURCHASE,
    "affirm": YES,
    "deny": NO,
    "out_of_scope": OUT_OF_SCOPE,
    "human_handoff": HANDOFF,
    "greet": GREET,
}

#: words that ask for a person: without one, a "hand-off" that names a product is a shopping request
_PERSON_RX = re.compile(
    r"\b(?:person|people|human|humans|agent|agents|someone|somebody|staff|team|representative|rep|operator|"
    r"manager|colleague|customer\s+(?:service|care|support)|support|real|live\s+chat|complain|complaint|call\s+me)\b",
    re.I)


def asks_for_a_person(text: str) -> bool:
    """Whether the message mentions a person to talk to (not only a product to buy)."""
    return bool(_PERSON_RX.search(text or ""))

_COMPARE_RX = re.compile(
    r"\b(?:compare[ds]?|comparing|comparison|vs\.?|versus|difference|differences|differ|"
    r"which\s+(?:one\s+)?(?:is|would\s+be|'s)\s+better|better\s+(?:for|at)\b.*\b(?:or|vs)\b|"
    r"(?:first|second|third|1st|2nd|3rd|\d)\s+or\s+(?:the\s+)?(?:first|second|third|1st|2nd|3rd|\d)\b)",
    re.I)
_WHY_RX = re.compile(
    r"^\W*(?:but\s+|and\s+|so\s+|ok\s+|okay\s+)?(?:why|how\s+come|what\s+makes|what's\s+so\s+good|"
    r"what\s+is\s+so\s+good|reason|explain)\b|\bwhy\s+(?:did|do|would|is|was|that|this|the|those|these)\b", re.I)
#: a factual question: "is it waterproof?", "how much is the first", "which of these is cheapest"
_QUESTION_RX = re.compile(
    r"^\W*(?:is|are|does|do|did|has|have|can|could|will|would|which|what|what's|whats|how|who|where)\b"
    r"|\?\s*$", re.I)
_LIST_QUESTION_RX = re.compile(r"\bwhich\s+(?:of\s+(?:these|them|those)|one)\b", re.I)
_DETAILS_RX = re.compile(
    r"\b(?:tell\s+me\s+(?:a\s+(?:bit|little)\s+)?(?:more\s+)?about|(?:more|any)\s+(?:info|information|details)|details|"
    r"specs|rundown|what\s+can\s+you\s+tell\s+me|what\s+do\s+you\s+know\s+about|open\s+up|"
    r"what(?:'s|s|\s+is|\s+are)\b[^?.!]*\blike\s*\??\s*$|what(?:'s|s|\s+is)\s+(?:that|this|it)(?:\s+one)?\s*\??\s*$|"
    r"^\W*(?:and\s+|so\s+|ok\s+|okay\s+)?(?:the\s+)?(?:first|second|third|fourth|fifth|last|\#?\d)(?:\s+one)?\s*\??\s*$)",
    re.I)


_WHAT_ABOUT_RX = re.compile(r"^\W*(?:and\s+|ok\s+|okay\s+|so\s+)?(?:what|how)\s+about\b", re.I)
_SIMILAR_RX = re.compile(r"\b(?:more\s+like|similar|something\s+like|others?\s+like|along\s+(?:those|these)\s+lines)\b",
                         re.I)
_CHEAPER_RX = re.compile(r"\b(?:cheaper|less\s+expensive|lower\s+price|too\s+(?:expensive|pricey|much))\b", re.I)
_PRICIER_RX = re.compile(r"\b(?:pricier|more\s+expensive|higher[\s-]end|too\s+cheap|better\s+quality)\b", re.I)
_MORE_RX = re.compile(r"\b(?:show\s+(?:me\s+)?more|more\s+options|other\s+options|anything\s+else|what\s+else|next)\b",
                      re.I)
_BOUGHT_RX = re.compile(r"\b(?:bought|ordered|purchased|got\s+it|i'?ll\s+(?:take|buy|get))\b", re.I)


def guess_act(text: str, has_list: bool, refers: bool, polarity) -> str:
    """When the classifier had no confident intent: clear cues in the words, else unclear."""
    text = text or ""
    if not has_list:
        return UNCLEAR
    if _SIMILAR_RX.search(text):
        return SIMILAR
    if _COMPARE_RX.search(text):
        return COMPARE
    if _WHY_RX.search(text):
        return EXPLAIN
    if _BOUGHT_RX.search(text) and refers:
        return PURCHASE
    if re.match(r"^\W*(?:not|no)\s+(?:this|that|the|those|these)\b", text, re.I):
        return DISLIKE
    if polarity and (refers or re.search(r"\b(?:it|this|that)\b", text, re.I)):
        return LIKE if polarity == "like" else DISLIKE
    if _QUESTION_RX.search(text) and refers:
        return ASK
    if _CHEAPER_RX.search(text):
        return CHEAPER
    if _PRICIER_RX.search(text):
        return PRICIER
    if _MORE_RX.search(text):
        return MORE
    if refers:
        return DETAILS
    return UNCLEAR


def choose_act(intent: str, text: str, has_list: bool, refers: bool) -> str:
    """The act for this turn. ``refers``: the message names items on screen."""
    act = INTENT_ACTS.get(intent, UNCLEAR)
    if not has_list:
        return act
    text = text or ""
    if _WHAT_ABOUT_RX.search(text):
        return DETAILS if refers and act != RECOMMEND else RECOMMEND
    if act in (LIKE, DISLIKE, PURCHASE, SIMILAR) and refers:
        return act
    if _COMPARE_RX.search(text) and (refers or act in (COMPARE, ASK, UNCLEAR, DETAILS, EXPLAIN)):
        return COMPARE
    if _WHY_RX.search(text) and act not in (LIKE, DISLIKE, PURCHASE):
        return EXPLAIN
    if _DETAILS_RX.search(text) and refers and act not in (LIKE, DISLIKE, PURCHASE, SIMILAR):
        return DETAILS
    if _QUESTION_RX.search(text) and (refers or _LIST_QUESTION_RX.search(text)) and act in (
            ASK, DETAILS, CHEAPER, PRICIER, UNCLEAR, RECOMMEND, EXPLAIN, COMPARE, SIMILAR):
        return ASK if act != COMPARE else COMPARE
    return act


def ask_kind(text: str) -> Optional[str]:
    """The field a question asks about, when it is one of the plain ones."""
    low = (text or "").lower()
    if re.search(r"\b(?:weigh|weighs|weight|heavy|big|long|tall|wide|warranty)\b", low):
        return None  # "how much does it weigh": not the price
    if re.search(r"\b(?:how\s+much|price|cost|costs|pricey|expensive)\b", low):
        return "price"
    if re.search(r"\b(?:brand|make[sr]?|made\s+by|manufacturer|who\s+makes)\b", low):
        return "brand"
    if re.search(r"\b(?:in\s+stock|available|availability|sold\s+out|can\s+i\s+get\s+it)\b", low):
        return "stock"
    return None
