"""turn_hint(events, scenario): a short Dutch hint about the last student turn.

The rules live in domain/feedback/hints.yml (first matching rule wins). The rubric decides
whether hints show automatically or only on request in practice mode; in exam mode
(`mode` = `toets`) there are never hints.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.feedback.consistency import hint_conflicts, judgements
from bot.feedback.conversation import Conversation, StudentTurn, read_events, signal_matches
from bot.feedback.rubric import resolve
from bot.feedback.sources import ScenarioInfo, info_of
from bot.feedback.texts import HintRule, choose, fill, load_feedback_texts
from bot.feedback.values import missing_evidence, scenario_values, usable
from bot.vocabulary import EXAM


def _matches(rule: HintRule, turn: StudentTurn, info: Any = None) -> str | None | bool:
    """False when the rule does not apply; otherwise the matched signal (or None)."""
    cond = rule.als
    if cond.bewijs_ontbreekt and not missing_evidence(cond.bewijs_ontbreekt, turn.text, info):
        return False
    if cond.beurt is not None and turn.position != cond.beurt:
        return False
    if cond.na_deal is not None and turn.after_deal != cond.na_deal:
        return False
    if cond.zet and not turn.has_any(cond.zet):
        return False
    if cond.ook_zet and not turn.has_any(cond.ook_zet):
        return False
    if cond.geen_zet and turn.has_any(cond.geen_zet):
        return False
    if cond.oordeel and turn.verdict not in cond.oordeel:
        return False
    signal = (turn.reaction or {}).get("signal") if cond.oordeel else None
    if cond.signaal:
        signal = next((s for s in turn.signals if signal_matches(s, cond.signaal)), None)
        if signal is None:
            return False
    return signal


def hint_policy(scenario: Any = None, events: list[dict] | None = None) -> str | None:
    """`automatisch`, `op_verzoek`, or None in exam mode (no hints at all)."""
    conv = read_events(events or [])
    if conv.mode == EXAM:
        return None
    return _policy(info_of(scenario, conv.scenario_id))


def _policy(info) -> str:
    """The rubric's choice; a scenario with `practice_hints: false` never shows them unasked."""
    return resolve(info).hints if info.practice_hints else "op_verzoek"


def turn_hint(events: list[dict], scenario: Any = None, on_request: bool = False) -> str | None:
    """Hint about the last student turn, or None (exam mode, nothing to say, or the rubric
    wants hints only on request and `on_request` is False)."""
    found = hint_for_last_turn(events, scenario, on_request)
    return found[1] if found else None


def hint_for_last_turn(events: list[dict], scenario: Any = None,
                       on_request: bool = False) -> tuple[HintRule, str] | None:
    """(rule, text) of the hint about the last student turn, or None. A rule whose verdict
    the report (on the conversation so far) contradicts for this turn is skipped: the tip
    and the report never disagree about one sentence."""
    conv = read_events(events)
    return hint_about_last_turn(conv, info_of(scenario, conv.scenario_id), on_request)


def hint_about_last_turn(conv: Conversation, info: ScenarioInfo,
                         on_request: bool = False) -> tuple[HintRule, str] | None:
    """hint_for_last_turn on a conversation as read, for this scenario."""
    if conv.mode == EXAM or not conv.turns:
        return None
    if _policy(info) == "op_verzoek" and not on_request:
        return None
    conv = dataclasses.replace(conv, info=info)
    texts = load_feedback_texts()
    turn = conv.turns[-1]
    extra = texts.scenario(info.id)
    judged = None
    own = resolve(info).tips  # a rubric may bring its own tips (1.2: a team leader, no customer)
    for rule in texts.hints if own is None else own:
        signal = _matches(rule, turn, info)
        if signal is False:
            continue
        if judged is None:
            judged = _report_items(conv, info, turn.number)
        if any(hint_conflicts(rule, item, judged[1], turn.labels) for item in judged[0]):
            continue
        quote = None
        if signal:
            quote = next((u.text for u in reversed(turn.answers) if signal in u.signals), None)
        variants = (extra.hints.get(rule.id) if extra else None) or rule.teksten
        values = scenario_values(conv, info, texts)
        text = fill(
            choose(usable(variants, values), rule.id, turn.number),
            **values,
            zin=turn.text,
            klantzin=quote or turn.customer_quote,
            signaal=texts.signal_name(signal) if signal else None,
        )
        return rule, text
    return None


def _report_items(conv: Conversation, info: ScenarioInfo, number: int) -> tuple[list[dict], dict]:
    """The report's judgements of turn `number` (conversation so far), and its checks."""
    from bot.feedback.report import report_of

    report = report_of(conv, info)
    checks = {c.id: c for c in resolve(info).checks}
    return [i for i in judgements(report) if i["turn"] == number], checks
