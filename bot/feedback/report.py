"""build_report(events, scenario): rubric checks -> scores, feedback items, missed signals.

Pure and deterministic: no clock, no randomness, stable ordering.
"""

from __future__ import annotations

import dataclasses
import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from bot.feedback.checks import SPOILED, CheckBase, Outcome, run_check
from bot.feedback.conversation import Conversation, read_events, signal_matches
from bot.feedback.rubric import resolve
from bot.feedback.sources import ScenarioInfo, competency_names, info_of, normalise
from bot.feedback.consistency import resolve_conflicts
from bot.feedback.texts import REWRITES, FeedbackTexts, choose, fill, load_feedback_texts, suggestion_texts
from bot.feedback.values import own_name, scenario_values, usable, without_name
from bot.vocabulary import OUTCOME_SLOT, SUCCESS_OUTCOMES

MODEL_RULE_PREFIX = "model:"
MODEL_NOTE = "herkend door het getrainde model, niet door een regel"
# Kinds whose observations judge one moment each (a reply to a signal, one order of moves):
# a good moment may be praised even when the check as a whole did not pass.
PER_MOMENT_KINDS = ("reactie_op_signaal", "zet_voor_zet")
# Kinds that judge a slot the actions set, not a sentence: praise without a quote is allowed.
SLOT_KINDS = ("slot_voorwaarde",)

PASS_POINTS_0_3 = 2
MAX_IMPROVEMENTS_PER_CHECK = 2
MAX_IMPROVEMENTS_PER_TURN = 3  # the heaviest checks speak; all stay visible under "checks"

def formula(focus_weight: float = 2.0) -> str:
    weight = f"{focus_weight:g}".replace(".", ",")
    return (
        "Per check: punten/maximum (ja/nee: 1 als alles gelukt is, anders 0; schaal 0-3: 3 × het "
        "gelukte deel, naar beneden afgerond, voldoende vanaf 2). "
        "Competentie = 100 × Σ(gewicht × punten/maximum) / Σ gewicht over de checks die van "
        "toepassing waren en aan die competentie gekoppeld zijn; null als er geen enkele van "
        "toepassing was. Totaalscore = gewogen gemiddelde van de waargenomen competenties, "
        f"gewicht {weight} voor de competenties van het scenario (focus), 1 voor de andere; "
        "afgerond op een geheel getal (half naar boven)."
    )


FORMULA = formula()


