"""A call that goes nowhere ends, in character (issue 13).

After every student turn the persona compares what the conversation has reached (needs
told, facts given, objection steps, signals, questions answered, the quotation, the
outcome) with the turn before. `hints.geduld` turns in a row without any of that (default
8) and she ends the call politely (`no_progress_end`), two turns earlier she says so
(`no_progress_warning`); after `hints.max_beurten` student turns (default 40) she ends it
anyway (`too_long_end`). She also ends it when she has nothing left to say that she did
not say before (no line is repeated word for word). The outcome is then what a goodbye
would give: the success outcome of an `at_end` scenario whose conditions hold, else
`geen_deal` (`afgebroken` before the third student turn).
"""

from __future__ import annotations

from actions.persona.reply import Reply
from actions.persona.state import Conversation
from actions.persona.texts import LinePicker
from bot.vocabulary import ABORTED, ENDED_SLOT, ONGOING, OUTCOME_SLOT, SUCCESS_OUTCOMES

MIN_TURNS_FOR_A_CONVERSATION = 3  # fewer student turns than this: the call was broken off
DEFAULT_PATIENCE = 8
DEFAULT_MAX_TURNS = 40


def setting(conv: Conversation, key: str, default: int) -> int:
    try:
        return max(2, int(str(conv.sc.hints.get(key)).strip()))
    except (TypeError, ValueError):
        return default


def end_conversation(conv: Conversation) -> None:
    conv.memory["ended"] = True
    conv.set(ENDED_SLOT, True)


def outcome_at_end(conv: Conversation) -> str:
    """The outcome when the call ends without a deal in this turn."""
    current = conv.slots.get(OUTCOME_SLOT) or ONGOING
    if current in SUCCESS_OUTCOMES or current == ABORTED:
        return current
    close = conv.sc.close
    if close.at_end:
        blocking = [o for o in conv.open_objections() if (conv.sc.objection(o) and conv.sc.objection(o).blocks_close)]
        if (
            len(conv.memory.get("needs") or []) >= close.min_needs
            and all(conv.settled(o) for o in close.requires_resolved)
            and not blocking
            and conv.get("irritatie") < conv.level.hangup_at
        ):
            return close.outcome
    if conv.turn < MIN_TURNS_FOR_A_CONVERSATION:
        return ABORTED
    return "geen_deal"


def progress_mark(conv: Conversation) -> list:
    memory = conv.memory
    return [
        len(memory.get("needs") or []),
        len(memory.get("needs_hit") or []),
        len(memory.get("answers") or []),
        sum(int(v) for v in (memory.get("progress") or {}).values()),
        len(conv.resolved_objections()),
        len(memory.get("signal_rules") or []),
        len(memory.get("topics") or []),
        len(memory.get("quote") or {}),
        str(conv.slots.get(OUTCOME_SLOT)),
    ]


def end_call(conv: Conversation, reply: Reply, picker: LinePicker, key: str) -> None:
    reply.parts = [p for p in reply.parts if not p.filler]
    reply.add_line(picker, key)
    if reply.empty:
        reply.add_line(picker, "no_progress_end")
    conv.set(OUTCOME_SLOT, outcome_at_end(conv))
    end_conversation(conv)


def check_patience(conv: Conversation, reply: Reply, picker: LinePicker) -> None:
    """After the persona's reply to a turn before the deal: end a call that goes nowhere."""
    memory = conv.memory
    if memory.get("ended"):
        return
    mark = progress_mark(conv)
    stalled = 0 if mark != memory.get("progress_mark") else int(memory.get("stalled") or 0) + 1
    memory["progress_mark"] = mark
    memory["stalled"] = stalled
    patience = setting(conv, "geduld", DEFAULT_PATIENCE)
    if conv.turn >= setting(conv, "max_beurten", DEFAULT_MAX_TURNS):
        end_call(conv, reply, picker, "too_long_end")
    elif stalled >= patience or reply.empty:
        end_call(conv, reply, picker, "no_progress_end")
    elif stalled == patience - 2:
        reply.add_line(picker, "no_progress_warning")
