"""After the deal: the call goes on until the student says goodbye.

Once the persona has accepted (slot `uitkomst` holds a success outcome), a real call is
not over: the student confirms what was agreed (samenvatten), makes a toezegging, may
offer an add-on (bijverkoop) and says goodbye. In this phase the persona reacts like a
customer who has just agreed, from the scenario's `after_deal_*` lines (defaults in
domain/scenarios/_standaard.yml). The deal itself is never undone here; a concession is
still recorded by the margin check.

The conversation ends (slot `gesprek_beeindigd`) when the student says goodbye
(action_gesprek_afronden), when the persona hangs up, or when the persona ends it herself
after `hints.na_de_deal_beurten` student turns without a goodbye.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from actions.persona.margin import check_concession
from actions.persona.patience import end_conversation
from actions.persona.quotation import check_quotation
from actions.persona.reply import Reply
from actions.persona.state import Conversation
from actions.persona.texts import LinePicker
from bot.scenarios.models import SUCCESS_OUTCOMES
from bot.vocabulary import OPEN_QUESTION_MOVES, OUTCOME_SLOT, QUESTION_MOVES

if TYPE_CHECKING:  # pragma: no cover
    from actions.persona.core import PersonaTurn

TURNS_KEY = "na_de_deal_beurten"  # hints.<key>: student turns after the deal before the persona ends
DEFAULT_TURNS = 4  # as in _standaard.yml; used when a scenario gives no usable number
# "om 10 uur", "om half elf", "om kwart over twee", "10.30", "14:00": a time of day the student confirms.
_HOUR = r"(\d{1,2}|een|één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf)"
TIME_OF_DAY = re.compile(
    r"\bom\s+(half|kwart over|kwart voor)\s+" + _HOUR + r"\b"
    r"|\bom\s+" + _HOUR + r"(\s*uur\b|[.:]\d{2}\b)"
    r"|\b\d{1,2}[.:]\d{2}\b"
)
DAY_PART = re.compile(r"\b(maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)(ochtend|middag|avond)?\b")


def time_of_day(text: str) -> str | None:
    m = TIME_OF_DAY.search(text.lower())
    return m.group(0) if m else None


def day_of(turn: "PersonaTurn") -> str | None:
    msg = turn.msg
    found = (msg.values("datum") or msg.values("weekdag") or [None])[0]
    if found:
        return str(found)
    m = DAY_PART.search(msg.lower)
    return m.group(0) if m else None


def confirms_details(turn: "PersonaTurn") -> bool:
    """The student confirms a day, a time or a quantity of what was agreed."""
    return bool(day_of(turn) or time_of_day(turn.msg.text))


def confirm_details(turn: "PersonaTurn") -> None:
    """'Zullen we dinsdag om tien uur zeggen?' after the deal: welcome, and written down."""
    msg, conv = turn.msg, turn.conv
    day = day_of(turn)
    key = "datum" if turn.sc.close.outcome == "afspraak" else "levering"
    terms = {key: day} if day else {}
    when = time_of_day(msg.text)
    if when:
        terms["tijd"] = when
    conv.agree(**terms)
    turn.reply.add_line(turn.picker, "after_deal_confirm")


def in_after_deal(conv: Conversation) -> bool:
    """The deal was made in an earlier turn and the call is still going."""
    success_turn = conv.memory.get("success_turn")
    return (
        conv.slots.get(OUTCOME_SLOT) in SUCCESS_OUTCOMES
        and success_turn is not None
        and conv.turn > int(success_turn)
        and not conv.memory.get("ended")
    )


def turns_allowed(conv: Conversation) -> int:
    raw = conv.sc.hints.get(TURNS_KEY)
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return DEFAULT_TURNS
    return max(1, value)


def turns_since_deal(conv: Conversation) -> int:
    return conv.turn - int(conv.memory.get("success_turn") or 0)


def maybe_end(conv: Conversation, reply: Reply, picker: LinePicker) -> None:
    """The persona rounds off herself once the student keeps talking without a goodbye."""
    if conv.memory.get("ended") or turns_since_deal(conv) < turns_allowed(conv):
        return
    reply.add_line(picker, "after_deal_end")
    end_conversation(conv)


def offered_products(turn: "PersonaTurn") -> list[str]:
    """Catalogue products the message names (entity or name), other than the deal's own."""
    sc, msg = turn.sc, turn.msg
    found = [str(v) for v in msg.values("product") if sc.product(str(v))]
    for product in sc.catalogue:
        if product.id not in found and msg.mentions([n.lower() for n in product.names]):
            found.append(product.id)
    agreed = turn.conv.slots.get("afspraken") or {}
    main = agreed.get("product") if isinstance(agreed, dict) else None
    return [p for p in found if p != main]


