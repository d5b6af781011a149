"""What a shopper's message asks for: category, wanted/unwanted features and brands, budget.

Runs next to Rasa's NLU and is its backstop: Rasa entities are used when they resolve to the
shop's vocabulary, and the text itself is scanned with the vocabulary's alias tables. Every
mention (entity or text) then goes through the same context rules:

* longest phrase wins ("great camera" over "camera", "large screen" over "screen");
* words used as something other than a product are masked ("in case", "to watch movies");
* a negation cue shortly before a mention ("no", "without", "anything but", "don't want",
  "non-") or a dismissal after a feature ("5G isn't needed") marks it unwanted, and a list
  after a cue shares it ("no Samsung or Apple");
* a category word that only describes another product ("a *phone* case", "a laptop with a
  nice *screen*", "a case for my *phone*") yields to the product actually asked for;
* a word that is both a category and a feature ("camera") is the product asked for unless it
  is rejected, describes another product ("camera phone") or is something a product has
  ("something with a camera");
* a product line ("iPhone", "Galaxy") is a phrase with a brand sense and, when the line has
  one, a category sense: it names the brand, and the product unless the message names
  another one ("an iPhone case" is an accessory of any brand).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from ..vocabulary import Vocabulary
from .budget import BudgetParse, parse_budget
from .words import normalise as _norm
from .words import vocabulary_key as _vocab_key

CATEGORY, FEATURE, BRAND = "category", "feature", "brand"
_KINDS = (CATEGORY, FEATURE, BRAND)


@dataclass(frozen=True)
class RequestUpdate:
    """The changes one message makes to the shopper's request (all canonical vocabulary names)."""

    category: Optional[str] = None
    features: Tuple[str, ...] = ()
    removed_features: Tuple[str, ...] = ()
    brands: Tuple[str, ...] = ()
    excluded_brands: Tuple[str, ...] = ()
    budget: Optional[BudgetParse] = None
    no_preference: bool = False


# --------------------------------------------------------------------------- lexicon

Sense = Tuple[str, str]  # (kind, canonical)


@dataclass(frozen=True)
class _Lexicon:
    senses: Mapping[str, Tuple[Sense, ...]]  # normalised phrase -> senses
    compact: Mapping[str, Tuple[Sense, ...]]  # the same without spaces ("hires" = "hi-res")
    finder: re.Pattern  # finds any phrase (longest alternative first) at each position
    case_sensitive: Mapping[str, str]  # brand phrases that are also everyday words
    wordlike_lines: Mapping[str, Optional[str]]  # line names that are everyday words -> the line's category


#: brands that are everyday words: only matched when written with a capital ("Nothing")
def _brand_variants(brand: str) -> Iterable[str]:
    """"OnePlus" -> oneplus, one plus; "Bang & Olufsen" -> bang and olufsen, bangolufsen..."""
    base = brand.strip()
    camel = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", base)
    for form in {base, camel, base.replace("&", "and"), camel.replace("&", "and")}:
        low = _norm(form)
        yield low
        yield re.sub(r"[\s&]+", "", low)


def _brand_prefixes(brand: str, brands: Sequence[str]) -> Iterable[str]:
    """"Private Reserve" for "Private Reserve Cellars": leading words (two or more) that no other brand
    starts with, as shoppers shorten a long name. One word alone ("Hiker" of "Hiker Co") is too often
    an everyday word to stand for the brand."""
    words = _norm(brand).split()
    for n in range(2, len(words)):
        prefix = " ".join(words[:n])
        if not any(other != brand and _norm(other).startswith(prefix) for other in brands):
            yield prefix


def _phrase_pattern(phrase: str) -> str:
    words = [re.escape(w) for w in phrase.split(" ")]
    return r"[\s\-]*".join(words) if len(words) > 1 else words[0]


