"""Transcript review: the teacher's list of conversations, the annotated transcript, and the
teacher's judgements beside the machine's (append-only; the newest per target is shown).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import and_, asc, desc, func, select
from sqlalchemy.engine import Connection

from bot.store.models import Conversation, ConversationEvents, Message, Student, as_utc, json_value, utcnow
from bot.store.teacher_models import Judgement
from bot.teaching.groups import visible_student_ids

CONVERSATIONS = Conversation.__table__
MESSAGES = Message.__table__
EVENTS = ConversationEvents.__table__
STUDENTS = Student.__table__
JUDGEMENTS = Judgement.__table__

PAGE_SIZE = 25
VERDICTS = ("eens", "deels", "oneens")
VERDICT_NAMES = {"eens": "eens", "deels": "deels eens", "oneens": "oneens"}
PERSONA_SERIES = ("interesse", "irritatie", "vertrouwen")
SORTS = {
    "datum": CONVERSATIONS.c.created_at,
    "score": CONVERSATIONS.c.score,
    "student": STUDENTS.c.display_name,
    "scenario": CONVERSATIONS.c.scenario,
}


class ReviewError(ValueError):
    """A Dutch message for the teacher."""


@dataclass
class ListFilter:
    group: str | None = None
    student: str | None = None
    scenario: str | None = None
    werkproces: str | None = None
    mode: str | None = None
    since: date | None = None
    until: date | None = None
    min_score: int | None = None
    max_score: int | None = None
    sort: str = "datum"
    descending: bool = True
    page: int = 1


def _scenarios_with_werkproces(code: str) -> list[str]:
    from bot.scenarios import load_scenarios

    return [sid for sid, sc in load_scenarios().items() if code in sc.werkprocessen]


def _day_start(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=timezone.utc)


def list_conversations(conn, teacher_id: str, flt: ListFilter) -> dict[str, Any]:  # noqa: ANN001
    """One page of the conversations of the teacher's students, filtered and sorted in SQL."""
    visible = visible_student_ids(teacher_id, flt.group)
    where = [CONVERSATIONS.c.student_id.in_(visible)]
    if flt.student:
        where.append(CONVERSATIONS.c.student_id == flt.student)
    if flt.scenario:
        where.append(CONVERSATIONS.c.scenario == flt.scenario)
    if flt.werkproces:
        where.append(CONVERSATIONS.c.scenario.in_(_scenarios_with_werkproces(flt.werkproces)))
    if flt.mode:
        where.append(CONVERSATIONS.c.mode == flt.mode)
    if flt.since:
        where.append(CONVERSATIONS.c.created_at >= _day_start(flt.since))
    if flt.until:
        where.append(CONVERSATIONS.c.created_at < _day_start(flt.until + timedelta(days=1)))
    if flt.min_score is not None:
        where.append(CONVERSATIONS.c.score >= flt.min_score)
    if flt.max_score is not None:
        where.append(CONVERSATIONS.c.score <= flt.max_score)
    base = CONVERSATIONS.join(STUDENTS, STUDENTS.c.id == CONVERSATIONS.c.student_id)
    total = conn.execute(select(func.count()).select_from(base).where(and_(*where))).scalar_one()
    column = SORTS.get(flt.sort, SORTS["datum"])
    order = desc(column) if flt.descending else asc(column)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, flt.page), pages)
    adjusted = adjusted_scores()
    rows = conn.execute(
        select(CONVERSATIONS.c.id, CONVERSATIONS.c.scenario, CONVERSATIONS.c.mode, CONVERSATIONS.c.difficulty,
               CONVERSATIONS.c.status, CONVERSATIONS.c.score, CONVERSATIONS.c.student_turns,
               CONVERSATIONS.c.created_at, CONVERSATIONS.c.finished_at, STUDENTS.c.id.label("student_id"),
               STUDENTS.c.display_name.label("student_name"), adjusted.c.correction.label("adjusted"))
        .select_from(base.outerjoin(adjusted, adjusted.c.conversation_id == CONVERSATIONS.c.id))
        .where(and_(*where))
        .order_by(order.nulls_last(), desc(CONVERSATIONS.c.created_at), CONVERSATIONS.c.id)
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    )
    items = []
    for r in rows:
        item = dict(r._mapping)
        item["adjusted_score"] = json_value(item.pop("adjusted") or {}).get("score") if item.get("adjusted") else None
        items.append(item)
    return {"items": items, "total": total, "page": page, "pages": pages, "page_size": PAGE_SIZE}


def adjusted_scores():  # noqa: ANN202
    """Per conversation the newest `conversation:score` judgement (the adjusted score)."""
    newest = (select(JUDGEMENTS.c.conversation_id, func.max(JUDGEMENTS.c.id).label("id"))
              .where(JUDGEMENTS.c.target == "conversation:score").group_by(JUDGEMENTS.c.conversation_id).subquery())
    return (select(JUDGEMENTS.c.conversation_id, JUDGEMENTS.c.correction)
            .join(newest, newest.c.id == JUDGEMENTS.c.id).subquery())


