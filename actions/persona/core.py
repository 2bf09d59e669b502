"""The generic persona: how a customer or supplier reacts to one student turn.

Everything specific comes from the scenario data (bot/scenarios/models.py). One turn:
  1. effects of the student's moves on interesse / irritatie / vertrouwen;
  2. the reaction to the persona's last signal (a missed koopsignaal is recorded);
  3. margin and quotation checks;
  4. the open objection: worse, a step further, resolved, or a reminder;
  5. a closing move: accept, stall, refuse, or an objection it triggers;
  6. otherwise: answer questions, tell hidden needs, react to benefits, raise objections
     and give signals whose conditions now hold.
The reply is a few parts joined into one utterance; its labels are the signals of the parts.
"""

from __future__ import annotations

import re

from actions.persona.afterdeal import DAY_PART, after_deal_turn, in_after_deal, time_of_day
from actions.persona.facts import check_facts
from actions.persona.margin import Concession, check_concession, note_exploration
from actions.persona.message import Message, keyword_hits
from actions.persona.patience import check_patience, end_conversation
from actions.persona.quotation import check_quotation
from actions.persona.reply import Reply
from actions.persona.state import Conversation
from actions.persona.texts import LinePicker, same_fact, was_said
from bot.scenarios.models import Answer, Objection, SignalRule, Topic, When, signals_of, text_of
from bot.vocabulary import ABORTED, OPEN_QUESTION_MOVES, OUTCOME_SLOT, QUESTION_MOVES, SUCCESS_OUTCOMES

# In an objection's last step, these moves count only when they address its `need`.
NEED_CHECKED_MOVES = {"voordeel_benoemen", "toezegging"}
# A question that offers something ("Zal ik ...", "Zullen we afspreken dat ik ...") or asks her
# for a concrete remedy ("Kunt u een creditnota laten maken?").
OFFER = re.compile(r"\b(zal ik|zullen we|kan ik|mag ik|ik|wij|we|kunt u|wilt u|zou u)\b")
# A question that proposes the next step ("Zal ik een keer langskomen?", "Zullen we dat inplannen?").
PROPOSAL = re.compile(r"\b(zal ik|zullen we|kan ik)\b[^?]*\b(langs\w*|afspr\w*|in ?plannen|plannen|bestellen|vastleggen|"
                      r"noteren|reserveren|regelen)\b")
# A question that asks her to buy ("Bestellen?", "Dus u bestelt hem?", "Neemt u hem?", "Deal?").
ORDER_QUESTION = re.compile(r"(^|[.!?,])\s*(bestellen|deal|akkoord)\s*\?|\b(bestelt u|u bestelt|neemt u (hem|het|ze|die)|koopt u)\b[^?]*\?")
# A question whether the call comes at a good moment ("Komt het gelegen dat ik u even bel over
# ...?"): a yes or no about the moment, not a fact about a word in it ("scholen": "acht locaties").
TIME_CHECK = re.compile(r"\b(komt het (u )?(nu )?(even )?gelegen|schikt het (u )?(nu |even )?|heeft u (daar |hier )?(nu )?(even )?"
                        r"(tijd|een momentje|een minuutje)|heeft u (nu )?even(?= ?\?)|stoor ik)\b")
# A request that asks her to DO something ("Kunt u de twintig uit Venlo sturen?", "Stuurt u een
# creditnota?"): no question for a fact, so no fact that shares a word with it is the answer.
ACTION_REQUEST = re.compile(
    r"\b(kunt|kan|wilt|wil|zou|zoudt|gaat) u\b[^?]*\b(sturen|versturen|opsturen|leveren|regelen|corrigeren|aanpassen|"
    r"maken|crediteren|toezeggen|laten komen|vervangen|terugbetalen)\b"
    r"|\b(stuurt|levert|regelt|corrigeert|crediteert|maakt) u\b")
# The asking in a request ("Kunt u mij toezeggen dat ..."): the frame, not what is asked.
PROMISE_FRAME = re.compile(r"\b(toezeggen|garanderen|beloven|bevestigen|zeker weten)\b")
# A question sentence that opens with a question word asks for a fact ("Wanneer kunt u ... leveren?").
FACT_QUESTION = re.compile(r"^\W*(wanneer|hoe|wat|waarom|welke|wie|hoeveel|waar|tot wanneer)\b")
# A question that offers something to the customer ("Zal ik hem met u doornemen?").
OFFER_QUESTION = re.compile(r"\b(zal ik|zullen we)\b[^?]*\?")
# Questions that ask for a commitment: a step of them waits for the student to ask her yes.
COMMIT_QUESTION_MOVES = {"afsluitvraag", "gesloten_vraag"}
# A question for her opinion on what the student just told ("... Wat vindt u daarvan?"): about
# that offer, not a request for more of her story.
OPINION = re.compile(r"\b(wat vindt u (daar ?van|ervan|dat)|wat denkt u (daar ?van|ervan)|hoe klinkt dat|"
                     r"is dat iets voor (u|jullie)|spreekt (u )?dat (u )?aan|wat zegt u daarvan)\b")
# Words of any sales or service call: a question with one of them is about the conversation
# ("Bestellen?", "Dus u bestelt hem?", "Kan ik verder nog iets voor u doen?"), even when the
# scenario lists no such word.
TRADE_WORDS = re.compile(r"\b(bestel\w*|koop\w*|kopen|prijs|kost\w*|korting|lever\w*|afspra\w*|offerte|order|"
                         r"factu\w*|aanbied\w*|aanbod|contract|garantie|monteur|service|deal|akkoord|"
                         r"verder|nog iets|help\w*|vraag|vragen|regelen|doen voor u|bevestig\w*|mail\w*)\b")
# Steps that only explore the objection (to find its need); skipped when the student meets the need.
EXPLORING_STEP_MOVES = {"doorvragen", "open_vraag", "gesloten_vraag", "samenvatten"}
# (line key, question words, does the catalogue know it) for a supplier's answers.
CATALOGUE_QUESTIONS = (
    ("catalogue_stock", ["voorraad", "beschikbaar", "hoeveel heeft u", "hoeveel hebben jullie"], lambda p: p.stock is not None),
    ("catalogue_delivery", ["levertijd", "hoe snel", "wanneer", "leveren", "geleverd", "leverdatum"], lambda p: p.delivery_days is not None),
    ("catalogue_price", ["prijs", "kost", "tarief", "bedrag"], lambda p: True),
)

# "Spreek ik met meneer Smits?", "U bent mevrouw De Vries?": a question whether she is who the
# student called; she says yes, not "Dat ligt eraan."
IDENTITY_CHECK = re.compile(r"\b(spreek|ben) ik (met|bij|tegen)\b|\bbent u (meneer|mevrouw|de heer)\b|\bu bent (meneer|mevrouw|de heer)\b")
# ... and the name the student said ("mevrouw De Vries"), to tell her own from another's
NAMED_PERSON = re.compile(r"\b(meneer|mevrouw|de heer)\s+((?:(?:van|de|der|den|ter|van der|van den)\s+)?[^\W\d_]+)")

# Moves beside which information still counts as information (a benefit she recognises by its
# content): asking, offering, promising, understanding; not a summary of her own problem.
INFORMING_MOVES = frozenset(QUESTION_MOVES) | {"concessie", "toezegging", "begrip_tonen"}

# A content word of a summary: five letters or more (short words are mostly function words),
# compared without its inflection ("smaakt"/"smaak", "bureaus"/"bureau"), never by a piece of
# it ("watertap" is not "water").
CONTENT_WORD = re.compile(r"[^\W\d_]{5,}")
INFLECTION = re.compile(r"(tjes|tje|jes|je|en|e|s|t)$")
# words of five letters or more that say nothing about the subject
SUMMARY_FILLERS = (
    "begrijp", "begrijpt", "bedoel", "bedoelt", "samengevat", "samenvatten", "klopt", "omdat", "zodat",
    "hebben", "heeft", "wordt", "worden", "zoals", "eigenlijk", "alleen", "echte", "gewoon", "graag",
    "nieuwe", "nieuw", "andere", "ander", "daarna", "dadelijk", "misschien", "natuurlijk", "precies",
    "zeker", "dacht", "denkt", "vindt", "vinden", "zeggen", "zegt", "terug", "zitten", "kunnen",
    "zullen", "moeten", "mogen", "willen", "waarmee", "waarom", "wanneer", "welke", "hoeveel",
    "steeds", "nogal", "beetje", "eerst", "laatst", "vandaag", "morgen", "altijd", "allemaal",
    "iedere", "ieder", "alles", "niets", "iemand", "niemand", "zouden", "vertel", "vertelt",
    "verteld", "noemde", "noemt", "horen", "gehoord", "gezien", "ongeveer", "helemaal",
)


def _stem(word: str) -> str:
    stripped = INFLECTION.sub("", word)
    return stripped if len(stripped) >= 4 else word


SUMMARY_STOP = frozenset(_stem(w) for w in SUMMARY_FILLERS)


