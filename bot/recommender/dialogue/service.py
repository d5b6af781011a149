"""The turn service: one understood message and the session in, typed replies out.

This is where the shop assistant's dialogue decisions live (what to answer, which item is
meant, what feedback means), so they are tested without Rasa. The action server only turns
the tracker into a ``Turn`` + ``ShoppingSession`` and renders the ``Reply`` objects.
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import replace
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from ..catalog import Item
from ..constraints import Constraints
from ..money import use_shop
from ..ranking import RankingContext
from ..service import Recommendation, Recommender
from ..session import ShoppingSession, merge_request, understood_anything
from ..product_phrase import unknown_product
from ..understanding import extract_request, feedback_polarity
from ..understanding.audience import read_audience
from ..understanding.lifts import read_lifts
from ..understanding.references import parse_item_reference
from ..understanding.request import asks_for_product, asks_to_switch, continues_request
from ..understanding.words import reads_as_context, rejects
from ..understanding.selection import Selection, asks_for_extreme, find_named_items, mentions_position, select_items
from . import acts, answers, texts
from .narrowing import narrowing_question
from .price_words import is_price_phrase, relative_budget
from .turn import Button, Outcome, Reply, Turn
from .variant_questions import variant_answer

logger = logging.getLogger(__name__)

LIST_SIZE = 5
#: how much the match between the shopper's own words and an item's text moves the order
RELEVANCE_WEIGHT = 0.5
#: relevance added for each loosely read need an item carries (a cosine is about 0.2-0.6)
SUGGESTED_BOOST = 0.15


def _restored(after: ShoppingSession, before: ShoppingSession) -> bool:
    """Whether the switch went back to a kind looked at before (its own constraints were restored)."""
    return any(category == after.category for category, _ in before.memory)


class TurnService:
    """Stateless: everything a conversation needs is in the ``ShoppingSession`` it is given."""

    def __init__(self, recommender: Recommender, matcher=None, complements=None,
                 variants_of: Optional[Callable[[Item], Sequence[Item]]] = None,
                 answers: Optional[Dict[str, str]] = None):
        self.rec = recommender
        #: the shop's own answers (its answers document): the hand-off says how to reach the shop
        self.answers = dict(answers or {})
        self.matcher = matcher
        self.complements = complements
        self._variants_of = variants_of
        #: items and feature tags of each category, built once (read on every message)
        self._by_category: Dict[str, List[Item]] = {}
        for item in recommender.catalog:
            self._by_category.setdefault(item.category, []).append(item)
        self._tags = {c: sorted({t for i in items for t in i.features}) for c, items in self._by_category.items()}
        # one process serves one shop: composed sentences speak its currency and suggest its own products
        use_shop(recommender.profile.currency, recommender.profile.locale)
        texts.use_examples(*texts.example_requests(self._by_category))

    # ------------------------------------------------------------------ entry point
    def handle(self, turn: Turn, session: ShoppingSession, history: Sequence[Tuple[str, str]] = ()) -> Outcome:
        seen = session
        session = self._forget_missing_items(session)
        turn = self._quick_reply(turn, session)
        shown = self._shown(session)
        if session is seen:
            selection = select_items(turn.text, shown) if shown else None
        else:  # items shown earlier left the catalog: read positions against the list the shopper saw
            gone, selection = self._select_as_seen(turn, seen, session)
            if gone:  # nothing recorded; a fresh list, so positions mean again what the shopper sees
                if not session.category:
                    return self._say(session, texts.ITEM_GONE_NO_LIST)
                result = self._search(session, history)
                return self._list(session, history, result,
                                  texts.intro(result, session.kind, lead=texts.ITEM_GONE), ask=False)
        act = acts.choose_act(turn.intent, turn.text, bool(shown), selection is not None)
        if act in (acts.UNCLEAR, acts.OUT_OF_SCOPE):
            guessed = acts.guess_act(turn.text, bool(shown), selection is not None, feedback_polarity(turn.text))
            act = guessed if guessed != acts.UNCLEAR else act
        named = extract_request(turn.text, self.rec.vocabulary, turn.entities)  # once, for the checks below
        if act in (acts.MORE, acts.SIMILAR, acts.YES, acts.NO, acts.CHEAPER, acts.PRICIER, acts.UNCLEAR):
            if named.category and named.category != session.category and (act != acts.SIMILAR or selection is None):
                act = acts.RECOMMEND  # "show me speakers" is a new request, whatever the classifier thought
        if act not in (acts.RECOMMEND, acts.CHEAPER, acts.PRICIER) and (selection is None or act == acts.NO) \
                and read_lifts(turn.text, self.rec.vocabulary, session.excluded_brands, session.features).any:
            act = acts.RECOMMEND  # "forget the budget", "start over", "JBL is fine after all": whatever the intent
        if shown and act not in (acts.RECOMMEND, acts.CHEAPER, acts.PRICIER, acts.COMPARE, acts.PURCHASE) \
                and not mentions_position(turn.text, len(shown)) \
                and named.excluded_brands:
            act = acts.RECOMMEND  # "not MSI please, his last one overheated": the brand is out, not item #1
        if act in (acts.UNCLEAR, acts.OUT_OF_SCOPE, acts.NO, acts.YES, acts.NO_PREFERENCE, acts.MORE) \
                and session.category and selection is None \
                and read_audience(turn.text, self._by_category.get(session.category, [])) is not None:
            act = acts.RECOMMEND  # "men's please", "it's for a woman": a refinement of the list
        if act in (acts.DETAILS, acts.ASK, acts.EXPLAIN) and shown and selection is None \
                and self._names_something_new(turn, named, shown):
            act = acts.RECOMMEND  # "what TVs does Sony make?", "what's the Samsung one like?" with none on screen
        if session.pending == "relaxation" and act in (acts.YES, acts.NO):
            return self._relaxation_answer(turn, session, history, act)
        handler = self._handler(act)
        outcome = handler(turn, session, history, selection=selection, act=act)
        misunderstood = session.misunderstood + 1 if handler in (self._unclear, self._out_of_scope) \
            and not outcome.interactions and outcome.replies and outcome.replies[0].kind == "text" else 0
        outcome.session = replace(outcome.session, misunderstood=misunderstood)
        return outcome

    def _handler(self, act: str):
        return {
            acts.RECOMMEND: self._recommend,
            acts.NO_PREFERENCE: self._no_preference,
            acts.CHEAPER: self._cheaper,
            acts.PRICIER: self._pricier,
            acts.MORE: self._more,
            acts.SIMILAR: self._similar,
            acts.DETAILS: self._details,
            acts.EXPLAIN: self._explain,
            acts.COMPARE: self._compare,
            acts.ASK: self._ask,
            acts.LIKE: self._feedback,
            acts.DISLIKE: self._feedback,
            acts.PURCHASE: self._feedback,
            acts.YES: self._yes,
            acts.NO: self._no,
            acts.OUT_OF_SCOPE: self._out_of_scope,
            acts.HANDOFF: self._handoff,
            acts.GREET: self._greet,
        }.get(act, self._unclear)

    # ------------------------------------------------------------------ helpers
    def _forget_missing_items(self, session: ShoppingSession) -> ShoppingSession:
        """Items removed from the catalog since they were shown are dropped, not failed on."""
        known = self.rec.items
        if all(i in known for i in session.shown) and (session.focus is None or session.focus in known):
            return session
        return replace(session, shown=tuple(i for i in session.shown if i in known),
                       focus=session.focus if session.focus in known else None)

    def _select_as_seen(self, turn: Turn, seen: ShoppingSession, session: ShoppingSession
                        ) -> Tuple[bool, Optional[Selection]]:
        """(points at a removed item, selection in ``session.shown``) for a message read against ``seen``,
        the session before the items that left the catalog were dropped: "the second one" still means
        the second item the shopper saw; "I love the first one" when that one is gone is (True, None)."""
        known = self.rec.items
        as_seen = [known.get(i) or Item(id=i, title="", category="", brand="", price=0.0) for i in seen.shown]
        selection = select_items(turn.text, as_seen) if as_seen else None
        if selection is None:
            gone = seen.focus is not None and seen.focus not in known and bool(
                re.search(r"\b(?:it|this|that)\b", turn.text or "", re.I))
            return gone, None
        if selection.by in ("cheapest", "dearest", "all"):  # about the list as it is now
            shown = self._shown(session)
            return False, select_items(turn.text, shown) if shown else None
        if any(seen.shown[p] not in known for p in selection.positions):
            return True, None
        now = {item_id: n for n, item_id in enumerate(session.shown)}
        return False, Selection([now[seen.shown[p]] for p in selection.positions], selection.by)

    def _shown(self, session: ShoppingSession) -> List[Item]:
        return [self.rec.items[i] for i in session.shown if i in self.rec.items]

    def _quick_reply(self, turn: Turn, session: ShoppingSession) -> Turn:
        """Typing "2" or a button's words picks that quick reply (the terminal shows them numbered)."""
        if not session.options:
            return turn
        text = (turn.text or "").strip().lower().strip(".!")
        chosen = None
        if re.fullmatch(r"#?\d{1,2}", text):
            n = int(text.lstrip("#"))
            if 1 <= n <= len(session.options):
                chosen = session.options[n - 1]
        else:
            for title, payload in session.options:
                if text in (title.lower(), payload.lower()):
                    chosen = (title, payload)
        if chosen is None:
            return turn
        typed_number = re.fullmatch(r"#?\d{1,2}", text) is not None
        payload = chosen[1]
        m = re.fullmatch(r"/(\w+)(\{.*\})?", payload)
        if m:
            import json

            entities = []
            if m.group(2):
                try:
                    entities = [{"entity": k, "value": v} for k, v in json.loads(m.group(2)).items()]
                except ValueError:
                    entities = []
            return replace(turn, text=chosen[0], intent=m.group(1), entities=entities)
        # a typed number has no intent of its own: the payload's words decide (acts.guess_act)
        intent = "" if typed_number or turn.intent in ("nlu_fallback", "out_of_scope") else turn.intent
        return replace(turn, text=payload, intent=intent, entities=())

    def _context(self, session: ShoppingSession, history: Sequence[Tuple[str, str]]) -> RankingContext:
        return session.ranking_context(history)

    def _relevance(self, session: ShoppingSession):
        if not self.matcher or not session.need_text:
            return None
        text = session.need_text
        soft = {feature for _, feature in session.suggested}
        if not soft:
            return lambda items: self.matcher.relevance(text, [i.id for i in items])

        def relevance(items):  # a need read loosely moves the items that carry it up, and filters nothing
            scores = self.matcher.relevance(text, [i.id for i in items])
            return {i.id: scores.get(i.id, 0.0) + SUGGESTED_BOOST * len(soft.intersection(i.features)) for i in items}
        return relevance

    def _search(self, session: ShoppingSession, history, skip: Sequence[str] = ()) -> Recommendation:
        return self.rec.recommend(session.constraints(), self._context(session, history), k=LIST_SIZE, skip=skip,
                                  relevance=self._relevance(session), relevance_weight=RELEVANCE_WEIGHT)

    def _same_models(self, ids: Sequence[str]) -> List[str]:
        """``ids`` and every other variant of their models ("show more" never shows a colour again)."""
        out = list(ids)
        for item_id in ids:
            if item_id in self.rec.items:
                out += [v.id for v in self._variants(self.rec.items[item_id])]
        return out

    def _model_rows(self, item: Item) -> List[Item]:
        """Every row of ``item``'s model, in stock or not (sizes, capacities, bottle sizes)."""
        key = self.rec.model_key
        if key is None:
            return [item]
        mine = key(item)
        return [i for i in self._by_category.get(item.category, []) if key(i) == mine]

    def _variants(self, item: Item) -> List[Item]:
        if self._variants_of is None:
            return []
        return [v for v in self._variants_of(item) if v.id != item.id]

    # ------------------------------------------------------------------ lists
    def _list(self, session: ShoppingSession, history, result: Recommendation, intro: str,
              notices: Sequence[str] = (), fresh: bool = True, ask: bool = True) -> Outcome:
        """Send a list (or "nothing fits" with ways out) plus at most one narrowing question."""
        if not result.found:
            return self._no_results(session, result, notices)
        for row in result.items:
            if not row.variants:
                row.variants = [v for v in self._variants(row.item) if v.in_stock]
        session = session.showing([r.item.id for r in result.items], fresh)
        session = replace(session, pending=None, relaxations=(), focus=None)
        question = None
        offers = self._offers(session) if ask else []
        offer = offers[0] if offers else None
        if ask and offer is None and result.total_matches > len(result.items):
            candidates = session.constraints().filter(self.rec.catalog)
            question = narrowing_question(candidates, result.constraints, session.asked,
                                          budget_known=session.min_price is not None or session.max_price is not None)
        ask_text = texts.offer_need(*offer) if offer else (question.text if question else None)
        text = texts.list_text(notices, intro, result.items, ask_text)
        if offer:
            buttons: List[Button] = [texts.offer_need_button(f) for _, f in offers] + \
                list(texts.list_buttons(len(result.items)))[:2]
        else:
            buttons = list(question.options) if question else list(texts.list_buttons(len(result.items)))
        payload = {
            "type": "recommendations",
            "items": [r.to_payload() for r in result.items],
            "constraints": texts.constraints_payload(result.constraints, session.kind),
            "total_matches": result.total_matches,
            "ranker": result.ranker,
            "readings": [{"phrase": p, "feature": f} for p, f in session.needs],
            "suggested": [{"phrase": p, "feature": f} for p, f in offers],
        }
        if question:
            payload["question"] = {"key": question.key, "text": question.text,
                                   "options": [{"title": t, "payload": p} for t, p in question.options]}
            session = replace(session, asked=session.asked + (question.key,), pending="narrow")
        if offers:  # offered once: the next lists don't ask again
            session = replace(session, asked=session.asked + tuple(f"need:{f}" for _, f in offers))
        session = replace(session, options=tuple(buttons))
        return Outcome([Reply("recommendations", text, buttons, payload)], session)

    def _offers(self, session: ShoppingSession) -> List[Tuple[str, str]]:
        """The loosely read needs to offer as refinements, (phrase, feature): those that would narrow the list."""
        candidates = session.constraints().filter(self.rec.catalog) if session.suggested else []
        offers = []
        for phrase, feature in session.suggested:
            carriers = sum(feature in i.features for i in candidates)
            if feature not in session.features and f"need:{feature}" not in session.asked \
                    and 0 < carriers < len(candidates):
                offers.append((phrase, feature))
        return offers

    def _no_results(self, session: ShoppingSession, result: Recommendation, notices: Sequence[str]) -> Outcome:
        relax = tuple({"label": r.label, "constraints": texts.constraints_payload(r.constraints, None),
                       "kind_ids": sorted(r.constraints.kind_ids)} for r in result.relaxations[:3])
        buttons = [(r["label"], f'/affirm{{"option": "{i + 1}"}}') for i, r in enumerate(relax)]
        text = texts.no_results_text(notices, result, session.kind)
        payload = {
            "type": "no_results",
            "constraints": texts.constraints_payload(result.constraints, session.kind),
            "relaxations": [r.to_payload() for r in result.relaxations],
            "nearest": [r.to_payload() for r in result.nearest],
        }
        session = session.showing([r.item.id for r in result.nearest], True)
        session = replace(session, relaxations=relax, pending="relaxation" if relax else None,
                          options=tuple(buttons))
        return Outcome([Reply("no_results", text, buttons, payload)], session)

    def _say(self, session: ShoppingSession, text: str, buttons: Sequence[Button] = (), kind: str = "text",
             payload: Optional[Dict] = None) -> Outcome:
        return Outcome([Reply(kind, text, list(buttons), payload)], replace(session, options=tuple(buttons)))

    def _ask_category(self, session: ShoppingSession, notices: Sequence[str], lead: Optional[str] = None) -> Outcome:
        categories = sorted(self.rec.vocabulary.categories)
        if session.brands:
            makers = {i.category for i in self.rec.catalog if i.brand in session.brands}
            categories = [c for c in categories if c in makers] or categories
        if session.features:  # "a bordeaux": only the kinds that have it
            carriers = {i.category for i in self.rec.catalog if all(f in i.features for f in session.features)}
            categories = [c for c in categories if c in carriers] or categories
        buttons = [(c.capitalize(), f"show me {c}") for c in categories[:8]]
        text = texts.ask_category(notices, categories, lead)
        session = replace(session, pending="category")
        return self._say(session, text, buttons, kind="question",
                         payload={"type": "question", "key": "category",
                                  "options": [{"title": t, "payload": p} for t, p in buttons]})

    # ------------------------------------------------------------------ understanding a request
    def _read(self, turn: Turn, session: ShoppingSession,
              by_meaning: bool = True) -> Tuple[ShoppingSession, List[str], bool]:
        """Fold the message into the request: (session, notices, understood anything).

        ``by_meaning`` off for answers ("no preference", "yes") whose words say nothing about a product.
        """
        text = turn.text or ""
        if self.matcher is not None:
            text = self.matcher.correct_spelling(text)
        vocab = self.rec.vocabulary
        lifts = read_lifts(text, vocab, session.excluded_brands, session.features)
        session = self._lift(session, lifts)
        update = extract_request(text, vocab, turn.entities)
        if lifts.brands_back or lifts.features:  # "JBL is fine after all" allows JBL, it doesn't ask for it only
            update = replace(update, brands=tuple(b for b in update.brands if b not in lifts.brands_back),
                             features=tuple(f for f in update.features if f not in lifts.features))
        update = self._dual_as_feature(update, session, text)
        if not update.category and not session.category and update.features:
            update = replace(update, category=self._kind_of_features(update.features))
        notices: List[str] = []
        readings: List[str] = []
        read_by_meaning = False
        if by_meaning and not update.category and self.matcher is not None and session.category:
            other = self.matcher.other_kind_named(text, session.category)
            if other:  # "I'll need a tripod as well" while looking at cameras
                update = replace(update, category=other)
        if by_meaning and not update.category and self.matcher is not None and not session.category \
                and not update.no_preference and not unknown_product(text):  # "I need a fridge" names a product we don't sell: no guessing
            hit = self.matcher.read_category(text)
            if hit:
                phrase, category, _ = hit
                update = replace(update, category=category)
                readings.append(texts.read_category(phrase, category))
                read_by_meaning = True
        understood = understood_anything(update) or lifts.any
        after, merge_notices = merge_request(session, update, self.rec.catalog)
        if session.category and after.category != session.category and not continues_request(text) \
                and not _restored(after, session):
            # a new request for another kind has its own features: nothing said for the last kind narrows it
            said, named = set(update.features), set(update.brands)
            after = replace(after, features=tuple(f for f in after.features if f in said),
                            needs=tuple(n for n in after.needs if n[1] in said),
                            brands=tuple(b for b in after.brands if b in named))
            merge_notices = [n for n in merge_notices if not n.startswith(("I've dropped", "I've set aside"))]
        after = self._without_context_tags(after, update, text)
        after = self._newest_words_win(after, session, update, merge_notices)
        notices += merge_notices
        budget = None if lifts.budget else relative_budget(text, after, self.rec.catalog, self._shown(session))
        if budget is not None and update.budget is None:
            after = replace(after, min_price=budget.min_price, max_price=budget.max_price, seen=(),
                            preferences_given=True)
            if budget.reading:
                readings.append(budget.reading)
            understood = True
        if after.category and self.matcher is not None and by_meaning and not update.no_preference:
            needs = self.matcher.read_needs(text, category=after.category,
                                            known_features=tuple(after.features) + tuple(update.removed_features))
            in_kind = self._by_category.get(after.category, [])
            suggested = []
            for need in needs:
                carriers = sum(need.feature in i.features for i in in_kind)
                if need.feature in after.features or carriers >= 0.95 * len(in_kind) or is_price_phrase(need.phrase):
                    continue  # already asked for, or true of every item of this kind ("camera" for cameras)
                if not need.sure:  # a looser reading re-ranks and is offered, never filters unasked
                    suggested.append((need.phrase, need.feature))
                    continue
                after = replace(after, features=after.features + (need.feature,),
                                needs=after.needs + ((need.phrase, need.feature),), seen=())
                readings.append(texts.read_need(need.phrase, need.feature))
                understood = True
            if suggested or needs:
                after = replace(after, suggested=tuple(suggested[:2]))
            for kind in self.matcher.read_kinds(text, after.category):
                if reads_as_context(text, kind.phrase):
                    continue  # "a speaker for my living room": the room is where it goes, not a kind of speaker
                if rejects(text, kind.phrase):  # "no curved ones please": everything of the kind but those
                    others = [i.id for i in self._by_category.get(after.category, []) if i.id not in kind.item_ids]
                    with_kind = replace(after, kind=texts.not_kind(kind.label), kind_ids=tuple(sorted(others)),
                                        seen=())
                else:
                    with_kind = replace(after, kind=kind.label, kind_ids=tuple(sorted(kind.item_ids)), seen=())
                # a sub-kind narrows only while something is left: else it just steers the order
                if with_kind.constraints().filter(self.rec.catalog):
                    after = with_kind
                    understood = True
                    break
        if after.category and by_meaning:
            audience = read_audience(text, self._by_category.get(after.category, []))
            if audience is not None:  # "women's", "for my 8-year-old daughter": the shop's own titles say who for
                with_audience = replace(after, kind=audience.label, kind_ids=tuple(sorted(audience.item_ids)), seen=())
                if with_audience.constraints().filter(self.rec.catalog):
                    after, understood = with_audience, True
        if after.category and self.matcher is not None and by_meaning and not update.no_preference:
            if read_by_meaning or after.needs != session.needs or after.kind != session.kind \
                    or after.suggested != session.suggested:
                after = replace(after, need_text=text if (after.needs or after.kind or read_by_meaning
                                                          or after.suggested) else after.need_text)
        return after, readings + notices, understood

    def _newest_words_win(self, after: ShoppingSession, before: ShoppingSession, update,
                          notices: List[str]) -> ShoppingSession:
        """When what was just said fits nothing together with what was carried from earlier turns ("wines from
        Chateau Lune" after a Rioja), the carried constraints give way, and the reply says which."""
        said_something = update.brands or update.features or update.category
        if not said_something or not after.category or after.constraints().filter(self.rec.catalog):
            return after
        said_features, said_brands = set(update.features), set(update.brands)
        steps = [("features", tuple(f for f in after.features if f not in said_features)),
                 ("brands", tuple(b for b in after.brands if b not in said_brands))]
        trial, dropped = after, []
        for field, carried in steps:
            if not carried:
                continue
            trial = replace(trial, **{field: tuple(v for v in getattr(trial, field) if v not in carried)})
            if field == "features":
                trial = replace(trial, needs=tuple(n for n in trial.needs if n[1] in trial.features))
            dropped += list(carried)
            if trial.constraints().filter(self.rec.catalog):
                notices.append(texts.set_aside(dropped))
                return trial
        return after

    def _without_context_tags(self, session: ShoppingSession, update, text: str) -> ShoppingSession:
        """A tag word said about the shopper's world ("a tent for a weekend *with two kids*") that no item
        of this kind carries narrows nothing: it names people or places, not the product."""
        in_kind = self._by_category.get(session.category or "", [])
        drop = []
        for feature in update.features:
            if feature not in session.features or any(feature in i.features for i in in_kind):
                continue
            words = (feature, *self.rec.vocabulary.features.get(feature, ()))
            if any(w.lower() in text.lower() and reads_as_context(text, w) for w in words):
                drop.append(feature)
        if not drop:
            return session
        return replace(session, features=tuple(f for f in session.features if f not in drop))

    @staticmethod
    def _lift(session: ShoppingSession, lifts) -> ShoppingSession:
        """Take back what the shopper lifted; "start over" keeps only what they bought and turned down."""
        if lifts.reset:
            return ShoppingSession(purchased=session.purchased, hidden=session.hidden, disliked=session.disliked,
                                   liked=session.liked, preferences_given=False)
        if lifts.budget:
            session = replace(session, min_price=None, max_price=None, seen=())
        if lifts.any_brand:
            session = replace(session, brands=(), excluded_brands=(), seen=())
        if lifts.brands_back:
            session = replace(session, excluded_brands=tuple(b for b in session.excluded_brands
                                                             if b not in lifts.brands_back), seen=())
        if lifts.features:
            session = replace(session, features=tuple(f for f in session.features if f not in lifts.features),
                              needs=tuple(n for n in session.needs if n[1] not in lifts.features), seen=())
        return session

    def _names_something_new(self, turn: Turn, update, shown: Sequence[Item]) -> bool:
        """A question that is really a new request: it names a kind or a brand that nothing on screen is,
        and points at no item ("which of these ...", "it", "that one")."""
        if re.search(r"\b(?:it|this|that|these|those|them|one\s+of)\b", turn.text or "", re.I) and not \
                re.search(r"\b(?:the\s+)?\w+\s+ones?\b", turn.text or "", re.I):
            return False
        on_screen_brands = {i.brand.lower() for i in shown}
        new_kind = update.category is not None and update.category not in {i.category for i in shown}
        new_brand = any(b.lower() not in on_screen_brands for b in update.brands)
        return new_kind or new_brand

    def _kind_of_features(self, features: Sequence[str]) -> Optional[str]:
        """The kind a tag names on its own ("Prosecco" is only ever sparkling): the category holding
        most of the items that carry every tag asked for, when it holds at least 80% of them."""
        carriers = Counter(i.category for i in self.rec.catalog if all(f in i.features for f in features))
        if not carriers:
            return None
        category, count = carriers.most_common(1)[0]
        return category if count >= 0.8 * sum(carriers.values()) else None

    def _dual_as_feature(self, update, session: ShoppingSession, text: str):
        """During a search, a word that names both a kind and a feature of the kind on screen ("the camera
        is what matters" while looking at phones) is that feature, unless the shopper clearly switches."""
        if not (session.category and update.category and update.category != session.category) \
                or asks_to_switch(text):
            return update
        names = {update.category, *self.rec.vocabulary.categories.get(update.category, ())}
        dual = [f for f in self._tags.get(session.category, ()) if f in names]
        if not dual or asks_for_product(text, dual[0]):  # "a camera for youtube" asks for one
            return update
        return replace(update, category=None, features=tuple(update.features) + (dual[0],))

    # ------------------------------------------------------------------ acts
    def _recommend(self, turn: Turn, session: ShoppingSession, history, **_) -> Outcome:
        after, notices, understood = self._read(turn, session)
        if not after.category:
            if session.pending == "category":  # asked already: show the shop's best instead of asking again
                return self._popular_picks(after, history, [texts.NO_KIND_FOUND] + notices)
            return self._ask_category(after, notices)
        if not understood and after == session and session.shown:
            shown = self._shown(session)
            selection = select_items(turn.text, shown)
            guessed = acts.guess_act(turn.text, True, selection is not None, feedback_polarity(turn.text))
            if guessed in (acts.SIMILAR, acts.COMPARE, acts.EXPLAIN, acts.ASK, acts.DETAILS, acts.MORE,
                           acts.CHEAPER, acts.PRICIER, acts.LIKE, acts.DISLIKE, acts.PURCHASE):
                return self._handler(guessed)(turn, session, history, selection=selection, act=guessed)
            return self._unclear(turn, session, history)
        result = self._search(after, history)
        return self._list(after, history, result, texts.intro(result, session.kind if False else after.kind),
                          notices)

    def _no_preference(self, turn: Turn, session: ShoppingSession, history, **_) -> Outcome:
        after, notices, understood = self._read(turn, session, by_meaning=False)
        if after.category and (understood and after != replace(session, preferences_given=True)):
            return self._recommend(turn, session, history)
        if not after.category:
            return self._popular_picks(after, history, notices)
        if session.pending == "narrow":
            session = replace(after, pending=None)
            return self._say(session, texts.NO_PREFERENCE_ACK, texts.list_buttons(len(session.shown)))
        if session.shown:  # nothing to narrow any more: the next best ones, never the same words again
            return self._more(turn, after, history)
        result = self._search(after, history)
        return self._list(after, history, result, texts.intro(result, after.kind), notices)

    def _popular_picks(self, session: ShoppingSession, history, notices: Sequence[str] = ()) -> Outcome:
        """No kind of product in mind: the shop's best-liked item of each kind (a new page each time)."""
        context = self._context(session, history)
        best: List = []
        skip = set(session.constraints().excluded_ids) | (set(self._same_models(session.seen))
                                                          if not session.category else set())
        for category in sorted(self.rec.vocabulary.categories):
            result = self.rec.recommend(Constraints(category=category, excluded_ids=frozenset(skip)), context, k=1)
            best += result.items
        best.sort(key=lambda r: -float(r.signals.get("popularity") or 0.0))
        rows = best[:LIST_SIZE]
        categories = sorted(self.rec.vocabulary.categories)
        buttons = [(c.capitalize(), f"show me {c}") for c in categories[:8]]
        session = session.showing([r.item.id for r in rows], fresh=bool(session.category))
        session = replace(session, pending=None, options=tuple(buttons), category=None)
        text = texts.list_text(notices, texts.POPULAR_INTRO, rows, texts.ask_category([], categories, texts.WHICH_KIND))
        payload = {"type": "recommendations", "items": [r.to_payload() for r in rows],
                   "constraints": texts.constraints_payload(Constraints(), None),
                   "total_matches": len(rows), "ranker": "popularity"}
        return Outcome([Reply("recommendations", text, buttons, payload)], session)

    def _cheaper(self, turn: Turn, session: ShoppingSession, history, **_) -> Outcome:
        after, notices, understood = self._read(turn, session)
        if not after.category:
            return self._ask_category(after, notices)
        if after.max_price == session.max_price or after.max_price is None:
            constraints = self.rec.cheaper(after.constraints(), list(session.shown))
            after = after.with_constraints(constraints)
        result = self._search(after, history)
        return self._list(after, history, result, texts.intro(result, after.kind, lead="cheaper"), notices)

    def _pricier(self, turn: Turn, session: ShoppingSession, history, **_) -> Outcome:
        after, notices, understood = self._read(turn, session)
        if not after.category:
            return self._ask_category(after, notices)
        if after.min_price == session.min_price and after.max_price == session.max_price:
            constraints = self.rec.pricier(after.constraints(), list(session.shown))
            after = after.with_constraints(constraints)
        result = self._search(after, history)
        return self._list(after, history, result, texts.intro(result, after.kind, lead="pricier"), notices)

    def _more(self, turn: Turn, session: ShoppingSession, history, **_) -> Outcome:
        if not session.category:
            return self._ask_category(session, [])
        result = self._search(session, history, skip=self._same_models(session.seen))
        if not result.found:
            return self._say(session, texts.NO_MORE, texts.list_buttons(len(session.shown)))
        return self._list(session, history, result, texts.intro(result, session.kind, lead="more"), fresh=False,
                          ask=False)

    def _target(self, turn: Turn, session: ShoppingSession, selection: Optional[Selection]) -> List[int]:
        """Positions the message is about: what it names, else the item in focus, else none."""
        if selection is not None:
            return list(selection.positions)
        if session.focus in session.shown:
            return [session.shown.index(session.focus)]
        if re.search(r"\b(?:it|this|that|this one|that one)\b", turn.text or "", re.I) and session.shown:
            return [0]
        return []

    def _similar(self, turn: Turn, session: ShoppingSession, history, selection=None, **_) -> Outcome:
        positions = self._target(turn, session, selection) or ([0] if session.shown else [])
        if not positions:
            return self._say(session, texts.NEED_LIST_FOR_SIMILAR)
        anchor = self.rec.items[session.shown[positions[0]]]
        session = replace(session, focus=anchor.id)
        result = self.rec.similar(anchor.id, session.constraints(), self._context(session, history), k=LIST_SIZE)
        outcome = self._list(session, history, result, texts.similar_intro(anchor), ask=False)
        outcome.interactions.append((anchor.id, "click"))
        return outcome

    def _details(self, turn: Turn, session: ShoppingSession, history, selection=None, **_) -> Outcome:
        positions = self._target(turn, session, selection)
        if not positions:
            named = find_named_items(turn.text, self.rec.catalog)
            if named:
                item = named[0]
                return self._detail_reply(session, item, None)
            return self._say(session, texts.need_list())
        item = self.rec.items[session.shown[positions[0]]]
        return self._detail_reply(session, item, positions[0])

    def _detail_reply(self, session: ShoppingSession, item: Item, position: Optional[int]) -> Outcome:
        variants = self._variants(item)
        buttons = texts.item_buttons()
        payload = {"type": "item_details",
                   "item": {**item.to_payload(), "description": item.description, "in_stock": item.in_stock,
                            "image_url": item.image_url,
                            "variants": [{"id": v.id, "title": v.title, "price": v.price} for v in variants]}}
        session = replace(session, focus=item.id, pending=None)
        outcome = self._say(session, texts.details(item, position, variants), buttons, "item_details", payload)
        outcome.interactions.append((item.id, "click"))
        return outcome

    def _items_for(self, turn: Turn, session: ShoppingSession, selection, default_count: int
                   ) -> Tuple[List[Item], List[Optional[int]]]:
        positions = self._target(turn, session, selection)
        if positions:
            return [self.rec.items[session.shown[p]] for p in positions], list(positions)
        named = find_named_items(turn.text, self.rec.catalog)
        if named:
            shown = list(session.shown)
            return named, [shown.index(i.id) if i.id in shown else None for i in named]
        count = min(default_count, len(session.shown))
        return [self.rec.items[i] for i in session.shown[:count]], list(range(count))

    def _explain(self, turn: Turn, session: ShoppingSession, history, selection=None, **_) -> Outcome:
        if not session.shown:
            return self._say(session, texts.need_list())
        items, positions = self._items_for(turn, session, selection, 1)
        item, position = items[0], positions[0]
        result = self.rec.recommend(session.constraints(), self._context(session, history), k=LIST_SIZE * 4,
                                    relevance=self._relevance(session), relevance_weight=RELEVANCE_WEIGHT)
        signals: Dict = {}
        for row in result.items:
            if row.item.id == item.id:
                signals = row.signals
        liked = [self.rec.items[i] for i in session.liked if i in self.rec.items]
        held = [(self.rec.items[i], e) for i, e in history if i in self.rec.items][-50:]
        answer = answers.explain(item, position, session, result.total_matches, liked, held,
                                 result.ranker, signals, self._shown(session))
        session = replace(session, focus=item.id, pending=None)
        return self._say(session, answer.text, texts.item_buttons(), "explanation", answer.payload)

    def _compare(self, turn: Turn, session: ShoppingSession, history, selection=None, **_) -> Outcome:
        named = find_named_items(turn.text, self.rec.catalog) if selection is None or len(selection.positions) < 2 \
            else []
        if len(named) >= 2:
            items = named[:3]
            shown = list(session.shown)
            positions = [shown.index(i.id) if i.id in shown else None for i in items]
        else:
            if len(session.shown) < 2:
                return self._say(session, texts.NEED_TWO)
            items, positions = self._items_for(turn, session, selection, 2)
            if len(items) < 2:
                others = [p for p in range(len(session.shown)) if p not in positions][:1]
                items += [self.rec.items[session.shown[p]] for p in others]
                positions += others
        purpose = self._purpose(turn.text, items[0].category)
        answer = answers.compare(items, positions, purpose)
        session = replace(session, pending=None)
        return self._say(session, answer.text, texts.list_buttons(len(session.shown)), "comparison", answer.payload)

    def _purpose(self, text: str, category: str) -> List[str]:
        update = extract_request(text, self.rec.vocabulary, [])
        tags = set(self._tags.get(category, ()))
        purpose = [f for f in update.features if f in tags]
        if not purpose and self.matcher is not None:
            purpose = [n.feature for n in self.matcher.read_needs(text, category=category)]
        return purpose

    def _ask(self, turn: Turn, session: ShoppingSession, history, selection=None, **_) -> Outcome:
        if not session.shown:
            return self._say(session, texts.need_list())
        shown = self._shown(session)
        extreme = asks_for_extreme(turn.text)
        pick = answers.superlative_pick(turn.text, shown) if selection is None else None
        if pick is not None:
            tag, positions = pick
            text = texts.superlative_proxy(tag, [(shown[p], p) for p in positions])
            return self._say(session, text, texts.list_buttons(len(shown)), "item_answer",
                             {"type": "item_answer", "items": [shown[p].to_payload() for p in positions],
                              "answers": [{"field": "unknown", "value": None, "proxy_feature": tag}]})
        items, positions = self._items_for(turn, session, selection, 1)
        field = acts.ask_kind(turn.text)
        if len(items) == 1 and field in (None, "stock"):
            found = variant_answer(turn.text, items[0], self._model_rows(items[0]))
            if found is not None:  # "do you have it in a men's 9?": the model's own rows answer
                verdict, value = found
                session = replace(session, focus=items[0].id, pending=None)
                return self._say(session, texts.variant_answer(texts.item_ref(items[0], positions[0]), verdict, value),
                                 texts.item_buttons(), "item_answer",
                                 {"type": "item_answer", "items": [items[0].to_payload()], "answers": [value]})
        category = items[0].category
        category_tags = self._tags.get(category, [])
        update = extract_request(turn.text, self.rec.vocabulary, turn.entities)
        features = [f for f in update.features + update.removed_features]
        if not features and not field and not extreme and self.matcher is not None:
            features = [n.feature for n in self.matcher.read_needs(turn.text, category=category)]
        variants = {i.id: self._variants(i) for i in items}
        answer = answers.answer_question(turn.text, items, positions, field, features, category_tags, variants,
                                         extreme)
        focus = items[0].id if len(items) == 1 else session.focus
        session = replace(session, focus=focus, pending=None)
        return self._say(session, answer.text, texts.item_buttons() if len(items) == 1
                         else texts.list_buttons(len(shown)), "item_answer", answer.payload)

    def _greet(self, turn: Turn, session: ShoppingSession, history, **_) -> Outcome:
        """Hello, in the shop's name, with one of its own products as the example; "hi, I need a tent" is a request."""
        update = extract_request(turn.text, self.rec.vocabulary, turn.entities)
        if update.category or update.brands or update.features or update.budget:
            return self._recommend(turn, session, history)
        categories = sorted(self.rec.vocabulary.categories)
        buttons = [(c.capitalize(), f"show me {c}") for c in categories[:8]]
        again = tuple(session.options) == tuple(buttons)  # "hi" twice: never the same words twice
        return self._say(session, texts.greeting(self.rec.profile.name, again), buttons)

    def _handoff(self, turn: Turn, session: ShoppingSession, history, **_) -> Outcome:
        """To a person, with the shop's own way to reach it; a message that names a product and no person
        ("we cook together and want a speaker for the kitchen") is a shopping request, whatever the intent."""
        if not acts.asks_for_a_person(turn.text):
            update = extract_request(turn.text, self.rec.vocabulary, turn.entities)
            if update.category or update.brands or update.features:
                return self._recommend(turn, session, history)
        text = texts.handoff(self.answers.get("contact") or self.answers.get("opening_hours"))
        session = replace(session, pending=None)
        return self._say(session, text, (), "handoff", dict(texts.HANDOFF_PAYLOAD))

    def _feedback(self, turn: Turn, session: ShoppingSession, history, selection=None, act=acts.LIKE,
                  **_) -> Outcome:
        event = {acts.LIKE: "like", acts.DISLIKE: "dislike", acts.PURCHASE: "purchase"}[act]
        if event == "like" and feedback_polarity(turn.text) == "dislike":
            event = "dislike"  # "I don't like the first one" read as a like by the classifier
        positions = self._target(turn, session, selection)
        if not positions:
            named = find_named_items(turn.text, self.rec.catalog) if event == "purchase" else []
            if not named:
                return self._say(session, texts.need_list())
            items = named[:1]
        else:
            items = [self.rec.items[session.shown[p]] for p in positions]
        interactions = [(i.id, event) for i in items]
        if event == "purchase":
            return self._purchased(session, history, items, interactions)
        ids = tuple(i.id for i in items)
        if event == "dislike":  # "not this" means the model: its other colours and sizes go too
            others = tuple(v.id for item in items for v in self._variants(item) if v.id not in session.hidden)
            session = replace(session, disliked=session.disliked + ids, focus=None, hidden=session.hidden + others,
                              liked=tuple(i for i in session.liked if i not in ids))
            lead = texts.disliked(items)
        else:
            session = replace(session, liked=session.liked + tuple(i for i in ids if i not in session.liked),
                              focus=ids[0], disliked=tuple(i for i in session.disliked if i not in ids))
            lead = texts.liked(items)
        if not session.category:
            outcome = self._say(session, lead)
            outcome.interactions = interactions
            return outcome
        result = self._search(session, history + tuple(interactions) if isinstance(history, tuple)
                              else list(history) + interactions)
        outcome = self._list(session, history, result, texts.intro(result, session.kind, lead=lead), ask=False)
        outcome.interactions = interactions
        return outcome

    def _purchased(self, session: ShoppingSession, history, items: List[Item], interactions) -> Outcome:
        bought = items[0]
        hidden = tuple(v.id for item in items for v in [item, *self._variants(item)])
        session = replace(session, purchased=session.purchased + tuple(i.id for i in items),
                          hidden=session.hidden + tuple(h for h in hidden if h not in session.hidden),
                          liked=tuple(i for i in session.liked if i not in hidden), focus=None,
                          shown=tuple(i for i in session.shown if i not in hidden))
        extras = self.complements(bought) if self.complements is not None else []
        extras = [e for e in extras if e.id not in hidden][:LIST_SIZE]
        if not extras:
            outcome = self._say(session, texts.purchased(bought, False))
            outcome.interactions = interactions
            return outcome
        from ..service import RankedItem

        rows = [RankedItem(e, 0.0, texts.goes_with(bought)) for e in extras]
        session = session.showing([e.id for e in extras])
        buttons = texts.list_buttons(len(rows))
        text = texts.list_text([], texts.purchased(bought, True), rows, None)
        payload = {"type": "recommendations", "items": [r.to_payload() for r in rows],
                   "constraints": texts.constraints_payload(Constraints(), None), "total_matches": len(rows),
                   "ranker": "complements", "complements_of": bought.id}
        session = replace(session, options=tuple(buttons), pending=None)
        return Outcome([Reply("recommendations", text, buttons, payload)], session, interactions)

    def _relaxation_answer(self, turn: Turn, session: ShoppingSession, history, act: str) -> Outcome:
        options = list(session.relaxations)
        if act == acts.NO or not options:
            session = replace(session, pending=None, relaxations=())
            return self._say(session, texts.KEEP_REQUEST)
        choice = 0
        for entity in turn.entities or ():
            if entity.get("entity") == "option":
                try:
                    index = int(str(entity.get("value"))) - 1
                except ValueError:
                    continue
                if 0 <= index < len(options):
                    choice = index
        option = options[choice]
        c = option["constraints"]
        constraints = session.constraints().with_changes(
            category=c.get("category"), min_price=c.get("min_price"), max_price=c.get("max_price"),
            features=tuple(c.get("features") or ()), brands=tuple(c.get("brands") or ()),
            excluded_brands=tuple(c.get("excluded_brands") or ()),
            kind_ids=frozenset(option.get("kind_ids") or ()))
        after = replace(session.with_constraints(constraints), preferences_given=True)
        after = replace(after, needs=tuple(n for n in after.needs if n[1] in after.features))
        result = self._search(after, history)
        return self._list(after, history, result, texts.intro(result, after.kind, lead=option["label"]))

    def _yes(self, turn: Turn, session: ShoppingSession, history, **kwargs) -> Outcome:
        after, notices, understood = self._read(turn, session, by_meaning=False)
        if understood and after.category:
            return self._recommend(turn, session, history)
        if session.pending == "category":
            return self._ask_category(session, [], texts.WHICH_KIND)
        return self._say(replace(session, pending=None), texts.YES_ACK,
                         texts.list_buttons(len(session.shown)) if session.shown else ())

    def _no(self, turn: Turn, session: ShoppingSession, history, **kwargs) -> Outcome:
        after, notices, understood = self._read(turn, session, by_meaning=False)
        if understood and after.category:
            return self._recommend(turn, session, history)
        if session.pending == "narrow":
            return self._say(replace(session, pending=None), texts.NO_PREFERENCE_ACK,
                             texts.list_buttons(len(session.shown)))
        return self._say(replace(session, pending=None), texts.NO_ACK)

    def _out_of_scope(self, turn: Turn, session: ShoppingSession, history, **kwargs) -> Outcome:
        """Not something a shop assistant does: say so honestly (naming an unsold product), never twice alike."""
        categories = sorted(self.rec.vocabulary.categories)
        named = extract_request(turn.text, self.rec.vocabulary, [])
        missing = unknown_product(turn.text) if not (named.category or named.brands or named.features) else None
        if missing:
            return self._say(session, texts.unsold(missing, categories))
        after, notices, understood = self._read(turn, session)
        if understood and after.category:
            return self._recommend(turn, session, history)
        buttons = [(c.capitalize(), f"show me {c}") for c in categories[:6]]
        return self._say(session, texts.out_of_scope(categories, session.misunderstood), buttons)

    def _unclear(self, turn: Turn, session: ShoppingSession, history, **kwargs) -> Outcome:
        """Not understood: act on anything readable, else help, never the same words twice in a row."""
        if kwargs.get("act") == acts.UNCLEAR or turn.intent in ("nlu_fallback", ""):
            after, notices, understood = self._read(turn, session)
            if understood:
                if not after.category:
                    return self._ask_category(after, notices)
                result = self._search(after, history)
                return self._list(after, history, result, texts.intro(result, after.kind), notices)
            if session.shown and parse_item_reference(turn.text, [i.title for i in self._shown(session)]) is not None:
                return self._details(turn, session, history, selection=select_items(turn.text, self._shown(session)))
        categories = sorted(self.rec.vocabulary.categories)
        buttons = [(c.capitalize(), f"show me {c}") for c in categories[:6]]
        return self._say(session, texts.not_understood(session.misunderstood, categories), buttons)