def _iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    return as_utc(dt).astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


# --- one conversation ---------------------------------------------------------------------

def conversation_for_teacher(conn, teacher_id: str, conversation_id: str) -> dict[str, Any] | None:  # noqa: ANN001
    """The conversation row if one of this teacher's students had it, else None."""
    row = conn.execute(
        select(CONVERSATIONS.c.id, CONVERSATIONS.c.student_id, CONVERSATIONS.c.scenario, CONVERSATIONS.c.difficulty,
               CONVERSATIONS.c.mode, CONVERSATIONS.c.status, CONVERSATIONS.c.report, CONVERSATIONS.c.score,
               CONVERSATIONS.c.created_at, CONVERSATIONS.c.finished_at, CONVERSATIONS.c.student_turns,
               STUDENTS.c.display_name.label("student_name"))
        .join(STUDENTS, STUDENTS.c.id == CONVERSATIONS.c.student_id)
        .where(CONVERSATIONS.c.id == conversation_id,
               CONVERSATIONS.c.student_id.in_(visible_student_ids(teacher_id)))
    ).first()
    if row is None:
        return None
    out = dict(row._mapping)
    out["report"] = json_value(out["report"])
    return out


def messages_of(conn, conversation_id: str) -> list[dict[str, Any]]:  # noqa: ANN001
    rows = conn.execute(select(MESSAGES.c.seq, MESSAGES.c.turn, MESSAGES.c.speaker, MESSAGES.c.text,
                               MESSAGES.c.analysis, MESSAGES.c.hint)
                        .where(MESSAGES.c.conversation_id == conversation_id).order_by(MESSAGES.c.seq))
    return [{**r._mapping, "analysis": json_value(r.analysis)} for r in rows]


def persona_series(conn, conversation_id: str) -> dict[str, list[float | None]]:  # noqa: ANN001
    """The persona's state (interest, irritation, trust) after the opening and after each student turn."""
    series: dict[str, list[float | None]] = {name: [] for name in PERSONA_SERIES}
    current: dict[str, float | None] = {name: None for name in PERSONA_SERIES}
    seen_user = False
    for chunk in conn.execute(select(EVENTS.c.events).where(EVENTS.c.conversation_id == conversation_id)
                              .order_by(EVENTS.c.start)).scalars():
        for event in json_value(chunk):
            kind = event.get("event")
            if kind == "user":
                for name in PERSONA_SERIES:
                    series[name].append(current[name])
                seen_user = True
            elif kind == "slot" and event.get("name") in current and isinstance(event.get("value"), (int, float)):
                current[event["name"]] = float(event["value"])
    for name in PERSONA_SERIES:
        series[name].append(current[name])
    if not seen_user and all(v is None for v in current.values()):
        return {}
    return {name: values for name, values in series.items() if any(v is not None for v in values)}


def judgements_of(conn, conversation_id: str) -> list[dict[str, Any]]:  # noqa: ANN001
    rows = conn.execute(select(JUDGEMENTS).where(JUDGEMENTS.c.conversation_id == conversation_id)
                        .order_by(JUDGEMENTS.c.id))
    return [{**r._mapping, "machine": json_value(r.machine), "correction": json_value(r.correction)} for r in rows]