class PersonaTurn:
    def __init__(self, conv: Conversation, msg: Message):
        self.conv = conv
        self.sc = conv.sc
        self.msg = msg
        self.memory = conv.memory
        self.picker = LinePicker(conv.sc, conv.slots, conv.memory, conv.seed, conv.turn, conv.level_name)
        self.reply = Reply()
        self.prefix = Reply()
        self.topic: Topic | None = None  # the topic of her last question, when this turn answers it
        self.prev_asked: str | None = conv.memory.get("asked")  # the topic of her last question
        self.answered_now: list[str] = []  # answers (ids) given in this turn

    # ----- helpers -------------------------------------------------------------------

    @property
    def turn(self) -> int:
        return self.conv.turn

    def pick(self, key: str, options: list, skip=None) -> tuple[str, list[str]]:
        return self.picker.pick(key, options, skip)

    def holds(self, when: When, closing: bool = False) -> bool:
        conv = self.conv
        if when.opening and self.sc.initiative == "persona":
            return False  # raised with the opening line (see `opening`)
        if self.turn < when.from_turn:
            return False
        if when.moves and not (set(when.moves) & self.msg.moves):
            return False
        if when.entities and not self.msg.has_entity(when.entities):
            return False
        if when.min_interesse is not None and conv.get("interesse") < when.min_interesse:
            return False
        if when.min_vertrouwen is not None and conv.get("vertrouwen") < when.min_vertrouwen:
            return False
        if when.max_irritatie is not None and conv.get("irritatie") > when.max_irritatie:
            return False
        if len(self.memory["needs"]) < when.needs_revealed:
            return False
        if when.no_open_objections and conv.open_objections():
            return False
        if any(not conv.settled(o) for o in when.after_resolved):
            return False
        if any(s not in self.memory["signal_rules"] for s in when.after_signals):
            return False
        if when.quotation_correct is not None and self.quotation_correct() != when.quotation_correct:
            return False
        return True

    def quotation_correct(self) -> bool:
        check = self.conv.slots.get("offerte_controle")
        return bool(isinstance(check, dict) and check.get("correct"))

    def objection_due(self, closing: set[str] | None = None) -> Objection | None:
        """The first objection whose conditions now hold. `closing`: the close moves of this
        message; an objection raised by moves then needs one of those (a summary that closes
        an interview is no sales pitch, even if a product name in it reads as bijverkoop)."""
        for obj in self.sc.objections:
            if obj.id in self.memory["raised"] or self.conv.level_name not in obj.levels:
                continue
            if closing is not None and obj.when.moves and not set(obj.when.moves) & closing:
                continue
            if obj.signal == "weerstand.prijs" and not self.about_focus_product():
                continue  # "Oei, 649 euro" when the student offers another product at 189 answers the wrong turn
            if obj.signal == "weerstand.prijs" and self.discount_given():
                continue  # she got her give already: no second price round
            if set(obj.when.moves) & set(self.sc.close.moves) and not self.offered():
                continue  # "Zal ik dat zo vastleggen?" about the filter is no purchase decision
            if not obj.when.opening and self.pre_empted(obj):
                self.memory["raised"].append(obj.id)  # the student answered it before she could raise it
                self.memory.setdefault("preempted", []).append(obj.id)
                continue
            if self.holds(obj.when):
                return obj
        return None

    def discount_given(self) -> bool:
        """A discount within the student's authority was agreed or given (this turn too)."""
        agreed = self.conv.slots.get("afspraken") or {}
        if agreed.get("korting"):
            return True
        return bool(self.conv.get("korting_gegeven")) and self.conv.slots.get("korting_binnen_marge") is not False

    def offered(self) -> bool:
        """The student named the product of the sale (this turn or before); always true unless
        the scenario's close requires the offer (close.requires_offer)."""
        if not self.sc.close.requires_offer:
            return True
        if self.memory.get("offered"):
            return True
        focus = self.sc.main_product()
        named = focus is not None and (focus.id in [str(v) for v in self.msg.values("product")]
                                       or self.msg.mentions([n.lower() for n in focus.names]))
        if named:
            self.memory["offered"] = True
        return named

    def raised_by_close(self, obj: Objection) -> bool:
        """She raised (or would raise) this objection only in answer to the student asking for
        her yes: every move that brings it up is a close move."""
        return bool(obj.when.moves) and set(obj.when.moves) <= set(self.sc.close.moves)

    def pre_empted(self, obj: Objection) -> bool:
        """This very message already answers the objection: its topic (`asks`), or a
        promise or benefit that meets its need in time."""
        if obj.when.moves:
            return False  # raised in answer to this very move (e.g. a benefit): that is its design
        topic = self.sc.topic(obj.asks)
        if topic is not None and (self.addresses(topic) or topic.id in self.memory["addressed"]):
            return True  # told in this message or an earlier one ("anoniem verwerkt" before "wie ziet dat?")
        need = self.sc.need(obj.need) if obj.need else None
        if need is None or need.too_late_in(self.msg.text) or obj.signal == "weerstand.prijs":
            return False  # (a price objection is about the figure just named)
        if self.msg.moves & NEED_CHECKED_MOVES and self.hits_need(need.id):
            return True
        # "... De chauffeur neemt de kapotte stoel meteen mee terug. Gaat u daarmee akkoord?": an
        # arrangement put to her for a yes settles what it states, recognised as a promise or not
        offered = "afsluitvraag" in self.msg.moves or self.proposes()
        return bool(offered and keyword_hits(self.stated_text(), need.keywords))

    def about_focus_product(self) -> bool:
        """The message names no product, or the one the scenario's price is about."""
        named = [str(v) for v in self.msg.values("product")]
        focus = self.sc.main_product()
        return not named or focus is None or focus.id in named

    def signal_due(self) -> SignalRule | None:
        for rule in self.sc.signals:
            if rule.once and rule.id in self.memory["signal_rules"]:
                continue
            if self.conv.level_name not in rule.levels or not self.holds(rule.when):
                continue
            return rule
        return None

    def raise_objection(self, obj: Objection) -> None:
        text, signals = self.pick(f"objection.{obj.id}", self.objection_texts(obj))
        self.reply.add(text, [obj.signal, *signals], reason="objection", asks=self.picker.last_asks or obj.asks)
        self.memory["raised"].append(obj.id)
        self.memory["active"] = obj.id
        self.memory["progress"][obj.id] = 0
        if obj.signal == "weerstand.prijs":
            self.memory["price_objections"] = self.memory.get("price_objections", 0) + 1
        self.conv.add_to("open_bezwaren", obj.id)

    def told_remedy(self, obj: Objection) -> bool:
        """She already told the need this objection reveals (its remedy): one story per call."""
        return bool(obj.reveals and obj.reveals in self.memory["needs"])

    def objection_texts(self, obj: Objection) -> list:
        if obj.told_texts and self.told_remedy(obj):
            return obj.told_texts
        return obj.texts_for(self.conv.level_name)

    def reminder_texts(self, obj: Objection) -> list:
        if obj.told_reminder and self.told_remedy(obj):
            return obj.told_reminder
        return obj.reminder or self.objection_texts(obj)

    def give_signal(self, rule: SignalRule) -> None:
        text, signals = self.pick(f"signal.{rule.id}", rule.texts)
        self.reply.add(text, [rule.signal, *signals], reason="signal", asks=self.picker.last_asks or rule.asks)
        self.memory["signal_rules"].append(rule.id)

    def resolve(self, obj: Objection, key: str = "resolved", options: list | None = None) -> None:
        text, signals = self.pick(f"{key}.{obj.id}", options or obj.resolved)
        self.reply.add(text, signals, reason="objection", asks=self.picker.last_asks)
        self.conv.remove_from("open_bezwaren", obj.id)
        self.conv.add_to("opgeloste_bezwaren", obj.id)
        self.conv.apply("bezwaar_opgelost")
        if self.memory.get("active") == obj.id:
            self.memory["active"] = (self.conv.open_objections() or [None])[-1]

    def hits_need(self, need_id: str | None = None) -> list[str]:
        """Hidden needs this message addresses (by their keywords)."""
        needs = [self.sc.need(need_id)] if need_id else self.sc.persona.needs
        return [n.id for n in needs if n and self.msg.mentions(n.keywords)]

    # ----- the turn ------------------------------------------------------------------

    def run(self) -> Reply:
        conv, msg = self.conv, self.msg
        if self.memory.get("ended"):
            self.reply.add_line(self.picker, "after_end")
            return self.reply

        concession = check_concession(conv, msg)
        self.topic = self.answered_topic()
        self.effects_of_moves(concession)
        self.reaction_to_last_signal()
        if in_after_deal(conv):
            return after_deal_turn(self)  # the deal stands; she reacts until the goodbye
        if conv.get("irritatie") >= conv.level.hangup_at:
            self.hang_up()
            return self.finish()

        quotation = check_quotation(conv, msg)
        if self.correct_facts():
            note_exploration(conv, msg)
            return self.finish(patience=True)
        handled = self.handle_open_objection(concession)
        closing = bool(set(self.sc.close.moves) & msg.moves)
        if closing and not handled:
            self.handle_close()
            handled = True
        if not handled:
            self.respond(concession, quotation)
        note_exploration(conv, msg)
        return self.finish(patience=True)

    def finish(self, patience: bool = False) -> Reply:
        """The reply of this turn. `patience`: a turn before the deal, where a call that
        goes nowhere ends (actions/persona/patience.py)."""
        if any(not p.filler for p in self.reply.parts):
            self.reply.drop_fillers()  # "Ja, gaat u verder." only when there is nothing else to say
        if getattr(self, "picked_up", False):  # name first, then any remark
            reply = Reply(self.reply.parts + self.prefix.parts, after_deal=self.reply.after_deal)
        else:
            reply = Reply(self.prefix.parts + self.reply.parts, after_deal=self.reply.after_deal)
        if reply.empty:
            reply.add_line(self.picker, "neutral")
        reply.shorten_goodbye()
        if patience and self.conv.slots.get(OUTCOME_SLOT) not in SUCCESS_OUTCOMES:
            check_patience(self.conv, reply, self.picker)
        for topic in self.sc.topics:
            if topic.id not in self.memory["addressed"] and self.addresses(topic):
                self.memory["addressed"].append(topic.id)
        self.ask_again(reply)
        if self.sc.close.requires_offer:
            self.offered()  # remember an offer made in any turn
        asked = [p.asks for p in reply.parts if p.asks]
        self.memory["asked"] = asked[-1] if asked else None
        self.memory["last_signals"] = reply.signals()
        self.memory["pending_signals"] = []
        for signal in reply.signals():
            self.conv.add_to("gegeven_signalen", signal)
        return reply

    def ask_again(self, reply: Reply) -> None:
        """The student passed over her question ("Hoe lang duurt het?"): she comes back to it
        once (the topic's `unanswered` lines), unless this reply asks it already or ends the call."""
        topic = self.sc.topic(self.prev_asked) if self.prev_asked else None
        if topic is None or not topic.unanswered or self.memory.get("ended"):
            return
        again = self.memory.get("asked_again") or []
        if (topic.id in again or topic.id in self.memory["topics"] or topic.id in self.memory["addressed"]
                or self.addresses(topic) or any(p.asks == topic.id for p in reply.parts)):
            return
        if self.conv.slots.get(OUTCOME_SLOT) == ABORTED:
            return
        text, signals = self.pick(f"unanswered.{topic.id}", topic.unanswered)
        if text:
            reply.add(text, signals, reason="question", asks=topic.id)
            self.memory["asked_again"] = [*again, topic.id]

    def effects_of_moves(self, concession: Concession | None = None) -> None:
        conv, msg = self.conv, self.msg
        for move in sorted(msg.moves):
            if move == "informeel" and self.sc.persona.aanspreekvorm == "je":
                continue
            if move == "concessie" and concession is not None and not concession.within:
                continue  # a concession the student may not give wins no interest by itself
            conv.apply(move)
        if "informeel" in msg.moves and self.sc.persona.aanspreekvorm == "u":
            count = self.memory.get("informeel", 0)
            self.memory["informeel"] = count + 1
            if count % 3 == 0:  # remark the first time, then every third time
                self.prefix.add_line(self.picker, "informeel")

    def reaction_to_last_signal(self) -> None:
        conv, msg = self.conv, self.msg
        last = self.memory.get("last_signals") or []
        reaction = msg.reaction
        if reaction and reaction.get("signal") not in last:
            reaction = None  # judged against a signal the persona did not give (her own labels count)
        if reaction and self.memory.get("success_turn") is not None and str(reaction.get("signal", "")).startswith("koopsignaal."):
            reaction = None  # her agreement to the deal: summarising or a toezegging next is no mistake
        if reaction:
            verdict = reaction.get("verdict")
            if verdict == "goed":
                conv.apply("oordeel_goed")
            elif verdict == "fout":
                conv.apply("oordeel_fout")
        koop = [s for s in last if s.startswith("koopsignaal.")]
        if not koop or self.memory.get("success_turn") is not None:
            return  # after the deal, the persona's agreement is not a signal to act on
        if reaction and str(reaction.get("signal", "")).startswith("koopsignaal."):
            missed = reaction.get("verdict") == "fout"
            signal = reaction.get("signal")
        elif reaction is None:
            missed = not (msg.moves & {"afsluitvraag", "toezegging"})
            signal = koop[0]
        else:
            return
        if missed and self.memory.get("closes") and self.topic is not None:
            missed = False  # the student already asked for the order and now answers her question
        if missed:
            entry = {"signal": signal, "turn": self.turn}
            items = list(conv.slots.get("gemiste_signalen") or [])
            items.append(entry)
            conv.set("gemiste_signalen", items)
            conv.apply("signaal_gemist")
            if signal in ("koopsignaal.levering", "koopsignaal.voorwaarden") and not (msg.moves & QUESTION_MOVES):
                self.prefix.add_line(self.picker, "missed_signal")

    def hang_up(self) -> None:
        self.reply.add_line(self.picker, "hangup")
        self.conv.set(OUTCOME_SLOT, ABORTED)
        end_conversation(self.conv)

    # ----- her own questions and the facts -------------------------------------------

    def answered_topic(self) -> Topic | None:
        """The topic of her last question, when this message answers it (with or without a move)."""
        topic = self.sc.topic(self.memory.get("asked"))
        if topic is None:
            return None
        return topic if self.addresses(topic) else None

    def addresses(self, topic: Topic) -> bool:
        return bool((topic.entities and self.msg.has_entity(topic.entities)) or self.msg.mentions(topic.keywords))

    def take_answer(self, topic: Topic) -> None:
        """She heard the answer to her question: it counts, and a need it touches is met."""
        if topic.id not in self.memory["topics"]:
            self.memory["topics"].append(topic.id)
            self.conv.apply("vraag_beantwoord")
        if topic.need and topic.need not in self.memory["needs_hit"]:
            self.memory["needs_hit"].append(topic.need)
            if topic.need not in self.memory["needs"]:
                self.memory["needs"].append(topic.need)
            self.conv.apply("behoefte_geraakt")

    def say_answer_heard(self, topic: Topic) -> None:
        if topic.answered:
            text, signals = self.pick(f"topic.{topic.id}", topic.answered)
            self.reply.add(text, signals, filler=True, reason="answer", asks=self.picker.last_asks)
        if self.reply.empty:
            self.reply.add_line(self.picker, "topic_answered")
            if self.reply.parts:
                self.reply.parts[-1].filler = True

    def correct_facts(self) -> bool:
        """A wrong price, quantity, delivery time or property: she reacts to that first."""
        errors = check_facts(self.conv, self.msg)
        if not errors:
            return False
        first = errors[0]
        self.conv.apply("feitfout")
        with self.picker.filling(genoemd=first.genoemd, juist=first.juist):
            self.reply.add_line(self.picker, f"feit_{first.soort}")
        return not self.reply.empty

    # ----- objections ----------------------------------------------------------------

    def handle_open_objection(self, concession: Concession | None) -> bool:
        """React to the objection the persona is talking about. True when that is the reply."""
        conv, msg = self.conv, self.msg
        oid = self.memory.get("active")
        if not oid or oid not in conv.open_objections():
            open_ = conv.open_objections()
            oid = open_[-1] if open_ else None
            self.memory["active"] = oid
        if not oid:
            return False
        obj = self.sc.objection(oid)
        if obj is None:
            return False
        if msg.moves & set(obj.worsened_by):
            conv.apply("bezwaar_erger")
            self.add_objection_line(obj, "worse", obj.worse)
            return True
        if concession is not None and not concession.within and obj.signal == "weerstand.prijs":
            # A concession the student may not give: glad to hear it, but it settles nothing.
            self.add_objection_line(obj, "concession_unauthorised", self.sc.lines["concession_unauthorised"], signal=False)
            return True
        steps = obj.steps_for(conv.level_name)
        done = int(self.memory["progress"].get(obj.id, 0))
        last = done == len(steps) - 1
        if last and set(steps[done]) & NEED_CHECKED_MOVES and obj.need and self.hits_need(obj.need) and self.too_late(obj):
            return True
        if not last and obj.need and self.proposes() and self.hits_need(obj.need) and self.too_late(obj):
            return True  # "Dus dinsdag komt de monteur. Afgesproken?": a proposal that comes too late, at any step
        if last and self.answers_with_value(obj, steps[done]):
            return self.objection_step(obj, steps, done)
        if not msg.moves and self.raise_other_objection():
            return True  # information about another point ("50 toners à 42 euro"): she takes that one up
        if not (msg.moves - {"begroeting", "informeel"}):
            # Only a greeting (the persona opened with the objection): greet back, repeat it.
            if "begroeting" in msg.moves and not self.memory.get("greeted"):
                self.memory["greeted"] = True
                self.reply.add(*self.picker.line("greeting_after_opening"), reason="move_reaction")
            self.add_objection_line(obj, "reminder", self.reminder_texts(obj), signal=False)
            return True
        if concession is not None and obj.concession is not None:
            return self.handle_concession(obj, concession)
        if concession is not None and obj.signal == "weerstand.prijs" and "concession_taken" in self.sc.lines:
            # No negotiation rules in this scenario: the customer simply takes the discount.
            conv.agree(korting=concession.pct)
            conv.apply("concessie_geaccepteerd")
            self.resolve(obj, "concession_taken", self.sc.lines["concession_taken"])
            return True
        if done < len(steps):
            step = set(steps[done])
            matched = step & msg.moves
            last_step = done == len(steps) - 1
            if matched and obj.need and last_step and matched <= NEED_CHECKED_MOVES:
                if self.too_late(obj):
                    return True  # "morgen een monteur" when she needs coffee by six tomorrow
                if not self.hits_need(obj.need):
                    matched = set()  # a benefit or a promise that misses the point
            probe = False
            if not matched and "doorvragen" in step and msg.moves & {"open_vraag", "gesloten_vraag"} and self.probes(obj):
                matched = {"doorvragen"}  # "Heeft u in een ander magazijn nog iets liggen?" probes her point
                probe = True  # a question about her point: she answers it, one step
            if (not matched and done >= 1 and done < len(steps) - 1
                    and all(set(s) <= EXPLORING_STEP_MOVES for s in steps[done:-1])
                    and self.meets_step(obj, steps[-1])):
                # explored already, and now a concrete plan that meets her need in time: what
                # the remaining exploring (a summary) would check, the plan shows; no reminder
                return self.objection_step(obj, steps, len(steps) - 1, set(steps[-1]) & msg.moves)
            if matched:
                between = steps[done + 1:-1]
                if (not probe and done + 1 < len(steps) and all(set(s) <= EXPLORING_STEP_MOVES for s in between)
                        and self.meets_step(obj, steps[-1], matched)):
                    # "Dat begrijp ik. Daarom bel ik u zelf om vijf uur.": what the exploring
                    # would have found, the student already gives; the last step is taken too
                    done = len(steps) - 1
                    matched = matched | (set(steps[-1]) & msg.moves)
                return self.objection_step(obj, steps, done, matched)
        exploring = msg.moves & {"samenvatten", "begrip_tonen"}
        if exploring and not set(self.sc.close.moves) & msg.moves and (
            ("samenvatten" in msg.moves and not (msg.moves & QUESTION_MOVES and self.asks_something_new()))
            or not msg.moves & QUESTION_MOVES
        ):
            # Understanding or summarising her point once more is no way around it: she
            # confirms and waits for the next step (no irritation).
            self.confirm_point(obj)
            return True
        if msg.moves & QUESTION_MOVES:
            return False  # the persona answers; the objection stays open
        if set(self.sc.close.moves) & msg.moves and not obj.blocks_close:
            return False
        if self.raise_other_objection():
            return True
        conv.apply("bezwaar_genegeerd")
        self.add_objection_line(obj, "reminder", self.reminder_texts(obj), signal=False)
        if set(self.sc.close.moves) & msg.moves:
            self.memory["closes"] = self.memory.get("closes", 0) + 1
        return True

    def meets_step(self, obj: Objection, step: list[str], spent: set[str] = frozenset()) -> bool:
        """This message also makes the (last) step's move, other than the moves `spent` on the
        step before; a promise or benefit must meet the objection's need in time ("Dat begrijp
        ik. Daarom bel ik u zelf om vijf uur." meets "laat mij weten waar ik aan toe ben")."""
        matched = set(step) & (self.msg.moves - spent)
        if not matched:
            # "De monteur heeft donderdagochtend nog ruimte. Past dat u?": a concrete proposal about
            # what she asked for is the promise the step waits for, recognised as one or not
            if set(step) & COMMIT_QUESTION_MOVES and self.asks_for_remedy(obj):
                return True  # the student asks her yes on the remedy, whatever label the question got
            # "De antwoorden worden anoniem verwerkt" answers "wie krijgt die antwoorden te zien?"
            # in so many words: a statement about what she asked is the answer the step waits for
            topic = self.sc.topic(obj.asks)
            if not (set(step) & NEED_CHECKED_MOVES and topic is not None and self.addresses(topic)
                    and (self.proposes() or keyword_hits(self.stated_text(), topic.keywords))):
                return False
            need = self.sc.need(obj.need) if obj.need else None
            return need is None or (bool(self.hits_need(need.id)) and not need.too_late_in(self.msg.text))
        if obj.need and matched <= NEED_CHECKED_MOVES:
            need = self.sc.need(obj.need)
            return bool(self.hits_need(obj.need)) and not (need is not None and need.too_late_in(self.msg.text))
        return True

    def asks_for_remedy(self, obj: Objection) -> bool:
        """A question that proposes a concrete remedy for the objection's need, in time: "Kunt u
        de twintig vandaag uit Venlo laten komen, zodat ze er donderdag zijn?" asks for the
        commitment a closed or closing question step waits for."""
        need = self.sc.need(obj.need) if obj.need else None
        return bool(need is not None and self.question_text() and self.proposes()
                    and keyword_hits(self.question_text(), need.keywords) and not need.too_late_in(self.msg.text))

    def asks_for_need(self, obj: Objection) -> bool:
        """The question sentence asks for what the objection's need is about."""
        need = self.sc.need(obj.need) if obj.need else None
        return bool(need is not None and keyword_hits(self.question_text(), need.keywords))

    def answers_with_value(self, obj: Objection, step: list[str]) -> bool:
        """The last step of an explored objection, answered with what it is about: the
        topic of her question (`asks`) or its need, with or without a benefit move."""
        if not set(step) & NEED_CHECKED_MOVES or set(step) & self.msg.moves:
            return False
        if "samenvatten" in self.msg.moves and not self.msg.moves & {"afsluitvraag", "concessie", "bijverkoop"}:
            return False  # "Dus vóór de middagpauze is het al leeg": her problem repeated is no answer to it
        need = self.sc.need(obj.need) if obj.need else None
        if need is not None and need.too_late_in(self.msg.text):
            return False
        if len(obj.steps_for(self.conv.level_name)) > 1 or self.memory.get("explored", {}).get(obj.id):
            topic = self.sc.topic(obj.asks)
            # the need in what the student states or offers ("Zullen we afspreken dat ik u de
            # vrachtbrief mail?"), not in a question about it ("U noemde de audit: wat kwam
            # daar uit?" offers nothing yet)
            stated = re.sub(r"[^.!?]*\?", lambda m: m.group() if OFFER.search(m.group()) else " ", self.msg.lower)
            need = self.sc.need(obj.need) if obj.need else None
            return bool((topic and self.addresses(topic))
                        or (need is not None and keyword_hits(stated, need.keywords) > 0))
        return False

    def raise_follow_up(self) -> None:
        """Asked to agree, she accepts this point and says at once what still keeps her from a
        yes (an objection now due), so the student can answer it before saying goodbye."""
        for obj in self.unraised_requirements():
            if self.pre_empted(obj):  # "ik bel u om vijf uur" already answers "hoe weet ik dat het lukt?"
                self.memory["raised"].append(obj.id)
                self.memory.setdefault("preempted", []).append(obj.id)
            elif self.holds(obj.when):
                self.raise_objection(obj)
                return
        self.try_accept_after_resolution()
        if self.conv.slots.get(OUTCOME_SLOT) in SUCCESS_OUTCOMES:
            return
        due = self.objection_due()
        if due is not None:
            self.raise_objection(due)

    def unraised_requirements(self) -> list[Objection]:
        """The objections the close requires that she has not raised (nor seen answered) yet."""
        found = []
        for oid in self.sc.close.requires_resolved:
            obj = self.sc.objection(oid)
            if (obj is not None and oid not in self.memory["raised"] and not self.conv.settled(oid)
                    and self.conv.level_name in obj.levels and not obj.when.moves and not obj.when.opening):
                found.append(obj)
        return found

    def unvoiced_requirement(self) -> Objection | None:
        """An objection the close requires that she has not raised yet and that is due now:
        at a goodbye she raises it instead of hanging up without a result."""
        for obj in self.unraised_requirements():
            # another point she raised and the student left open does not keep her quiet now
            if self.holds(obj.when.model_copy(update={"no_open_objections": False})):
                return obj
        return None

    def raise_other_objection(self) -> bool:
        """The student moved on to another point that raises an objection of its own: she
        takes that one up (the open one stays open)."""
        due = self.objection_due()
        if due is None:
            return False
        self.raise_objection(due)
        return True

    def probes(self, obj: Objection) -> bool:
        """A question about the objection's own subject: its topic, its need, or a fact
        (`answers`) that tells its need."""
        topic = self.sc.topic(obj.asks)
        if topic is not None and self.addresses(topic):
            return True
        needs = {n for n in (obj.need, obj.reveals) if n}
        if needs and any(self.hits_need(n) for n in needs):
            return True
        return any(a.reveals in needs and self.msg.mentions(a.keywords) for a in self.sc.answers if a.reveals)

    def confirm_point(self, obj: Objection) -> None:
        """A summary gets a confirmation, understanding gets more of her story; a summary of
        something she never said gets no "Ja, precies": she tells her point again."""
        if "samenvatten" in self.msg.moves and not self.summary_fits():
            self.reply.add_line(self.picker, "summary_wrong")
            self.add_objection_line(obj, "reminder", self.reminder_texts(obj), signal=False)
            return
        options = [("lines.summary_confirmed", self.sc.lines["summary_confirmed"]), (f"progress.{obj.id}", obj.progress)]
        if "samenvatten" not in self.msg.moves:
            options.reverse()
        for key, texts in options:
            text, signals = self.pick(key, texts)
            if text:
                self.reply.add(text, signals, reason="objection", asks=obj.asks)
                return
        self.add_objection_line(obj, "reminder", self.reminder_texts(obj), signal=False)

    def summary_fits(self) -> bool:
        """The student's summary takes up something she said: a content word of her opening,
        her objections, the needs and facts she told, or a keyword of them. "Dus u wilt een
        nieuwe watertap omdat deze oud is?" after a complaint about the filter and the taste
        takes up nothing, and is not confirmed."""
        memory = self.memory
        texts: list[str] = []
        keywords: list[str] = []
        for obj_id in memory["raised"]:
            obj = self.sc.objection(obj_id)
            if obj is not None:
                texts += [text_of(t) for t in (*obj.texts, *obj.told_texts, *obj.progress, *obj.reminder, *obj.told_reminder)]
                topic = self.sc.topic(obj.asks)
                keywords += topic.keywords if topic else []
        for need_id in memory["needs"]:
            need = self.sc.need(need_id)
            if need is not None:
                texts += [text_of(t) for t in need.reveal]
                keywords += need.keywords
        for answer in self.sc.answers:
            if answer.id in memory["answers"]:
                texts += [text_of(t) for t in answer.texts]
                keywords += answer.keywords
        if (not texts and not keywords) or self.proposes():
            return True  # nothing told yet to hold it against, or "Dus: zullen we dinsdag ...?" proposes
        if self.msg.mentions(keywords):
            return True
        said = self.msg.lower
        heard = {_stem(w) for text in texts for w in CONTENT_WORD.findall(self.picker.fill(text).lower())} - SUMMARY_STOP
        return any(_stem(w) in heard for w in CONTENT_WORD.findall(said) if _stem(w) not in SUMMARY_STOP)

    def too_late(self, obj: Objection) -> bool:
        """A promise for the objection's need that comes too late; she says why."""
        need = self.sc.need(obj.need) if obj.need else None
        if need is None or not need.too_late_in(self.msg.text):
            return False
        with self.picker.filling(genoemd=self.too_late_word(need.too_late)):
            text, signals = self.pick(f"too_late.{need.id}", need.too_late_reply)
        if not text:
            text, signals = self.pick(f"reminder.{obj.id}", self.reminder_texts(obj))
        self.reply.add(text, signals, reason="objection", asks=obj.asks)
        return True

    def too_late_word(self, words: list[str]) -> str:
        """The too-late moment the student named first ("Dinsdag" in "Dus dinsdag komt de
        monteur"), capitalised to open her reply: she repeats what was said, not another day."""
        low = self.msg.lower
        found = sorted((low.find(w), -len(w), w) for w in words if w in low)
        return found[0][2][:1].upper() + found[0][2][1:] if found else ""

    def objection_step(self, obj: Objection, steps: list, done: int, matched: set[str] = frozenset()) -> bool:
        """The student took the next step on the objection: progress, or it is resolved."""
        conv, msg = self.conv, self.msg
        done += 1
        self.memory["progress"][obj.id] = done
        conv.apply("bezwaar_stap")
        if done >= len(steps):
            self.resolve(obj)
            closing = set(self.sc.close.moves) & msg.moves
            if not closing and self.raised_by_close(obj) and self.proposes():
                # her point was her answer to a close; the step that settles it proposes the day
                # and time ("... plannen we het gesprek op donderdag om 14.00 uur. Is dat goed?"):
                # that asks for her yes again
                closing = set(self.sc.close.moves)
            due = self.objection_due(closing=closing) if closing else None
            if due is not None and self.raised_by_close(due) and obj.id in due.when.after_resolved:
                # convinced on this point, but asked for her yes she has the point that comes
                # after it (one more price round): that is her answer, not the agreement
                self.reply.parts = []
                self.raise_objection(due)
            elif closing:
                self.try_accept_after_resolution(obj)
                if "afsluitvraag" in msg.moves and conv.slots.get(OUTCOME_SLOT) not in SUCCESS_OUTCOMES:
                    self.raise_follow_up()  # asked for her yes: she says what still stands in the way
        elif msg.moves & QUESTION_MOVES and not any(signals_of(p) for p in obj.progress) and self.asked_answers():
            # The step is a question she can answer: the answer is her reply (her story can wait).
            self.answer_question(stock=False)
            if obj.reveals:
                self.reveal(obj.reveals, say=False)
            return True
        else:
            text, signals = self.pick(f"progress.{obj.id}", obj.progress, skip=self.told)
            if not text:  # every progress line was said: she tells the objection's point again
                text, signals = self.pick(f"reminder.{obj.id}", self.reminder_texts(obj))
            self.reply.add(text, signals, reason="objection", asks=obj.asks)
            if obj.reveals:
                self.reveal(obj.reveals, say=False)
        # A question also gets its answer once the objection is out of the way; while
        # it is still open, only a new question (not probing it) does.
        resolved = obj.id not in conv.open_objections()
        # Only a real answer: the step's own line already replies, no stock "short answer".
        # A closed question that settled it ("Kunt u ze uiterlijk donderdag leveren?") is answered by the resolution.
        # So is a question that asked for the remedy she now gives ("... uit Venlo, zodat ze er
        # donderdag zijn?", "Kunt u een creditnota laten maken zodat de factuur klopt?").
        if (resolved and not self.asks_for_need(obj)
                and (msg.moves - (set(matched) & {"gesloten_vraag"})) & QUESTION_MOVES) or (
            not resolved and msg.moves & {"open_vraag", "gesloten_vraag"} and "doorvragen" not in msg.moves
        ):
            self.answer_question(stock=False, asked_only=True)
        return True

    def add_objection_line(self, obj: Objection, key: str, options: list, signal: bool = True) -> None:
        """A worse reaction restates the objection: it carries its signal. A reminder
        (`signal=False`) does not: the student already answered the objection once, so the
        reminder is no new signal to react to (feedback would ask for excuses again)."""
        text, signals = self.pick(f"{key}.{obj.id}", options)
        if not text and key == "reminder":
            text, signals = self.pick("lines.reminder_fallback", self.sc.lines["reminder_fallback"])
        self.reply.add(text, [obj.signal, *signals] if signal else list(signals), reason="objection", asks=obj.asks)

    def handle_concession(self, obj: Objection, concession: Concession) -> bool:
        rule = obj.concession
        assert rule is not None
        conv = self.conv
        if concession.first_objection and not self.memory.get("first_concession_seen"):
            self.memory["first_concession_seen"] = True
            self.add_objection_line(obj, "concession_first", rule.first)
            return True
        wanted = rule.accept_from.get(conv.level_name, 0.0)
        if concession.pct is not None and concession.pct + 1e-9 >= wanted:
            conv.agree(korting=concession.pct)
            conv.apply("concessie_geaccepteerd")
            self.resolve(obj, "concession_accepted", rule.accepted)
            if set(self.sc.close.moves) & self.msg.moves:
                self.try_accept_after_resolution(obj)  # "... 5% korting. Zullen we dat doen?": her yes
            return True
        self.add_objection_line(obj, "concession_little", rule.too_little)
        return True

    # ----- closing -------------------------------------------------------------------

    def close_ready(self) -> bool:
        conv, close = self.conv, self.sc.close
        level = conv.level
        if any(not conv.settled(o) for o in close.requires_resolved):
            return False
        if any(self.sc.objection(o) and self.sc.objection(o).blocks_close for o in conv.open_objections()):
            return False
        if close.requires_correct_quotation and not self.quotation_correct():
            return False
        return (
            conv.get("interesse") >= level.close_at.interesse - 1e-9
            and conv.get("vertrouwen") >= level.close_at.vertrouwen - 1e-9
            and len(self.memory["needs"]) >= close.min_needs
        )

    def accept(self) -> None:
        text, signals = self.pick("close.accept", self.sc.close.accept)
        self.reply.add(text, signals, reason="closing")
        day = self.day_asked()
        if day and "accept_day" in self.sc.lines:
            # "Kunt u toezeggen dat ze vrijdag bij ons zijn?": she confirms that day in so many words
            with self.picker.filling(genoemd=day):
                self.reply.add_line(self.picker, "accept_day")
        self.conv.set(OUTCOME_SLOT, self.sc.close.outcome)
        self.memory["success_turn"] = self.turn
        self.record_agreement()

    def confirm_remedy(self) -> bool:
        """Asked to promise a day for what she already agreed to ("Kunt u toezeggen dat de twintig
        toners vrijdag bij ons zijn?" after "uiterlijk donderdag"), while the deal still waits for
        another point: she confirms that day and asks what else there is (lines.remedy_confirmed),
        instead of "Daar kom ik zo op terug"."""
        day = self.day_asked()
        if not day or "remedy_confirmed" not in self.sc.lines:
            return False
        resolved = [self.sc.objection(o) for o in self.conv.resolved_objections()]
        if not any(o is not None and self.asks_for_remedy(o) for o in resolved):
            return False
        with self.picker.filling(genoemd=day):
            self.reply.add_line(self.picker, "remedy_confirmed")
        return not self.reply.empty

    def day_asked(self) -> str:
        """The day or date the student's question asks her to confirm for the goods, as the student
        wrote it: the day in the part of the question that names a product ("de creditnota vrijdag
        en de toners donderdag": donderdag)."""
        asked = self.question_text()
        days = []
        for e in self.msg.entities:
            if e.get("entity") in ("weekdag", "datum"):
                said = self.msg.text[int(e.get("start") or 0): int(e.get("end") or 0)]
                if said and said.lower() in asked:
                    days.append(said)
        names = [n.lower() for p in self.sc.catalogue for n in p.names]
        for part in re.split(r",|\ben\b|\bmaar\b|\bzodat\b", asked):
            if any(n in part for n in names):
                for day in days:
                    if day.lower() in part:
                        return day
        return ""  # no day asked for the goods ("stuurt u uiterlijk vrijdag een creditnota" is no delivery)

    def record_agreement(self) -> None:
        msg, conv = self.msg, self.conv
        if self.sc.close.outcome == "informatie":
            return  # an interview agrees on nothing
        products = [str(v) for v in msg.values("product")]
        aantallen = [int(a) for a in msg.numbers("aantal")]
        agreed = conv.slots.get("afspraken") or {}
        product = products[0] if products else agreed.get("product") or (self.sc.main_product().id if self.sc.main_product() else None)
        levering = (msg.values("datum") or msg.values("weekdag") or [None])[0]
        when = {"datum": levering} if self.sc.close.outcome == "afspraak" else {"levering": levering}
        conv.agree(
            product=product,
            aantal=aantallen[0] if aantallen else agreed.get("aantal") or (self.sc.quotation.aantal if self.sc.quotation else None),
            korting=conv.get("korting_gegeven"),
            **when,
        )

    def close_line(self, kind: str) -> None:
        """Her answer to a close (stall, refuse, premature); a fresh variant, else she says
        the first thing left of stall and refuse."""
        for key in dict.fromkeys([kind, "stall", "refuse"]):
            text, signals = self.pick(f"close.{key}", getattr(self.sc.close, key))
            if text:
                self.reply.add(text, signals, reason="closing", asks=self.picker.last_asks)
                return

    def try_accept_after_resolution(self, resolved: Objection | None = None) -> None:
        """Her yes, in place of what she said so far this turn. She who said someone else
        decides ("dat moet ik eerst aan Marc voorleggen") first says why she may decide herself
        after all (the resolution line), then yes."""
        if self.conv.slots.get(OUTCOME_SLOT) in SUCCESS_OUTCOMES:
            return
        if self.close_ready():
            keep = resolved is not None and resolved.signal == "weerstand.bevoegdheid"
            self.reply.parts = [p for p in self.reply.parts if keep and p.reason == "objection"]
            self.accept()

    def handle_close(self) -> None:
        conv, memory = self.conv, self.memory
        memory["closes"] = memory.get("closes", 0) + 1
        if conv.slots.get(OUTCOME_SLOT) in SUCCESS_OUTCOMES:
            self.reply.add_line(self.picker, "toezegging_heard")
            return
        if not self.offered() and "arranged_confirmed" in self.sc.lines:
            self.reply.add_line(self.picker, "arranged_confirmed")  # about what was arranged, not a sale
            return
        due = self.objection_due(closing=set(self.sc.close.moves) & self.msg.moves)
        if due is not None:
            self.raise_objection(due)
            return
        # "Hij scant de facturen naar de boekhouder ... Zal ik hem bestellen?": what in the close
        # meets a need she told counts, recognised as a benefit or not
        met = [h for h in self.hits_need() if h in memory["needs"] and h not in memory["needs_hit"]]
        if met:
            memory["needs_hit"].extend(met)
            conv.apply("behoefte_geraakt")
        if not memory["needs"] and self.sc.close.min_needs and conv.get("interesse") < conv.level.close_at.interesse:
            conv.apply("te_vroeg_afsluiten")
            self.close_line("premature")
            return
        if self.close_ready():
            self.accept()
        elif self.confirm_remedy():
            pass
        elif self.sc.close.requires_correct_quotation and not self.quotation_correct():
            check = conv.slots.get("offerte_controle") or {}
            key = "quote_error" if check.get("rekenfout") else "quote_incomplete"
            if key in self.sc.lines:
                self.reply.add_line(self.picker, key)
            else:
                self.close_line("stall")
        elif conv.get("interesse") >= conv.level.stall_at:
            self.close_line("stall")
        else:
            self.close_line("refuse")

    # ----- everything else -----------------------------------------------------------

    def answer_question(self, stock: bool = True, asked_only: bool = False) -> bool:
        """Answer from the scenario's answers (or catalogue), tell an untold need on an open
        question; otherwise a stock line ("no more needs", "short answer") unless `stock` is
        False (the reply already has its own line, e.g. an objection step)."""
        msg, memory = self.msg, self.memory
        # The answer the question is most about: most keywords hit (ties: the order in the file).
        matching = self.matching_answers()
        fresh = self.fresh_answers()
        if stock and not asked_only and TIME_CHECK.search(self.question_text()):
            # her own answer about the moment if she has one, else a plain yes
            matching = [a for a in matching if any(TIME_CHECK.search(k) for k in a.keywords)]
            fresh = [a for a in fresh if a in matching]
            if not matching and "time_ok" in self.sc.lines:
                self.reply.add_line(self.picker, "time_ok")
                return True
        if stock and not asked_only and not matching and IDENTITY_CHECK.search(self.question_text()) \
                and "identity_confirmed" in self.sc.lines:
            # "Spreek ik met meneer Smits?": yes; "... met mevrouw De Vries?" to Marloes de Wit: no
            named = NAMED_PERSON.search(self.question_text())
            other = named and named.group(2).lower() not in self.sc.persona.name.lower()
            self.reply.add_line(self.picker, "identity_other" if other and "identity_other" in self.sc.lines
                                else "identity_confirmed")
            return True
        # "Kunt u de twintig uit Venlo sturen?", "Stuurt u een creditnota?": a request to act is
        # no question for a fact; no fact that shares a word with it ("Factuur F-2026-1182, ja")
        # answers it, nor a yes to a summary ("Ja, precies.")
        request = self.requests_action()
        if request and asked_only:
            return False  # beside her own line (a step of her point): that line answers it
        if request and stock:
            # what she can do about it (a need of hers the request names, that no objection of
            # hers still has to bring up) is her answer
            later = self.needs_told_later()
            # what is asked, without the asking ("mij toezeggen dat u de factuur corrigeert" is
            # about the invoice, not about a promised delivery day)
            wanted = PROMISE_FRAME.sub(" ", self.question_text())
            for need in self.sc.persona.needs:
                if need.id not in memory["needs"] and need.id not in later \
                        and keyword_hits(wanted, need.keywords):
                    self.reveal(need.id, say=True)
                    return True
            open_ = [o for o in map(self.sc.objection, self.conv.open_objections()) if o is not None]
            if open_:
                # her open point is the condition: a clear "not yet, first this"
                obj = open_[-1]
                self.add_objection_line(obj, "reminder", self.reminder_texts(obj), signal=False)
                return True
            for obj in self.sc.objections:
                # a remedy that her own point still stands before ("Stuurt u een gecorrigeerde
                # factuur?" before "daar gaat de administratie over"): that point is her answer
                if obj.reveals and obj.reveals not in memory["needs"] and obj.id not in memory["raised"] \
                        and self.conv.level_name in obj.levels and self.sc.need(obj.reveals) is not None \
                        and keyword_hits(wanted, self.sc.need(obj.reveals).keywords):
                    self.raise_objection(obj)
                    return True
            for obj in self.sc.objections:
                # a remedy she already agreed to or offered: she confirms it in so many words
                need = self.sc.need(obj.need) if obj.need else None
                if need is not None and need.id in memory["needs"] and self.conv.settled(obj.id) \
                        and keyword_hits(wanted, need.keywords) and self.confirm_resolution(obj):
                    return True
            if self.sc.role == "leverancier":
                # a supplier asked for a remedy: a remedy or his point answers, no fact that
                # shares a word ("Factuur F-2026-1182, ja"); a customer asked to send something
                # ("Kunt u mij de maten sturen?") may well answer with the fact
                matching = fresh = [a for a in fresh if a.reveals or a.raises]
        if asked_only:  # beside her own line: only what the question sentence asks
            asked = {a.id for a in self.asked_answers()}
            matching = fresh = [a for a in fresh if a.id in asked]
        untold = [n for n in self.sc.persona.needs if n.id not in memory["needs"]]
        if matching and not fresh and untold and msg.moves & OPEN_QUESTION_MOVES:
            matching = []  # asked again: the persona tells something new instead
        for answer in fresh or matching:
            if answer.raises and answer.raises not in memory["raised"]:
                obj = self.sc.objection(answer.raises)
                if obj is not None and self.conv.level_name in obj.levels:
                    self.raise_objection(obj)  # her point is the answer to this question
                    return True
            if True:
                text, signals = self.pick(f"answer.{answer.id}", answer.texts,
                                          skip=lambda t, a=answer.id: self.told(t, besides=a))
                if not text:
                    continue  # she said all she knows about this already
                self.reply.add(text, [*answer.signals, *signals], reason="answer", asks=self.picker.last_asks)
                if answer.id not in memory["answers"]:
                    memory["answers"].append(answer.id)
                    self.answered_now.append(answer.id)
                if answer.reveals:
                    self.reveal(answer.reveals, say=False)
                return True
        if stock and not (fresh or matching) and self.agreed_again():
            return True
        if self.sc.role == "leverancier" and self.answer_from_catalogue(
                self.question_text() if asked_only or request else None):  # a request: not "vaste prijs" around it
            return True
        if asked_only:
            return False  # "Is dat goed?" after her own line asks for no story of hers
        if msg.moves & OPEN_QUESTION_MOVES:
            # a need that an objection of hers still has to bring up waits for it ("ik kan een
            # creditnota aanvragen" before "daar ga ik niet over" would contradict her)
            later = self.needs_told_later()
            for need in self.sc.persona.needs:
                if need.id not in memory["needs"] and need.id not in later:
                    self.reveal(need.id, say=True)
                    return True
            if not stock:
                return False
            self.reply.add_line(self.picker, "no_more_needs")
            return True
        if not stock:
            return False
        told = [h for h in self.hits_need() if h in memory["needs"]]
        if told and "summary_confirmed" in self.sc.lines and not request:  # a request is no summary: no "Ja, precies."
            # "Doet u ook iets met facturen voor de boekhouder?" after she told that: she confirms
            before = len(self.reply.parts)
            self.reply.add_line(self.picker, "summary_confirmed")
            if len(self.reply.parts) > before:
                self.reply.parts[-1].reason = "answer"
                return True
        if self.proposes():
            # "Dus dinsdag 10 uur is goed?": a proposal gets a yes, a question or a clear no,
            # never a half yes ("Eh, ja, zo ongeveer.")
            if not self.offered() and "arranged_confirmed" in self.sc.lines:
                self.reply.add_line(self.picker, "arranged_confirmed")  # the filter, not the upgrade
            elif self.close_ready():
                self.handle_close()
            else:
                self.close_line("stall" if self.conv.get("interesse") >= self.conv.level.stall_at else "refuse")
            return True
        if OFFER_QUESTION.search(self.question_text()) and "offer_yes" in self.sc.lines:
            # "Zal ik hem samen met u doornemen?": an offer gets a yes, not "Ja, min of meer."
            self.reply.add_line(self.picker, "offer_yes")
            return True
        if "off_topic" in self.sc.lines and not self.question_relates():
            # "Verkoopt u ook taart?" to a customer who calls about her printer: no "Dat zou ik zo
            # niet kunnen zeggen.", she asks what that has to do with it
            before = len(self.reply.parts)
            self.reply.add_line(self.picker, "off_topic")
            if len(self.reply.parts) > before:
                self.reply.parts[-1].filler = True  # a point of hers that comes up now goes first
                return True
        self.reply.add_line(self.picker, "short_answer")
        return True

    def question_relates(self) -> bool:
        """The message has something of this conversation: an entity, a word of the scenario
        (companies, her name, products, topics, needs, answers, facts) or of any sales call,
        a proposal, or a word of what she told; or no content word to judge it by."""
        from actions.verduidelijken import scenario_words  # (that module builds on this one)

        said = self.msg.lower
        if self.msg.entities or self.msg.mentions(scenario_words(self.sc)) or TRADE_WORDS.search(said):
            return True
        if not [w for w in CONTENT_WORD.findall(said) if _stem(w) not in SUMMARY_STOP]:
            return True  # "O, dus hij doet het nu weer?": nothing to call off the subject
        return self.summary_fits()

    def needs_told_later(self) -> set[str]:
        """Needs she does not tell on a question: one an objection she still has to bring up
        waits for it ("ik kan een creditnota aanvragen" before "daar ga ik niet over" would
        contradict her), and one an objection already settled is no news."""
        memory = self.memory
        later = {o.reveals for o in self.sc.objections if o.reveals and o.id not in memory["raised"]}
        later |= {n for o in self.sc.objections if o.id in self.conv.resolved_objections()
                  for n in (o.need, o.reveals) if n}
        return later

    def proposes(self) -> bool:
        """The question sentence proposes a concrete next step: a day or time, or an offer to
        come by, plan, order or arrange something."""
        asked = self.question_text()
        if asked and len(asked.split()) <= 5:
            # "De monteur heeft donderdagochtend nog ruimte. Past dat u?": a short question that
            # points back at the sentences before proposes what they say ("... plannen we het
            # gesprek op donderdag om 14.00 uur. Dan kan hij uw vragen beantwoorden. Is dat goed?")
            sentences = re.findall(r"(?:[^.!?]|(?<=\d)[.,](?=\d))+[.!?]*", self.msg.lower)  # "8.00" stays whole
            before = [s for s in sentences[:-1] if not s.strip().endswith("?")]
            if before and sentences[-1].strip().endswith("?"):
                asked = " ".join(before[-2:]) + " " + asked
        return bool(asked and (DAY_PART.search(asked) or time_of_day(asked) or PROPOSAL.search(asked)
                               or ORDER_QUESTION.search(asked)))

    def matching_answers(self) -> list[Answer]:
        """The answers the question is about, most keywords hit first (ties: the file's order)."""
        msg = self.msg
        asked = self.question_text()
        answers = [a for a in self.sc.answers if not self.settled_by_resolution(a)]
        if asked:  # "Vervelend dat hij kapot is. Waarvoor gebruikt u hem?" asks about the use
            return sorted((a for a in answers if keyword_hits(asked, a.keywords)),
                          key=lambda a: -keyword_hits(asked, a.keywords))
        return sorted((a for a in answers if msg.mentions(a.keywords)),
                      key=lambda a: -keyword_hits(msg.lower, a.keywords))

    def agreed_again(self) -> bool:
        """Asked again about what she already agreed ("U zei dat Venlo ze nog heeft liggen?
        Kunnen die niet hierheen?" after "ik laat ze uit Venlo komen"): she confirms the
        agreement in other words, not "Is er verder nog iets?"."""
        asked = self.question_text() or self.msg.lower
        for answer in self.sc.answers:
            if not (answer.reveals and keyword_hits(asked, answer.keywords)):
                continue
            for obj in self.sc.objections:
                if (answer.reveals in (obj.need, obj.reveals) and obj.id in self.conv.resolved_objections()
                        and self.confirm_resolution(obj)):
                    return True
        return False

    def confirm_resolution(self, obj: Objection) -> bool:
        """She says again, in other words, how she settled this point (a line of its `resolved`)."""
        text, signals = self.pick(f"resolved.{obj.id}", obj.resolved)
        if text:
            self.reply.add(text, signals, reason="answer", asks=self.picker.last_asks)
        return bool(text)

    def settled_by_resolution(self, answer: Answer) -> bool:
        """An answer about the need of an objection already resolved is old news: "In Venlo
        liggen er nog" after "ik regel het vandaag via Venlo". An answer that is part of an
        objection (`about`) is not told once she raised it: its own lines speak for it."""
        if answer.about and answer.about in self.memory["raised"]:
            return True
        return bool(answer.reveals) and any(
            answer.reveals in (o.need, o.reveals) and o.id in self.conv.resolved_objections()
            for o in self.sc.objections)

    def stated_text(self) -> str:
        """The message without its question sentences: what the student states."""
        return re.sub(r"[^.!?]*\?", " ", self.msg.lower)

    def question_text(self) -> str:
        """The question sentences of the message (those ending in a question mark)."""
        return " ".join(re.findall(r"[^.!?]*\?", self.msg.lower))

    def requests_action(self) -> bool:
        """A question sentence asks her to do something (send, deliver, correct, arrange), not
        for a fact: "Kunt u de twintig uit Venlo sturen, zodat ze er vrijdag zijn?"."""
        return any(ACTION_REQUEST.search(q) and not FACT_QUESTION.search(q)
                   for q in re.findall(r"[^.!?:]*\?", self.msg.lower))

    def asks_something_new(self) -> bool:
        """The question sentence asks for a fact she has not told: an answer of hers, or a need
        she has not told yet ("U noemde de audit: wat kwam daar uit?")."""
        asked = self.question_text()
        return bool(self.asked_answers()) or any(
            n.id not in self.memory["needs"] and keyword_hits(asked, n.keywords) for n in self.sc.persona.needs)

    def asked_answers(self) -> list[Answer]:
        """Fresh answers to the question sentence itself (not to words in the sentences
        around it: "na gisteren ... Is dat goed?" asks nothing about yesterday)."""
        asked = self.question_text()
        return [a for a in self.fresh_answers() if keyword_hits(asked, a.keywords)]

    def fresh_answers(self) -> list[Answer]:
        """Matching answers she has not given yet, in words or as part of her story."""
        return [a for a in self.matching_answers() if a.id not in self.memory["answers"]
                and not all(self.told(self.picker.fill(text_of(t))) for t in a.texts)]

    def told(self, text: str, besides: str | None = None) -> bool:
        """She already told this fact in other words: in an answer she gave (other than
        `besides`, which she may give again when asked again), or in a line of an objection's
        story (progress) or its resolution she said."""
        memory = self.memory
        heard = [t for a in self.sc.answers if a.id in memory["answers"] and a.id != besides for t in a.texts]
        for obj in self.sc.objections:
            for key, lines in ((f"progress.{obj.id}", obj.progress), (f"resolved.{obj.id}", obj.resolved)):
                used = (memory.get("used") or {}).get(key) or []
                heard += [lines[i] for i in used if i < len(lines)]
        for need in self.sc.persona.needs:  # "Sinds de zomer zijn we met veertig mensen" told as her need
            used = (memory.get("used") or {}).get(f"need.{need.id}") or []
            heard += [need.reveal[i] for i in used if i < len(need.reveal)]
        return any(same_fact(text, self.picker.fill(text_of(t))) for t in heard)

    def answer_from_catalogue(self, asked: str | None = None) -> bool:
        """A supplier answers price, delivery time and stock questions from the catalogue.
        `asked`: only what this text (the question sentence) asks about."""
        msg = self.msg
        text = msg.lower if asked is None else asked
        if asked is None:
            products = [str(v) for v in msg.values("product") if self.sc.product(str(v))]
        else:
            products = []
        if not products:
            products = [p.id for p in self.sc.catalogue if any(n.lower() in text for n in p.names)]
        if not products:
            return False
        product = self.sc.product(products[0])
        for key, words, known in CATALOGUE_QUESTIONS:
            if any(w in text for w in words) and known(product) and key in self.sc.lines:
                text, signals = self.picker.line(key, product.id)
                self.reply.add(text, signals, reason="answer")
                return True
        return False

    def reveal(self, need_id: str, say: bool) -> None:
        need = self.sc.need(need_id)
        if need is None:
            return
        if need_id not in self.memory["needs"]:
            self.memory["needs"].append(need_id)
            self.conv.apply("behoefte_verteld")
        if say:
            text, signals = self.pick(f"need.{need_id}", need.reveal)
            self.reply.add(text, signals, reason="answer", asks=self.picker.last_asks)

    def respond(self, concession: Concession | None, quotation: dict | None) -> None:
        conv, msg = self.conv, self.msg
        moves = msg.moves
        if "begroeting" in moves and not self.memory.get("greeted"):
            self.memory["greeted"] = True
            key = "greeting_reply" if self.sc.initiative == "student" else "greeting_after_opening"
            self.reply.add_line(self.picker, key)
        if self.topic is not None:
            # The student answers her question, with or without a recognised move.
            self.take_answer(self.topic)
            if self.memory.get("closes") and conv.slots.get(OUTCOME_SLOT) not in SUCCESS_OUTCOMES and self.close_ready():
                self.accept()  # the order was asked for already; this answer was what she waited for
                return
            self.say_answer_heard(self.topic)
        if quotation is not None:
            if quotation["correct"] and not self.memory.get("quote_ok_seen"):
                self.memory["quote_ok_seen"] = True
                conv.apply("offerte_correct")
            elif quotation.get("rekenfout"):
                conv.apply("offerte_fout")  # wrong amounts, not just parts still to come
            if quotation["correct"]:
                key = "quote_ok"
            else:
                key = "quote_error" if quotation.get("rekenfout") else "quote_partial"
            if key in self.sc.lines:
                self.reply.add_line(self.picker, key)
        # Information that meets a need she told is a benefit to her, recognised as a move or
        # not, also beside a question, an offer or a promise ("Die geeft één vel per keer, dus
        # er ligt niets op de vloer. Zal ik ze woensdag ophangen?"); what counts is said in a
        # statement, not asked, and a summary of her problem is no answer to it. Only a
        # recognised benefit may guess a need she did not tell yet.
        told = [n.id for n in self.sc.persona.needs
                if n.id in self.memory["needs"] and keyword_hits(self.stated_text(), n.keywords)]
        # "De Duo heeft twee tappunten ... Wat vindt u daarvan?": she reacts to the offer
        opinion = bool(told and OPINION.search(self.question_text()))
        if moves & QUESTION_MOVES and not opinion:
            self.answer_question()
        informs = not (moves - INFORMING_MOVES)
        if "voordeel_benoemen" in moves or (informs and told and self.topic is None) or opinion:
            hits = self.hits_need() if "voordeel_benoemen" in moves else told
            new_hits = [h for h in hits if h not in self.memory["needs_hit"]]
            if new_hits:
                self.memory["needs_hit"].extend(new_hits)
                conv.apply("behoefte_geraakt")
                for h in new_hits:
                    if h not in self.memory["needs"]:
                        self.memory["needs"].append(h)  # the student guessed it: it counts as known
                self.reply.add_line(self.picker, "benefit_heard")
            elif not self.memory["needs"]:
                conv.apply("voordeel_zonder_behoefte")
                self.reply.add_line(self.picker, "neutral")
            else:
                self.reply.add_line(self.picker, "neutral")
        if "bijverkoop" in moves and self.reply.empty:
            self.reply.add_line(self.picker, "bijverkoop")
        if "toezegging" in moves and self.reply.empty:
            self.reply.add_line(self.picker, "toezegging_heard")
        if concession is not None and self.reply.empty:
            self.reply.add_line(self.picker, "concession_unasked" if concession.within else "concession_unauthorised")
        if moves & {"ja_maar", "tegenspreken"} and self.reply.empty:
            self.reply.add_line(self.picker, "contradicted")
        if "samenvatten" in moves and self.reply.empty and "summary_confirmed" in self.sc.lines:
            self.reply.add_line(self.picker, "summary_confirmed" if self.summary_fits() else "summary_wrong")

        due = self.objection_due()
        if due is not None:
            if due.when.opening or (self.turn == 1 and self.sc.initiative == "student"):
                self.reply.parts = []  # the persona picks up the phone with it
                self.picked_up = True
            self.reply.drop_fillers()
            # She raises her point instead of answering as if it did not stand ("In ons systeem
            # staat de order als compleet" after "De TN-5500 is op" contradicts itself).
            self.reply.parts = [p for p in self.reply.parts if p.reason != "answer"]
            # an answer she did not say is still to be given when the question comes again
            self.memory["answers"] = [a for a in self.memory["answers"] if a not in self.answered_now]
            self.raise_objection(due)
            return
        if conv.slots.get(OUTCOME_SLOT) in SUCCESS_OUTCOMES:
            return
        rule = self.signal_due() if not conv.open_objections() else None
        if rule is not None and len([p for p in self.reply.parts if not p.filler]) <= 1:
            self.reply.drop_fillers()
            self.give_signal(rule)
        elif all(p.filler for p in self.reply.parts) and self.ready_but_not_asked():
            # Convinced, buying signals given, but the student keeps talking: she nudges.
            nudge = self.picker.fill(self.sc.hints["afsluiten"])
            if not was_said(self.memory, nudge):
                self.reply.parts = []
                self.reply.add(nudge, reason="question")
        if self.reply.empty:
            self.reply.add_line(self.picker, "neutral")

    def ready_but_not_asked(self) -> bool:
        given = self.conv.slots.get("gegeven_signalen") or []
        return any(s.startswith("koopsignaal.") for s in given) and self.close_ready()