def bijverkoop(turn: "PersonaTurn") -> None:
    """Accept an add-on that meets a need of hers while she is in a good mood; else decline."""
    conv = turn.conv
    agreed = conv.slots.get("afspraken") or {}
    already = list(agreed.get("bijverkoop") or []) if isinstance(agreed, dict) else []
    products = offered_products(turn)
    new = [p for p in products if p not in already]
    if products and not new:
        turn.reply.add_line(turn.picker, "after_deal_close")  # "Dat hadden we al afgesproken."
        return
    mood_ok = (
        conv.get("irritatie") < 0.5
        and conv.get("vertrouwen") >= conv.level.close_at.vertrouwen - 1e-9
    )
    needs = turn.hits_need()
    if new and needs and mood_ok:
        conv.agree(bijverkoop=already + [new[0]])
        for need in needs:
            if need not in turn.memory["needs"]:
                turn.memory["needs"].append(need)
        conv.apply("behoefte_geraakt")
        text, signals = turn.picker.line("after_deal_bijverkoop_yes", new[0])
        turn.reply.add(text, signals)
    else:
        turn.reply.add_line(turn.picker, "after_deal_bijverkoop_no")


def answer(turn: "PersonaTurn") -> None:
    """A question after the deal: a fact she knows, a need not told yet, or a short answer."""
    msg, memory, sc = turn.msg, turn.memory, turn.sc
    matching = [a for a in sc.answers if msg.mentions(a.keywords)]
    if matching:
        fresh = [a for a in matching if a.id not in memory["answers"]] or matching
        ans = fresh[0]
        text, signals = turn.pick(f"answer.{ans.id}", ans.texts)
        turn.reply.add(text, [*ans.signals, *signals])
        if ans.id not in memory["answers"]:
            memory["answers"].append(ans.id)
        return
    if sc.role == "leverancier" and turn.answer_from_catalogue():
        return
    if msg.moves & OPEN_QUESTION_MOVES:
        for need in sc.persona.needs:
            if need.id not in memory["needs"]:
                turn.reveal(need.id, say=True)  # "Is er verder nog iets?": she tells what else bothers her
                return
    turn.reply.add_line(turn.picker, "after_deal_question")


def after_deal_moves(turn: "PersonaTurn") -> None:
    """React to the student's moves after the deal (also used by the goodbye turn)."""
    conv, msg = turn.conv, turn.msg
    moves = msg.moves
    concession = check_concession(conv, msg)  # a later concession still counts for the margin
    quotation = check_quotation(conv, msg)
    if moves & {"ja_maar", "tegenspreken"}:
        turn.reply.add_line(turn.picker, "contradicted")
    if quotation is not None and quotation.get("rekenfout") and "quote_error" in turn.sc.lines:
        turn.reply.add_line(turn.picker, "quote_error")
    if concession is not None:
        if concession.pct is not None:
            conv.agree(korting=max(float(concession.pct), float((conv.slots.get("afspraken") or {}).get("korting") or 0)))
        turn.reply.add_line(turn.picker, "after_deal_concession")
    if "bijverkoop" in moves:
        bijverkoop(turn)
    elif concession is None and (not moves or moves & (QUESTION_MOVES | {"afsluitvraag"})) and confirms_details(turn):
        # "Zullen we dinsdag om tien uur zeggen?": asking to confirm is welcome, never "already agreed".
        confirm_details(turn)
        return
    if "samenvatten" in moves and len(turn.reply.parts) < 2:
        turn.reply.add_line(turn.picker, "after_deal_summary")
    if "toezegging" in moves and len(turn.reply.parts) < 2 and "samenvatten" not in moves:
        # a summary with a promise gets one acknowledgement ("Klopt, zo is het."), not two
        turn.reply.add_line(turn.picker, "after_deal_toezegging")
    if moves & QUESTION_MOVES and len(turn.reply.parts) < 2 and "bijverkoop" not in moves:
        answer(turn)
    if set(turn.sc.close.moves) & moves and turn.reply.empty:
        turn.reply.add_line(turn.picker, "after_deal_close")


def after_deal_goodbye(turn: "PersonaTurn") -> Reply:
    """The student says goodbye after the deal: first the rest of the message, then her goodbye."""
    conv = turn.conv
    turn.reply.after_deal = True
    if turn.msg.moves - {"afscheid", "informeel", "begroeting"}:
        after_deal_moves(turn)
    friendly = conv.get("irritatie") < 0.5
    turn.reply.add_line(turn.picker, "goodbye_good" if friendly else "goodbye_bad")
    end_conversation(conv)
    return turn.finish()


def after_deal_turn(turn: "PersonaTurn") -> Reply:
    """One student turn after the deal (a goodbye, also one the NLU gave another intent)."""
    conv = turn.conv
    turn.reply.after_deal = True
    if "afscheid" in turn.msg.moves:
        # "Ik mail u de offerte vandaag nog. Fijne middag, tot ziens!" reads as a toezegging
        # (intent) with a goodbye: after the deal that goodbye ends the call all the same.
        return after_deal_goodbye(turn)
    if conv.get("irritatie") >= conv.level.hangup_at:
        # She has had enough and ends the call; what was agreed stays agreed.
        turn.reply.add_line(turn.picker, "after_deal_hangup")
        end_conversation(conv)
        return turn.finish()
    after_deal_moves(turn)
    if turn.reply.empty and not turn.prefix.parts:
        turn.reply.add_line(turn.picker, "after_deal_neutral")
    maybe_end(conv, turn.reply, turn.picker)
    return turn.finish()