def latest_by_target(judgements: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The newest judgement per target (comments are kept as a list per target)."""
    latest: dict[str, dict[str, Any]] = {}
    for j in judgements:
        if j["target"].endswith(":comment"):
            continue
        latest[j["target"]] = j
    return latest


def comments_by_target(judgements: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for j in judgements:
        if j.get("comment"):
            out.setdefault(j["target"], []).append(j)
    return out


def _valid_target(target: str, messages: list[dict[str, Any]], report: dict[str, Any] | None) -> bool:
    parts = target.split(":")
    if target in ("conversation:comment", "conversation:score"):
        return True
    if len(parts) == 3 and parts[0] == "turn" and parts[1].isdigit() and parts[2] in ("labels", "verdict", "comment"):
        return any(m["turn"] == int(parts[1]) and m["speaker"] == "student" for m in messages)
    if len(parts) == 2 and parts[0] == "check":
        return any(c.get("id") == parts[1] for c in (report or {}).get("checks") or [])
    return False


def machine_judgement(target: str, messages: list[dict[str, Any]], report: dict[str, Any] | None) -> dict | None:
    """A copy of what the machine said about the target, stored beside the teacher's judgement."""
    parts = target.split(":")
    if parts[0] == "turn" and parts[2] in ("labels", "verdict"):
        student = next((m for m in messages if m["turn"] == int(parts[1]) and m["speaker"] == "student"), None)
        analysis = (student or {}).get("analysis") or {}
        if parts[2] == "labels":
            return {"labels": list(analysis.get("labels") or []), "text": (student or {}).get("text")}
        reaction = analysis.get("reaction") or {}
        return {"verdict": reaction.get("verdict"), "signal": reaction.get("signal"), "reason": reaction.get("reason")}
    if parts[0] == "check":
        check = next((c for c in (report or {}).get("checks") or [] if c.get("id") == parts[1]), {})
        return {"passed": check.get("passed"), "points": check.get("points"), "max": check.get("max")}
    if target == "conversation:score":
        return {"score": (report or {}).get("score")}
    return None


def add_judgement(conn: Connection, teacher: Any, conversation_id: str, target: str, *, verdict: str | None = None,
                  correction: dict[str, Any] | None = None, comment: str | None = None) -> dict[str, Any]:
    """Store one teacher judgement (never overwriting): verdict, correction and/or comment."""
    conv = conversation_for_teacher(conn, teacher.id, conversation_id)
    if conv is None:
        raise LookupError(conversation_id)
    messages = messages_of(conn, conversation_id)
    if not _valid_target(target, messages, conv["report"]):
        raise ReviewError("Dit onderdeel van het gesprek bestaat niet.")
    comment = (comment or "").strip() or None
    if comment and len(comment) > 2000:
        raise ReviewError("Een opmerking mag hoogstens 2000 tekens lang zijn.")
    if verdict is not None and verdict not in VERDICTS:
        raise ReviewError("Kies eens, deels eens of oneens.")
    correction = _clean_correction(target, correction)
    if target == "conversation:score":
        if correction is None:
            raise ReviewError("Vul een aangepaste score van 0 tot en met 100 in.")
        if not comment:
            raise ReviewError("Geef een reden voor de aangepaste score.")
    if verdict is None and correction is None and comment is None:
        raise ReviewError("Er is niets ingevuld.")
    row = {
        "conversation_id": conversation_id, "target": target,
        "machine": machine_judgement(target, messages, conv["report"]),
        "verdict": verdict, "correction": correction, "comment": comment,
        "teacher_id": teacher.id, "teacher_name": teacher.display_name, "created_at": utcnow(),
    }
    conn.execute(JUDGEMENTS.insert().values(**row))
    if target == "conversation:score":
        from bot.lti.grades import enqueue_for_conversation

        enqueue_for_conversation(conn, conversation_id, correction["score"], adjusted=True)
    return row


def _clean_correction(target: str, correction: dict[str, Any] | None) -> dict[str, Any] | None:
    if not correction:
        return None
    kind = target.rsplit(":", 1)[-1]
    if target == "conversation:score":
        try:
            score = int(correction.get("score"))
        except (TypeError, ValueError):
            raise ReviewError("De aangepaste score moet een heel getal van 0 tot en met 100 zijn.") from None
        if not 0 <= score <= 100:
            raise ReviewError("De aangepaste score moet een heel getal van 0 tot en met 100 zijn.")
        return {"score": score}
    if kind == "labels":
        from bot.labels import label_contract

        labels = [label for label in correction.get("labels") or [] if label]
        unknown = [label for label in labels if label not in label_contract().moves]
        if unknown:
            raise ReviewError(f"Onbekende gesprekstechniek: {', '.join(unknown)}.")
        return {"labels": sorted(set(labels))}
    if kind == "verdict":
        value = correction.get("verdict")
        if value not in ("goed", "matig", "fout"):
            raise ReviewError("Kies goed, matig of fout.")
        return {"verdict": value}
    if target.startswith("check:"):
        value = correction.get("passed")
        if value not in (True, False):
            raise ReviewError("Kies gehaald of niet gehaald.")
        return {"passed": value}
    return None


def teacher_feedback_for_student(conn, conversation_id: str) -> dict[str, Any] | None:  # noqa: ANN001
    """What the student sees of the teachers' review: comments and the adjusted score."""
    judgements = judgements_of(conn, conversation_id)
    if not judgements:
        return None
    comments = [
        {"turn": int(j["target"].split(":")[1]) if j["target"].startswith("turn:") else None,
         "text": j["comment"], "teacher": j["teacher_name"], "at": _iso(j["created_at"])}
        for j in judgements if j.get("comment") and j["target"] != "conversation:score"
    ]
    score = latest_by_target(judgements).get("conversation:score")
    adjusted = None
    if score is not None:
        adjusted = {"score": score["correction"]["score"], "reason": score["comment"],
                    "teacher": score["teacher_name"], "at": _iso(score["created_at"]),
                    "machine_score": (score.get("machine") or {}).get("score")}
    if not comments and adjusted is None:
        return None
    return {"comments": comments, "adjusted_score": adjusted}