@lru_cache(maxsize=32)
def _lexicon_for(key: tuple) -> _Lexicon:
    categories, features, brands, lines, everyday = key
    everyday = set(everyday)
    senses: Dict[str, List[Sense]] = {}

    def add(phrase: str, sense: Sense) -> None:
        phrase = _norm(phrase)
        if phrase and sense not in senses.setdefault(phrase, []):
            senses[phrase].append(sense)

    for name, aliases in categories:
        for phrase in (name, *aliases):
            add(phrase, (CATEGORY, name))
    for name, aliases in features:
        for phrase in (name, *aliases):
            add(phrase, (FEATURE, name))
    case_sensitive: Dict[str, str] = {}
    wordlike_lines: Dict[str, Optional[str]] = {}
    for brand in brands:
        for phrase in (*_brand_variants(brand), *_brand_prefixes(brand, brands)):
            add(phrase, (BRAND, brand))
            if phrase in everyday:
                case_sensitive[phrase] = brand
    for line, (brand, category) in lines:
        add(line, (BRAND, brand))
        if category:
            add(line, (CATEGORY, category))
        if _norm(line) in everyday:
            case_sensitive[_norm(line)] = brand
            wordlike_lines[_norm(line)] = category
    ordered = sorted(senses, key=len, reverse=True)
    alternation = "|".join(_phrase_pattern(p) for p in ordered)
    finder = re.compile(rf"(?<![\w])(?=((?:{alternation})(?:'s|es|s)?)(?![\w]))", re.I)
    frozen = {k: tuple(v) for k, v in senses.items()}
    compact: Dict[str, Tuple[Sense, ...]] = {}
    for phrase, found in frozen.items():
        compact.setdefault(phrase.replace(" ", ""), found)
    return _Lexicon(frozen, compact, finder, case_sensitive, wordlike_lines)


def _senses_of(lexicon: _Lexicon, phrase: str) -> Tuple[Sense, ...]:
    """Senses of a matched phrase, trying it as written and then without a plural/possessive."""
    norm = _norm(phrase)
    forms = (norm, re.sub(r"'s$", "", norm), re.sub(r"es$", "", norm), re.sub(r"s$", "", norm))
    for form in forms:
        if form in lexicon.senses:
            return lexicon.senses[form]
    for form in forms:
        if form.replace(" ", "") in lexicon.compact:
            return lexicon.compact[form.replace(" ", "")]
    return ()


# --------------------------------------------------------------------------- mentions

@dataclass
class _Mention:
    start: int
    end: int
    senses: Tuple[Sense, ...]
    from_entity: bool = False
    forced_negative: bool = False  # an entity role said so

    @property
    def kinds(self) -> set:
        return {kind for kind, _ in self.senses}

    @property
    def is_line(self) -> bool:
        """A product line with a category ("iPhone"); only lines carry both senses."""
        return {BRAND, CATEGORY} <= self.kinds


#: uses of alias words that are not about a product; masked before matching
_IDIOMS_RX = re.compile(
    r"""
    \b(?:just\s+)?in\s+(?:any\s+|that\s+|this\s+|which\s+|either\s+|each\s+|every\s+|such\s+)?case\b
    | \b(?:use|worst|best|edge|test|upper|lower|special|court)[\s-]+cases?\b
    | \bcase\s+(?:by\s+case|stud(?:y|ies)|closed)\b
    | \b(?:is|was|be|'s|isn't|wasn't|not)\s+the\s+case\b
    | \b(?:to|can|could|i|we|you|they|and|or|just|mostly|mainly|usually|often|will|'ll|gonna|
         wanna|also|even|kids|family|then)\s+watch\b
      (?:\s+(?:movies|films|tv|netflix|videos?|shows|youtube|sports|series|anime|content|stuff|
         things|streams?|football|games))?
    | \bwatch\s+(?:movies|films|tv|netflix|videos?|shows|youtube|sports|series|anime|streams?)\b
    | \bin\s+(?:the\s+)?light\s+of\b
    | \blight(?=\s+(?:use|usage|users?|gaming|work|tasks|browsing|editing|duty|blue|grey|gray|
         green|pink|colou?r|bulbs?)\b)
    | \b(?:in|keep|get|stay|be|lose)\s+touch\b | \btouch\s+(?:base|wood)\b
    | \bzoom\s+(?:calls?|meetings?|sessions?|classes?)\b
    | \bon\s+display\b
    | \bscreen\s+(?:time|protectors?|size|sharing)\b
    """,
    re.I | re.X,
)