def round_half_up(value: float) -> int:
    return int(Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def points_of(check: CheckBase, outcome: Outcome) -> int | None:
    if outcome.score is None:
        return None
    if check.schaal == "ja_nee":
        return 1 if outcome.score >= 1.0 else 0
    # Rounded down: half of what was asked (1 of 2 questions) is not yet "voldoende".
    return int(math.floor(outcome.score * 3 + 1e-9))


def passed_of(check: CheckBase, points: int | None, outcome: Outcome | None = None) -> bool | None:
    if points is None:
        return None
    if check.soort == "zet_afwezig" and outcome is not None and any(o.ok < 1.0 for o in outcome.observations):
        return False  # 'vermeed ...' is not true after one occurrence (the points keep partial credit)
    return points == 1 if check.schaal == "ja_nee" else points >= PASS_POINTS_0_3


def _focus(info: ScenarioInfo, werkprocessen: tuple[str, ...]) -> tuple[str, ...]:
    if info.competencies:
        return info.competencies
    from bot.feedback.sources import werkproces_competencies

    found: list[str] = []
    for code in werkprocessen:
        for name in werkproces_competencies(code) or ():
            if name not in found:
                found.append(name)
    return tuple(found)


def _main_competency(check: CheckBase, focus: tuple[str, ...]) -> str:
    return next((c for c in check.competenties if c in focus), check.competenties[0])


def _exact_competency_scores(rows: list[tuple[CheckBase, int | None]]) -> dict[str, float]:
    totals: dict[str, list[float]] = {}
    for check, points in rows:
        if points is None:
            continue
        for name in check.competenties:
            acc = totals.setdefault(name, [0.0, 0.0])
            acc[0] += check.gewicht * points / check.max_points
            acc[1] += check.gewicht
    return {name: 100 * a / w for name, (a, w) in totals.items()}


def score_competencies(exact: dict[str, float]) -> dict[str, int | None]:
    """All BCP competencies in profile order; null when not observed."""
    return {name: (round_half_up(exact[name]) if name in exact else None) for name in competency_names()}


def overall_score(exact: dict[str, float], focus: tuple[str, ...], focus_weight: float = 2.0) -> int | None:
    if not exact:
        return None
    weighted = sum(score * (focus_weight if name in focus else 1) for name, score in exact.items())
    weights = sum(focus_weight if name in focus else 1 for name in exact)
    return round_half_up(weighted / weights)


# --- feedback items -----------------------------------------------------------------------------


def _suggestions(texts: FeedbackTexts, check: CheckBase, conv: Conversation, signal: str | None) -> list[str]:
    """This scenario's own suggestions first (domain/feedback/scenarios.yml), then the check's.
    A scenario suggestion that repeats what the customer said counts only when the customer
    said it in this conversation; with none left, the check's generic suggestion stays."""
    entry = texts.checks[check.id]
    extra = texts.scenario(getattr(conv.info, "id", None))
    name = own_name(conv)
    if extra and check.id in extra.suggesties:
        heard = " ".join(u.text for u in conv.utterances).lower()
        own = without_name(suggestion_texts(extra.suggesties[check.id], heard), name)
        if own:
            return own
    generic = entry.suggestie_per_signaal.get(signal or "") or entry.suggestie
    return without_name(generic, name) or generic


def _said_already(conv: Conversation, sentence: str) -> bool:
    wanted = normalise(sentence)
    return any(normalise(t.text) == wanted for t in conv.turns)


def _model_only(turn, check: CheckBase) -> bool:
    """Every piece of evidence for the moves this check reads came from the trained model."""
    looked_at = set(check.moves_looked_at)
    evidence = [e for e in (turn.evidence if turn else ()) if e.get("label") in looked_at]
    return bool(evidence) and all(str(e.get("rule") or "").startswith(MODEL_RULE_PREFIX) for e in evidence)


def _item(conv: Conversation, texts: FeedbackTexts, check: CheckBase, kind: str, observation,
          competency: str, values: dict[str, str]) -> dict[str, Any]:
    entry = texts.checks[check.id]
    turn = conv.turn(observation.turn)
    values = {
        **values,
        **dict(observation.values),
        "zin": turn.text if turn else dict(observation.values).get("zin"),
        "klantzin": observation.customer_quote or (turn.customer_quote if turn else None),
        "signaal": texts.signal_name(observation.signal) if observation.signal else None,
    }
    number = observation.turn
    forbidden = kind == "verbeterpunt" and values.get("reden") == "verboden"
    success = conv.outcome in SUCCESS_OUTCOMES
    variants = [*entry.goed, *(entry.goed_bij_succes if success else ())] if kind == "goed" else (
        (forbidden and entry.verbeterpunt_verboden)
        or (values.get("reden") == SPOILED and entry.verbeterpunt_bedorven)
        or entry.verbeterpunt_per_uitkomst.get(conv.outcome or "")
        or entry.verbeterpunt
    )
    suggestion = None
    if kind == "verbeterpunt":
        if (entry.herschrijf or (forbidden and "geen_ja_maar" in texts.checks)) and turn is not None:
            # a reply spoiled by 'ja, maar': the same rewrite as the ja-maar point
            rewrite = entry.herschrijf or texts.checks["geen_ja_maar"].herschrijf
            rewritten = REWRITES[rewrite](turn.text) if rewrite else turn.text
            suggestion = rewritten if rewritten != turn.text else None
        if suggestion is None:
            suggestion = fill(choose(_suggestions(texts, check, conv, observation.signal), check.id, "suggestie", number),
                              **values)
            if _said_already(conv, suggestion):
                suggestion = None  # never suggest the student's own sentence back
    text = fill(choose(usable(variants, values), check.id, kind, number), **values)
    if kind == "goed" and _model_only(turn, check):
        text = f"{text} (Deze zet is {MODEL_NOTE}.)"
    found = {
        "turn": number,
        "quote": turn.text if turn else values.get("zin"),
        "text": text,
        "suggestion": suggestion,
        "competency": competency,
        "kind": kind,
        "check": check.id,
        "customer_quote": values["klantzin"],
    }
    if forbidden:
        found["reden"] = "verboden"
    return found


def _feedback_for(conv, texts, check, outcome, points, competency, values) -> list[dict[str, Any]]:
    if outcome.score is None or check.id not in texts.checks:
        return []
    items = []
    good = [o for o in outcome.observations if o.ok >= 1.0]
    bad = [o for o in outcome.observations if o.ok < 1.0]
    # Praise needs evidence: a student sentence that has the move (slot checks: the slot), and
    # the check passed, or (per-moment kinds) this very moment went well.
    quotable = [o for o in good if o.turn is not None and conv.turn(o.turn) is not None]
    passed = passed_of(check, points, outcome)
    if check.soort in SLOT_KINDS and passed:
        quotable = quotable or good
    if quotable and (passed or check.soort in PER_MOMENT_KINDS):
        items.append(_item(conv, texts, check, "goed", quotable[0], competency, values))
    for observation in bad[:MAX_IMPROVEMENTS_PER_CHECK]:
        items.append(_item(conv, texts, check, "verbeterpunt", observation, competency, values))
    return items


def _briefing_items(conv: Conversation, check: CheckBase, competency: str) -> list[dict[str, Any]]:
    """The engine's verdict per briefing question (slot `briefing.punten`, texts from the
    scenario) as feedback items that quote the student's own answer."""
    briefing = conv.slots.get("briefing")
    if not isinstance(briefing, dict):
        return []
    answers = briefing.get("antwoorden") if isinstance(briefing.get("antwoorden"), dict) else {}
    items = []
    for point in briefing.get("punten") or ():
        if not isinstance(point, dict) or not point.get("tekst"):
            continue
        items.append({
            "turn": None,
            "quote": answers.get(point.get("veld")) or None,
            "text": f"Voorbereiding ({point.get('veld') or 'briefing'}): {point['tekst']}",
            "suggestion": None,
            "competency": competency,
            "kind": "goed" if point.get("ok") else "verbeterpunt",
            "check": check.id,
            "customer_quote": None,
        })
    return items


def _focus_per_turn(entries: list[tuple]) -> list[tuple]:
    """At most MAX_IMPROVEMENTS_PER_TURN improvement points per student turn, heaviest
    check first (then rubric order), so one bad sentence does not drown the report."""
    kept: list[tuple] = []
    per_turn: dict[int, int] = {}
    ranked = sorted(entries, key=lambda e: (e[0], e[2]["kind"] != "verbeterpunt", -e[3], e[1]))
    for entry in ranked:
        turn, _, item, _ = entry
        if item["kind"] == "verbeterpunt" and item["turn"] is not None:
            if per_turn.get(turn, 0) >= MAX_IMPROVEMENTS_PER_TURN:
                continue
            per_turn[turn] = per_turn.get(turn, 0) + 1
        kept.append(entry)
    return kept


# --- missed signals -----------------------------------------------------------------------------

_LSD = ("begrip_tonen", "doorvragen", "samenvatten")
_CLOSING = ("afsluitvraag", "toezegging")


def _missed(conv: Conversation, texts: FeedbackTexts, info: ScenarioInfo) -> list[dict[str, Any]]:
    missed: list[dict[str, Any]] = []
    seen: set[tuple[int, str]] = set()
    for utterance in conv.utterances:
        reply = conv.reply_to(utterance)
        if reply is None:
            continue
        reaction = reply.reaction or {}
        for signal in utterance.signals:
            # The recogniser's verdict counts only when it judged this very signal.
            verdict = reaction.get("verdict") if reaction.get("signal") == signal else None
            if signal_matches(signal, ("koopsignaal.*",)):
                # The recogniser's verdict decides; without one, the moves do.
                # the same judgement as the rubric (closing moves), unless the recogniser saw it go wrong
                lost = verdict == "fout" or not reply.has_any(_CLOSING)
                kind = "koopsignaal_gemist"
            elif signal_matches(signal, ("weerstand.*",)):
                lost = verdict == "fout" or (verdict != "goed" and not reply.has_any(_LSD))
                kind = "bezwaar_niet_behandeld"
            elif signal == "klacht":
                lost = verdict == "fout" or (verdict != "goed" and not reply.has_any(("excuses", "begrip_tonen")))
                kind = "klacht_niet_behandeld"
            else:
                continue
            if lost and (reply.number, signal) not in seen:
                seen.add((reply.number, signal))
                missed.append({
                    "turn": reply.number, "signal": signal, "quote": utterance.text,
                    "reply": reply.text, "kind": kind, "name": texts.signal_name(signal),
                })
    # Signals the engine recorded as missed that the replies above did not show.
    for entry in conv.slots.get("gemiste_signalen") or ():
        if not isinstance(entry, dict) or not entry.get("signal"):
            continue
        number = entry.get("turn")
        number = int(number) if isinstance(number, (int, float)) else None
        key = (number, entry["signal"])
        if key in seen:
            continue
        seen.add(key)
        turn = conv.turn(number)
        missed.append({
            "turn": number, "signal": entry["signal"],
            "quote": turn.customer_quote if turn else None, "reply": turn.text if turn else None,
            "kind": "gemist_volgens_klant", "name": texts.signal_name(entry["signal"]),
        })
    # Objections the persona still holds at the end (slot open_bezwaren): named once, at the
    # last time the customer raised that kind of objection.
    signal_of = dict(info.objections)
    listed = {m["signal"] for m in missed}
    still_open = () if conv.outcome in SUCCESS_OUTCOMES else conv.slots.get("open_bezwaren") or ()
    for objection_id in still_open:  # after the deal or the solution an objection is not open
        signal = signal_of.get(str(objection_id))
        if not signal or signal in listed:
            continue
        listed.add(signal)
        raised = [u for u in conv.utterances if signal in u.signals]
        last = raised[-1] if raised else None
        reply = conv.reply_to(last) if last else None
        missed.append({
            "turn": reply.number if reply else None, "signal": signal,
            "quote": last.text if last else None, "reply": reply.text if reply else None,
            "kind": "bezwaar_open", "name": texts.signal_name(signal), "objection": str(objection_id),
        })
    missed.sort(key=lambda m: (m["turn"] if m["turn"] is not None else 10**6, m["signal"]))
    return missed


def _evidence_entry(evidence: dict, texts: FeedbackTexts) -> dict[str, Any]:
    """The recogniser's evidence as shown to people: label, its Dutch name, rule, text, and
    in Dutch how it was found (a rule, or the trained model without a rule)."""
    rule = str(evidence.get("rule") or "")
    how = MODEL_NOTE if rule.startswith(MODEL_RULE_PREFIX) else f"herkend door regel {rule}" if rule else None
    return {"label": evidence.get("label"), "name": texts.label_name(evidence.get("label")),
            "rule": evidence.get("rule"), "text": evidence.get("text"), "how": how}


# --- the report ---------------------------------------------------------------------------------


def build_report(events: list[dict], scenario: Any = None) -> dict[str, Any]:
    """The report (contracts §6) on these events; `scenario` is the loaded Scenario, its id,
    or None (the scenario the events name)."""
    conv = read_events(events)
    return report_of(conv, info_of(scenario, conv.scenario_id))


def report_of(conv: Conversation, info: ScenarioInfo) -> dict[str, Any]:
    """The report on a conversation as read (bot.feedback.conversation) for this scenario."""
    conv = dataclasses.replace(conv, info=info)
    rubric = resolve(info)
    texts = load_feedback_texts()
    focus = _focus(info, rubric.werkprocessen)
    values = scenario_values(conv, info, texts)

    rows: list[tuple[CheckBase, int | None]] = []
    checks_out: list[dict[str, Any]] = []
    feedback: list[tuple[int, int, dict[str, Any]]] = []
    for order, check in enumerate(rubric.checks):
        outcome = run_check(check, conv)
        points = points_of(check, outcome)
        rows.append((check, points))
        # the deciding turn: a failed moment for a failed check, a good one for a passed check
        passed = passed_of(check, points, outcome)
        evidence = next((o.turn for o in outcome.observations
                         if (o.ok >= 1.0 if passed else o.ok < 1.0) and o.turn is not None), None)
        if evidence is None:
            evidence = next((o.turn for o in outcome.observations if o.turn is not None), None)
        turn = conv.turn(evidence)
        looked_at = check.moves_looked_at if turn is not None and turn.evidence else ()
        checks_out.append({
            "id": check.id,
            "text": fill(check.tekst, tegenpartij=values.get("tegenpartij")),
            "passed": passed_of(check, points, outcome),
            "points": points,
            "max": check.max_points,
            "weight": check.gewicht,
            "evidence_turn": evidence,
            "quote": turn.text if turn else None,
            "competencies": list(check.competenties),
            "werkprocessen": list(check.werkprocessen or rubric.werkprocessen),
            "resultaat": check.resultaat,
            "kind": check.soort,
            # why the recogniser saw (or did not see) the moves this check reads, in that turn
            "recogniser_evidence": [_evidence_entry(e, texts) for e in (turn.evidence if turn else ())
                                    if e.get("label") in looked_at],
        })
        competency = _main_competency(check, focus)
        items = _feedback_for(conv, texts, check, outcome, points, competency, values)
        if outcome.applicable and check.__dict__.get("als_fractie") and check.als_fractie.startswith("briefing"):
            # the per-question verdicts say more than one general sentence; keep that sentence first
            items = items[:1] + _briefing_items(conv, check, competency)
        for item in items:
            feedback.append((item["turn"] if item["turn"] is not None else 10**6, order, item, check.gewicht))

    feedback = resolve_conflicts(feedback, {c.id: c for c in rubric.checks}, conv)
    feedback = _focus_per_turn(feedback)
    feedback.sort(key=lambda entry: (entry[0], entry[1], entry[2]["kind"] != "goed"))
    exact = _exact_competency_scores(rows)
    return {
        "scenario": info.id,
        "mode": conv.mode,
        "werkprocessen": list(rubric.werkprocessen),
        "rubrics": list(rubric.ids),
        "turns": len(conv.turns),
        "score": overall_score(exact, focus, rubric.focus_weight),
        "formula": formula(rubric.focus_weight),
        "focus_competencies": list(focus),
        "competencies": score_competencies(exact),
        "checks": checks_out,
        "feedback": [item for _, _, item, _ in feedback],
        "missed_signals": _missed(conv, texts, info),
        "outcome": conv.slots.get(OUTCOME_SLOT),
    }