def persona_turn(conv: Conversation, msg: Message) -> Reply:
    return PersonaTurn(conv, msg).run()


def opening(conv: Conversation) -> Reply:
    """The persona's first words (initiative: persona), with objections marked `opening`."""
    reply = Reply()
    picker = LinePicker(conv.sc, conv.slots, conv.memory, conv.seed, 0, conv.level_name)
    if conv.sc.initiative == "persona" and "opening" in conv.sc.lines:
        reply.add_line(picker, "opening")
        for obj in conv.sc.objections:
            if obj.when.opening and conv.level_name in obj.levels:
                text, signals = picker.pick(f"objection.{obj.id}", obj.texts_for(conv.level_name))
                reply.add(text, [obj.signal, *signals], reason="objection", asks=picker.last_asks or obj.asks)
                conv.memory["raised"].append(obj.id)
                conv.memory["active"] = obj.id
                conv.memory["progress"][obj.id] = 0
                if obj.signal == "weerstand.prijs":
                    conv.memory["price_objections"] = conv.memory.get("price_objections", 0) + 1
                conv.add_to("open_bezwaren", obj.id)
        asked = [p.asks for p in reply.parts if p.asks]
        conv.memory["asked"] = asked[-1] if asked else None
        conv.memory["last_signals"] = reply.signals()
        for signal in reply.signals():
            conv.add_to("gegeven_signalen", signal)
    return reply