def _mask(text: str, spans: Iterable[Tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


#: words after "Nothing"/"Beats" that show it is the everyday word ("Nothing but Apple")
_FUNCTION_WORDS = frozenset(
    "but over under from with less more in at else fits too for to is like than else works "
    "really much beats of".split())


def _reads_as_brand(text: str, start: int, end: int) -> bool:
    """A brand that is also a word needs a capital, and more than a capital at a sentence start."""
    if not text[start:start + 1].isupper():
        return False
    after = re.match(r"\s*([\w']+)", text[end:])
    if after and after.group(1).lower() in _FUNCTION_WORDS:
        return False
    sentence_start = not text[:start].strip() or text[:start].rstrip()[-1:] in ".!?"
    return not sentence_start or after is not None


def _text_mentions(text: str, lexicon: _Lexicon) -> List[_Mention]:
    found = []
    for m in lexicon.finder.finditer(text):
        phrase = m.group(1)
        senses = _senses_of(lexicon, phrase)
        if not senses:
            continue
        norm = _norm(phrase)
        if norm in lexicon.case_sensitive and not _reads_as_brand(text, m.start(1), m.end(1)):
            line_sense = (CATEGORY, lexicon.wordlike_lines.get(norm))
            senses = tuple(s for s in senses if s[0] != BRAND and s != line_sense)
        if senses:
            found.append(_Mention(m.start(1), m.end(1), senses))
    return found


_NEGATIVE_ROLES = frozenset(
    {"exclude", "excluded", "negative", "negated", "not", "remove", "removed", "avoid",
     "without", "unwanted"})


def _entity_mentions(text: str, masked: str, entities: Sequence[dict],
                     lexicon: _Lexicon) -> List[_Mention]:
    """Rasa entities that resolve to the vocabulary, placed on their span (or found in the text)."""
    found = []
    for ent in entities or ():
        kind, value = ent.get("entity"), ent.get("value")
        if kind not in _KINDS or not isinstance(value, str) or not value.strip():
            continue
        senses = _senses_of(lexicon, value)
        senses = tuple(s for s in senses if s[0] == kind) or senses
        if not senses:
            continue
        start, end = _entity_span(text, ent, value)
        if start is not None and not masked[start:end].strip():
            continue  # the span is an idiom ("to watch movies"), whatever NLU thought
        if start is not None:
            in_text = _senses_of(lexicon, text[start:end])
            if set(senses) < set(in_text):
                senses = in_text  # an ambiguous word ("camera"): context decides, not NLU
        negative = str(ent.get("role") or "").lower() in _NEGATIVE_ROLES
        found.append(_Mention(start if start is not None else -1, end if end is not None else -1,
                              senses, from_entity=True, forced_negative=negative))
    return found


def _entity_span(text: str, ent: dict, value: str) -> Tuple[Optional[int], Optional[int]]:
    start, end = ent.get("start"), ent.get("end")
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
        return start, end
    m = re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text, re.I)
    return (m.start(), m.end()) if m else (None, None)


def _select(mentions: List[_Mention]) -> List[_Mention]:
    """Longest first, entities before text on equal spans; no overlaps. Span-less entities kept."""
    placed = [m for m in mentions if m.start >= 0]
    chosen: List[_Mention] = []
    for m in sorted(placed, key=lambda m: (-(m.end - m.start), not m.from_entity, m.start)):
        if all(m.end <= o.start or m.start >= o.end for o in chosen):
            chosen.append(m)
    unplaced = [m for m in mentions if m.start < 0]
    return sorted(chosen, key=lambda m: m.start) + unplaced


# --------------------------------------------------------------------------- negation

#: cues that reject what follows; "but" only after anything/everything/any X
_NEG_CUE_RX = re.compile(
    r"""
    (?P<but>\b(?:anything|everything|any(?:\s+\w+)?|all|whatever)\s+
        (?:but|except(?:\s+for)?|other\s+than|besides|apart\s+from|excluding)\b)
  | (?P<verb>(?:n't|\b(?:not|never|dont|doesnt|wont|cant|didnt|wouldnt|isnt|arent))\b
        (?!\s+(?:mind|wait|only)\b))
  | (?P<noun>\bnon(?:-|\s+)|\b(?:no\s+(?:need|use)(?:\s+(?:for|of))?|no|without|w/o|
        except(?:\s+for)?|excluding|exclude|avoid(?:ing)?|
        hate|hates|dislike|dislikes|skip|minus|nothing(?!\s+but)|none|nor|neither|ditch|ban|
        other\s+than|instead\s+of|rather\s+than|stay\s+away\s+from|steer\s+clear\s+of|sick\s+of|
        tired\s+of|done\s+with|fed\s+up\s+with|allergic\s+to|cannot\s+stand|can\s+not\s+stand|
        (?:move|moving|get|getting|go|going)\s+away\s+from|off\s+of|anti)\b)
    """,
    re.I | re.X,
)
#: where a negation stops: punctuation and contrastive words ("no gaming, but a camera")
_CLAUSE_BREAK_RX = re.compile(
    r"[.;!?,()]|\b(?:however|though|although|yet|while|whereas|also|plus|which|that|"
    r"with|who|but)\b|\band\s+(?:has|have|is|are|it's|its|comes|should|must)\b",
    re.I,
)
#: words after a noun-like cue that start a new, positive thought ("no, I want Samsung")
_RESET_RX = re.compile(
    r"\b(?:want|prefer|like|love|looking|show|get|give|find|maybe|go|how|what|please|"
    r"only|just|rather|idea|preference|problem|worries)\b", re.I)
#: a dismissal right after a feature/brand: "5G isn't needed", "gaming doesn't matter"
_DISMISSED_AFTER_RX = re.compile(
    r"""\s*(?:\w+\s+)??(?:
        (?:(?:is|are|'s|'re)\s+(?:not|n't)|isn't|aren't|isnt|arent|not|doesn't|does\s+not|
           doesnt|don't|do\s+not|dont)\s+(?:really\s+|that\s+|very\s+|so\s+|too\s+|at\s+all\s+)?
           (?:needed|necessary|required|important|essential|matter|a\s+(?:must|priority|concern|
           requirement|big\s+deal|dealbreaker))
      | (?:is|are|'s|'re)\s+(?:optional|unnecessary|overrated|out|a\s+no(?:-go)?|a\s+dealbreaker)
      | (?:(?:is|are|'s|'re)\s+)?(?:not|n't)\s+for\s+me
      | (?:not\s+)?(?:please\s+)?no\s+thanks
    )""",
    re.I | re.X,
)
_CONNECTOR_RX = re.compile(r"^(?:\s|,|&|/|\bor\b|\band\b|\bnor\b|\beven\b|\beither\b)*$", re.I)
_WORDS_RX = re.compile(r"[\w']+")
_VERB_WINDOW, _NOUN_WINDOW = 5, 3


def _is_negated(text: str, mention: _Mention, others: Sequence[_Mention]) -> bool:
    if mention.forced_negative:
        return True
    if mention.start < 0:
        return False
    if mention.kinds & {FEATURE, BRAND} and _DISMISSED_AFTER_RX.match(text, mention.end):
        return True
    return _negated_before(text, mention, others)


def _negated_before(text: str, mention: _Mention, others: Sequence[_Mention]) -> bool:
    """A negation cue earlier in the same clause, close enough, not claimed by another kind."""
    lo = max(0, mention.start - 80)
    window = text[lo:mention.start]
    but_cues = [c.span() for c in _NEG_CUE_RX.finditer(window) if c.lastgroup == "but"]
    breaks = [b for b in _CLAUSE_BREAK_RX.finditer(window)
              if not any(s <= b.start() < e for s, e in but_cues)]
    clause_start = lo + (breaks[-1].end() if breaks else 0)
    cues = [c for c in _NEG_CUE_RX.finditer(text, clause_start, mention.start)]
    if not cues:
        return False
    cue = cues[-1]
    between_mentions = [o for o in others
                        if o is not mention and cue.end() <= o.start < mention.start]
    gap_text = text[cue.end():mention.start]
    for o in between_mentions:
        gap_text = gap_text.replace(text[o.start:o.end], " ")
    kind = cue.lastgroup
    limit = _VERB_WINDOW if kind == "verb" else _NOUN_WINDOW + 2 * len(between_mentions)
    if len(_WORDS_RX.findall(gap_text)) > limit:
        return False
    if kind == "noun" and _RESET_RX.search(text, cue.end(), mention.start):
        return False
    if not _claimed_by_same_list(text, mention, between_mentions):
        return False
    if kind == "but" and _NEG_CUE_RX.search(text, clause_start, cue.start()):
        return False  # "I don't want anything but Apple" = only Apple
    return True


def _claimed_by_same_list(text: str, mention: _Mention, between: Sequence[_Mention]) -> bool:
    """Mentions between the cue and this one must be a list it belongs to ("no Samsung or Apple").

    A mention of another kind in between takes the negation for itself ("no Samsung, a good
    camera"), except category words, which just name the product ("no Samsung phones or Apple").
    """
    kinds = mention.kinds
    previous = None
    for o in between:
        if not (o.kinds & kinds) and o.kinds != {CATEGORY}:
            return False
        if o.kinds & kinds:
            previous = o
    if previous is None:
        return True
    rest = text[previous.end:mention.start]
    for o in between:
        if o.start >= previous.end:
            rest = rest.replace(text[o.start:o.end], " ")
    return bool(_CONNECTOR_RX.match(rest))


# --------------------------------------------------------------------------- categories

#: words that make a category mention describe something else ("with a nice screen",
#: "for my phone", "I have a laptop", "switch from phones")
_DESCRIPTIVE_BEFORE_RX = re.compile(
    r"\b(?:with|has|have|having|had|featuring|includes?|including|own|owns|my|our|his|her|their|"
    r"got|uses?|using|from|in|inside|into|compatible\s+with|works\s+with|pairs?\s+with|connect(?:s)?\s+to)"
    r"\s+(?:[\w']+\s+){0,2}$",
    re.I,
)
#: a product the shopper has, or is away from, rather than one to buy
_OWNED_BEFORE_RX = re.compile(
    r"\b(?:my|our|his|her|their|your|own|owns|have|has|had|got|from)\s+(?:[\w']+\s+){0,2}$", re.I)
#: a later clause says why or what for ("headphones for the office *so* I stop hearing phone calls"):
#: a product named there is context, not the thing asked for, when the main clause names one
_SUBORDINATE_BEFORE_RX = re.compile(r"\b(?:so|because|since|cause|coz|cos|as|while|whenever|when|if)\b[^,.;!?]*$",
                                    re.I)
#: words that clearly move to another kind of product ("show me cameras instead")
_SWITCH_RX = re.compile(
    r"\b(?:instead|rather|switch|show\s+me|what\s+about|how\s+about|let'?s\s+(?:look|see|try)|looking\s+for|"
    r"i\s+(?:want|need|'d\s+like)|do\s+you\s+(?:have|sell|do)|got\s+any|actually|now|back\s+to)\b", re.I)


#: an elliptical move to another kind that keeps the request ("smartwatches *instead*", "*what about* tablets?")
_CONTINUES_RX = re.compile(
    r"\b(?:instead|too|as\s+well|also|same|similar|what\s+about|how\s+about|rather|switch|"
    r"(?:those|these|them|ones)\b)|^\W*(?:and|or|ok|okay)\b", re.I)


def continues_request(text: str) -> bool:
    """Whether a message naming another kind carries the request over ("tablets instead") rather than
    starting a new one ("a jacket to wear on the trail"), whose features are its own."""
    return bool(_CONTINUES_RX.search(text or ""))


def asks_for_product(text: str, word: str) -> bool:
    """Whether ``word`` is asked for as a product ("*a* camera for youtube", "any cameras?"), not as a
    part of one ("the camera matters most")."""
    return bool(re.search(rf"\b(?:a|an|some|any|another|new)\s+(?:[\w-]+\s+)?{re.escape(word)}", text or "", re.I))


def asks_to_switch(text: str) -> bool:
    """Whether the message clearly asks for another kind of product, rather than a feature of this one."""
    return bool(_SWITCH_RX.search(text or ""))
#: "<product> for a <product>": the second one is what the first is for ("a case for a phone")
_FOR_OTHER_RX = re.compile(
    r"^\s*(?:for|to\s+go\s+with|to\s+fit|that\s+(?:fits|works\s+with)|compatible\s+with)\s+"
    r"(?:\w+\s+){0,2}$",
    re.I,
)
#: a product *having* a camera makes it a feature ("something with a camera")
_FEATURE_CUE_BEFORE_RX = re.compile(
    r"\b(?:with|featuring|includes?|including|(?:that|which|it)\s+(?:has|have|got)|has|having|"
    r"front|rear|back|selfie|main)\s+(?:\w+\s+){0,2}$",
    re.I,
)
_FEATURE_CUE_AFTER_RX = re.compile(
    r"\s*(?:quality|specs?|performance|setup|system|resolution|matters?|"
    r"(?:is|are|'s)\s+(?:\w+\s+){0,2}(?:important|key|essential|crucial|a\s+(?:must|priority)|priority))\b",
    re.I,
)


def _resolve_dual(text: str, mention: _Mention, negated: bool,
                  judged: Sequence[Tuple[_Mention, bool]]) -> Tuple[Sense, ...]:
    """A word that is both a category and a feature ("camera"): which one is meant here.

    Rejected ("doesn't need a camera"), describing another product ("phone with a camera") or
    possessed ("something that has a camera") -> the feature; otherwise the product itself.
    """
    kinds = mention.kinds
    if not {CATEGORY, FEATURE} <= kinds:
        return mention.senses
    categories = {s[1] for s in mention.senses if s[0] == CATEGORY}
    other_product = any(
        o is not mention and not o_negated and CATEGORY in o.kinds and FEATURE not in o.kinds
        and any(c not in categories for _, c in o.senses)
        for o, o_negated in judged
    )
    described = (mention.start >= 0 and (
        _FEATURE_CUE_BEFORE_RX.search(text[max(0, mention.start - 40):mention.start])
        or _FEATURE_CUE_AFTER_RX.match(text, mention.end)))
    keep = FEATURE if negated or other_product or described else CATEGORY
    return tuple(s for s in mention.senses if s[0] == keep)


def _choose_category(text: str, mentions: Sequence[Tuple[_Mention, bool]]) -> Optional[str]:
    """The product asked for: the last category that is neither rejected nor just descriptive.

    A category word beats a product line's category ("a tablet or an iPhone"); a rejected line
    still says what kind of product is meant when nothing else does ("not an iPhone").
    """
    placed: List[Tuple[_Mention, str]] = []
    rejected_lines = set()
    for mention, negated in mentions:
        for kind, canonical in mention.senses:
            if kind == CATEGORY and not negated:
                placed.append((mention, canonical))
            elif kind == CATEGORY and mention.is_line:
                rejected_lines.add(canonical)
    if not placed:
        return rejected_lines.pop() if len(rejected_lines) == 1 else None
    heads = [(m, c) for m, c in placed if not _descriptive(text, m, [p for p, _ in placed])]
    if len({c for _, c in heads}) > 1:
        main = [(m, c) for m, c in heads if m.start < 0 or not _SUBORDINATE_BEFORE_RX.search(text[:m.start])]
        heads = main or heads
    named = [(m, c) for m, c in heads if not m.is_line]
    # a product line the shopper only owns or describes ("she's got an iPhone") names no kind to buy
    # a single product the shopper has or is away from ("away from the charger", "for my phone") names none
    # either; two ("from phones to laptops") contrast, and the last is the one wanted
    pool = named or heads or [(m, c) for m, c in placed if not m.is_line and (
        len(placed) > 1 or m.start < 0 or not _OWNED_BEFORE_RX.search(text[max(0, m.start - 30):m.start]))]
    if not pool:
        return None
    return pool[-1][1]


def _drop_lines_of_other_products(judged: Sequence[Tuple[_Mention, bool]],
                                  category: Optional[str]) -> None:
    """A wanted line of another category only says what the product is for ("a case for my
    iPhone", "I have a MacBook, I need headphones"), not which brand to buy."""
    for mention, negated in judged:
        if mention.is_line and not negated and (CATEGORY, category) not in mention.senses:
            mention.senses = ()


def _descriptive(text: str, mention: _Mention, categories: Sequence[_Mention]) -> bool:
    if mention.start < 0:
        return False
    if _DESCRIPTIVE_BEFORE_RX.search(text[max(0, mention.start - 40):mention.start]):
        return True
    for o in categories:
        if o is mention or o.start < 0:
            continue
        # compound noun: the first noun only modifies the second ("phone case", "laptop charger")
        if o.start > mention.start and not text[mention.end:o.start].strip(" -'s"):
            return True
        if o.end <= mention.start and _FOR_OTHER_RX.match(text[o.end:mention.start]):
            return True
    return False


# --------------------------------------------------------------------------- no preference

_NO_PREFERENCE_RX = re.compile(
    r"""
    \b(?:doesn'?t|does\s+not|don'?t|do\s+not)\s+(?:really\s+)?(?:matter|mind|care)\b
  | \bno\s+(?:real\s+|particular\s+|strong\s+)?(?:preference|pref|budget|limit|price\s+limit)s?\b
  | \bnot\s+(?:fussy|picky|bothered|particular)\b | \bi'?m\s+(?:easy|flexible|open)\b
  | \bsurprise\s+me\b | \bup\s+to\s+you\b | \byou\s+(?:choose|pick|decide)\b
  | \bdealer'?s\s+choice\b | \bwhatever\b | \beither\s+(?:is|one|way|works|will\s+do)\b
  | \bany\s+(?:is|will\s+do|works|of\s+them|(?:brand|make|price|budget|model|type|kind|colou?r|
      size|category|one)s?\b(?!\s+(?:but|except|other\s+than|apart\s+from|besides|excluding)))
  | \banything\b(?=\s*(?:$|[.,!?;)]|(?:is|works|goes|will|'s|really|at\s+all|you|fine|ok|okay|
      good|please|honestly|as\s+long)\b))
  | \bmoney\s+(?:is\s+)?no\s+object\b | \bany\s+price\b | \bprice\s+(?:is\s+)?no\s+object\b
  | \bnothing\s+in\s+particular\b | \bnone\s+in\s+particular\b | \ball\s+good\b
    """,
    re.I | re.X,
)
_NEGATED_ANYTHING_RX = re.compile(r"(?:n't|\bnot|\bno)\s+(?:\w+\s+){0,2}$", re.I)


def _no_preference(text: str, chosen: Sequence[_Mention]) -> bool:
    """A "doesn't matter"/"anything" that is not about a specific feature or brand."""
    for m in _NO_PREFERENCE_RX.finditer(text):
        said_anything = m.group().lower().startswith("anything")
        if said_anything and _NEGATED_ANYTHING_RX.search(text[:m.start()]):
            continue  # "I don't want anything from Samsung"
        if _bound_to_mention(text, m, chosen):
            continue
        return True
    return False


def _bound_to_mention(text: str, m: re.Match, chosen: Sequence[_Mention]) -> bool:
    """"don't care about gaming" / "gaming doesn't matter" reject gaming, not everything."""
    for o in chosen:
        if o.start < 0 or not (o.kinds & {FEATURE, BRAND}):
            continue
        if o.start >= m.end() and _short_gap(text[m.end():o.start], 4):
            return True
        if m.start() >= o.end and _short_gap(text[o.end:m.start()], 2):
            return True
    return False


# --------------------------------------------------------------------------- public

def extract_request(text: str, vocab: Vocabulary,
                    entities: Optional[Sequence[dict]] = None) -> RequestUpdate:
    """Everything ``text`` (plus Rasa ``entities``) says about the product wanted."""
    text = (text or "").replace("\u2019", "'")
    lexicon = _lexicon_for(_vocab_key(vocab))
    budget = parse_budget(text)
    spans = [m.span() for m in _IDIOMS_RX.finditer(text)]
    if budget is not None and budget.phrase:
        at = text.find(budget.phrase)
        spans.append((at, at + len(budget.phrase)))
    masked = _mask(text, spans)

    mentions = _select(_text_mentions(masked, lexicon)
                       + _entity_mentions(text, masked, entities or (), lexicon))
    judged = [(m, _is_negated(masked, m, mentions)) for m in mentions]
    for mention, negated in judged:
        mention.senses = _resolve_dual(masked, mention, negated, judged)

    category = _choose_category(masked, judged)
    _drop_lines_of_other_products(judged, category)
    features, removed = _split(judged, FEATURE)
    if category is not None:
        same_as_category = set(vocab.categories.get(category, ())) | {category}
        features = tuple(f for f in features if f not in same_as_category)
    brands, excluded = _split(judged, BRAND)
    return RequestUpdate(
        category=category,
        features=features,
        removed_features=removed,
        brands=brands,
        excluded_brands=excluded,
        budget=budget,
        no_preference=_no_preference(masked, mentions),
    )


def _short_gap(gap: str, words: int) -> bool:
    return len(_WORDS_RX.findall(gap)) <= words and not re.search(r"[,.;!?]", gap)


def _split(judged: Sequence[Tuple[_Mention, bool]],
           kind: str) -> Tuple[Tuple[str, ...], Tuple[str, ...]]:
    """(wanted, rejected) canonical names of ``kind``, in order; a later mention overrides."""
    state: Dict[str, bool] = {}
    for mention, negated in judged:
        for k, canonical in mention.senses:
            if k == kind:
                state.pop(canonical, None)
                state[canonical] = negated
    wanted = tuple(c for c, neg in state.items() if not neg)
    rejected = tuple(c for c, neg in state.items() if neg)
    return wanted, rejected
