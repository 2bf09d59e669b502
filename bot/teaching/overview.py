"""Class overview: a group × competency table of the latest and the best scores, each student's
progress per competency over attempts, and the signals the group misses most often.

Reads only the small `summary` written beside each report (bot.store.repository.report_summary).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import select

from bot.store.models import Conversation, Student, json_value
from bot.teaching.groups import MEMBERS
from bot.vocabulary import FINISHED

CONVERSATIONS = Conversation.__table__
STUDENTS = Student.__table__


def competency_order() -> list[str]:
    from bot.bcp import competency_names

    return list(competency_names())


def _finished(conn, group_id: str, student_id: str | None = None):  # noqa: ANN001, ANN202
    stmt = (select(CONVERSATIONS.c.id, CONVERSATIONS.c.student_id, CONVERSATIONS.c.scenario, CONVERSATIONS.c.score,
                   CONVERSATIONS.c.summary, CONVERSATIONS.c.finished_at)
            .join(MEMBERS, MEMBERS.c.student_id == CONVERSATIONS.c.student_id)
            .where(MEMBERS.c.group_id == group_id, CONVERSATIONS.c.status == FINISHED)
            .order_by(CONVERSATIONS.c.finished_at, CONVERSATIONS.c.id))
    if student_id is not None:
        stmt = stmt.where(CONVERSATIONS.c.student_id == student_id)
    return conn.execute(stmt)


def group_overview(conn, group_id: str) -> dict[str, Any]:  # noqa: ANN001
    """Per student the latest and best score per competency (and overall), plus missed signals."""
    students = [dict(r._mapping) for r in conn.execute(
        select(STUDENTS.c.id, STUDENTS.c.display_name).join(MEMBERS, MEMBERS.c.student_id == STUDENTS.c.id)
        .where(MEMBERS.c.group_id == group_id).order_by(STUDENTS.c.display_name, STUDENTS.c.id))]
    competencies = competency_order()
    latest: dict[str, dict[str, int]] = defaultdict(dict)
    best: dict[str, dict[str, int]] = defaultdict(dict)
    attempts: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    missed_examples: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in _finished(conn, group_id):
        summary = json_value(row.summary) or {}
        attempts[row.student_id] += 1
        scores = dict(summary.get("competencies") or {})
        scores["Totaal"] = row.score
        for name, value in scores.items():
            if isinstance(value, (int, float)):
                latest[row.student_id][name] = int(value)
                best[row.student_id][name] = max(int(value), best[row.student_id].get(name, -1))
        for signal, turn in summary.get("missed") or []:
            missed[signal] += 1
            if len(missed_examples[signal]) < 5:
                missed_examples[signal].append({"conversation_id": row.id, "turn": turn})
    rows = [{"student": s, "attempts": attempts[s["id"]], "latest": latest.get(s["id"], {}),
             "best": best.get(s["id"], {})} for s in students]
    used = [c for c in competencies if any(c in r["latest"] for r in rows)]
    return {
        "competencies": used,
        "rows": rows,
        "missed": [{"signal": signal, "count": n, "examples": missed_examples[signal]}
                   for signal, n in missed.most_common()],
    }


def student_progress(conn, group_id: str, student_id: str) -> dict[str, Any]:  # noqa: ANN001
    """The student's attempts in order, with the score per competency of each."""
    attempts = []
    for row in _finished(conn, group_id, student_id):
        summary = json_value(row.summary) or {}
        attempts.append({"id": row.id, "scenario": row.scenario, "score": row.score, "finished_at": row.finished_at,
                         "competencies": dict(summary.get("competencies") or {})})
    names = [c for c in competency_order() if any(isinstance(a["competencies"].get(c), int) for a in attempts)]
    return {"attempts": attempts, "competencies": names}
