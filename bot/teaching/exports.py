"""Exports: a group's results as CSV (Excel with Dutch settings), a transcript with its report as
PDF (reportlab, made on the server), all of a student's data as JSON, and teacher corrections
as labelled cases in the format of the recogniser's development set (no student names).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from typing import Any

import yaml
from sqlalchemy import select

from bot.store.models import Conversation, Message, Student, as_utc, json_value
from bot.store.teacher_models import AuditEntry, GroupMember, Judgement
from bot.teaching.groups import MEMBERS
from bot.teaching.review import adjusted_scores, messages_of

CONVERSATIONS = Conversation.__table__
STUDENTS = Student.__table__
MESSAGES = Message.__table__
JUDGEMENTS = Judgement.__table__

CSV_COLUMNS = ("student", "scenario", "werkprocessen", "modus", "niveau", "status", "beurten", "score",
               "aangepaste_score", "uitkomst", "gestart", "afgerond")


def _local(dt: datetime | None) -> str:
    if dt is None:
        return ""
    return as_utc(dt).astimezone(timezone.utc).strftime("%d-%m-%Y %H:%M")


def _cell(value: str) -> str:
    """Neutralise spreadsheet formulas in text cells (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def group_results_csv(conn, group_id: str) -> bytes:  # noqa: ANN001
    """One row per conversation of the group's students; `;`-separated, UTF-8 with BOM, so
    Excel with Dutch settings opens it in columns with é and ë intact."""
    from bot.scenarios import load_scenarios

    scenarios = load_scenarios()
    adjusted = adjusted_scores()
    rows = conn.execute(
        select(STUDENTS.c.display_name, CONVERSATIONS.c.scenario, CONVERSATIONS.c.mode, CONVERSATIONS.c.difficulty,
               CONVERSATIONS.c.status, CONVERSATIONS.c.student_turns, CONVERSATIONS.c.score, CONVERSATIONS.c.summary,
               CONVERSATIONS.c.created_at, CONVERSATIONS.c.finished_at, adjusted.c.correction)
        .join(STUDENTS, STUDENTS.c.id == CONVERSATIONS.c.student_id)
        .join(MEMBERS, MEMBERS.c.student_id == CONVERSATIONS.c.student_id)
        .outerjoin(adjusted, adjusted.c.conversation_id == CONVERSATIONS.c.id)
        .where(MEMBERS.c.group_id == group_id)
        .order_by(STUDENTS.c.display_name, CONVERSATIONS.c.created_at)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        sc = scenarios.get(r.scenario)
        summary = json_value(r.summary) or {}
        correction = json_value(r.correction) or {}
        writer.writerow([
            _cell(r.display_name), _cell(sc.title if sc else r.scenario),
            ", ".join(sc.werkprocessen) if sc else "", r.mode, r.difficulty or "", r.status, r.student_turns,
            "" if r.score is None else r.score, correction.get("score", ""), summary.get("outcome") or "",
            _local(r.created_at), _local(r.finished_at),
        ])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def transcript_pdf(view: dict[str, Any]) -> bytes:
    """A PDF of an annotated transcript view (bot.web.routes.teacher builds the view)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from xml.sax.saxutils import escape

    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=f"Oefengesprek – {view['title']}", author="Oefengesprek",
                            lang="nl-NL")
    conv = view["conversation"]
    story: list[Any] = [
        Paragraph(escape(f"Oefengesprek: {view['title']}"), styles["Title"]),
        Paragraph(escape(f"Student: {conv['student_name']} · modus: {conv['mode']} · niveau: "
                         f"{conv['difficulty'] or '-'} · gestart: {_local(conv['created_at'])}"), styles["Normal"]),
        Paragraph(escape(f"Score: {view['score_text']}"), styles["Normal"]),
        Spacer(1, 6 * mm),
        Paragraph("Gesprek", styles["Heading2"]),
    ]
    for line in view["lines"]:
        who = "Student" if line["speaker"] == "student" else line["speaker"].capitalize()
        where = "voorbereiding" if line["speaker"] == "student" and not line["turn"] else f"beurt {line['turn']}"
        story.append(Paragraph(f"<b>{escape(who)}</b> ({where}): {escape(line['text'])}", styles["Normal"]))
        notes = []
        if line.get("labels_text"):
            notes.append(line["labels_text"])
        if line.get("verdict_text"):
            notes.append(line["verdict_text"])
        for c in line.get("comments") or []:
            notes.append(f"Opmerking van {c['teacher_name']}: {c['comment']}")
        for note in notes:
            story.append(Paragraph(f"<i>{escape(note)}</i>", styles["Normal"]))
        story.append(Spacer(1, 2 * mm))
    if view["checks"]:
        story += [Spacer(1, 4 * mm), Paragraph("Beoordeling per check", styles["Heading2"])]
        data = [["Check", "Resultaat", "Punten"]]
        for check in view["checks"]:
            data.append([Paragraph(escape(check["text"]), styles["Normal"]), check["result_text"],
                         check["points_text"]])
        table = Table(data, colWidths=[110 * mm, 35 * mm, 25 * mm], repeatRows=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(table)
    if view["competencies"]:
        story += [Spacer(1, 4 * mm), Paragraph("Competenties", styles["Heading2"])]
        data = [["Competentie", "Score"]] + [[name, "-" if score is None else str(score)]
                                            for name, score in view["competencies"]]
        table = Table(data, colWidths=[130 * mm, 40 * mm], repeatRows=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey)]))
        story.append(table)
    for c in view["conversation_comments"]:
        story.append(Paragraph(escape(f"Opmerking van {c['teacher_name']}: {c['comment']}"), styles["Normal"]))
    doc.build(story)
    return buffer.getvalue()


def student_data(conn, student_id: str) -> dict[str, Any]:  # noqa: ANN001
    """Everything stored about one student (AVG inzageverzoek), as JSON-ready data."""
    student = conn.execute(select(STUDENTS).where(STUDENTS.c.id == student_id)).first()
    if student is None:
        raise LookupError(student_id)
    groups = [dict(r._mapping) for r in conn.execute(
        select(GroupMember.__table__).where(GroupMember.__table__.c.student_id == student_id))]
    conversations = []
    for conv in conn.execute(select(CONVERSATIONS).where(CONVERSATIONS.c.student_id == student_id)
                             .order_by(CONVERSATIONS.c.created_at)):
        data = dict(conv._mapping)
        data.pop("state", None)
        data["report"] = json_value(data.get("report"))
        data["summary"] = json_value(data.get("summary"))
        data["messages"] = messages_of(conn, conv.id)
        data["judgements"] = [dict(j._mapping) for j in conn.execute(
            select(JUDGEMENTS).where(JUDGEMENTS.c.conversation_id == conv.id).order_by(JUDGEMENTS.c.id))]
        conversations.append(data)
    audit = [dict(r._mapping) for r in conn.execute(
        select(AuditEntry.__table__).where(AuditEntry.__table__.c.subject == student_id)
        .order_by(AuditEntry.__table__.c.id))]
    return _jsonable({"student": dict(student._mapping), "groups": groups, "conversations": conversations,
                      "audit_log": audit, "exported_at": datetime.now(timezone.utc)})


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    return json_value(value) if isinstance(value, bytes) else value


def corrections(conn, since: datetime | None = None) -> list[dict[str, Any]]:  # noqa: ANN001
    """Teacher corrections of labels and verdicts as labelled cases (dev-set format, no names).

    The newest correction per target counts; the case holds the student's sentence, the
    customer line before it (and its signals) and the corrected labels/verdict."""
    stmt = (select(JUDGEMENTS.c.id, JUDGEMENTS.c.conversation_id, JUDGEMENTS.c.target, JUDGEMENTS.c.correction,
                   JUDGEMENTS.c.created_at)
            .where(JUDGEMENTS.c.correction.isnot(None), JUDGEMENTS.c.target.like("turn:%"))
            .order_by(JUDGEMENTS.c.id))
    if since is not None:
        stmt = stmt.where(JUDGEMENTS.c.created_at >= since)
    latest: dict[tuple[str, int], dict[str, Any]] = {}
    for j in conn.execute(stmt):
        _, turn, kind = j.target.split(":")
        entry = latest.setdefault((j.conversation_id, int(turn)), {})
        entry[kind] = json_value(j.correction)
    cases = []
    for (conversation_id, turn), corrected in sorted(latest.items()):
        messages = messages_of(conn, conversation_id)
        student = next((m for m in messages if m["turn"] == turn and m["speaker"] == "student"), None)
        if student is None:
            continue
        before = [m for m in messages if m["seq"] < student["seq"] and m["speaker"] in ("klant", "leverancier")]
        analysis = student.get("analysis") or {}
        case: dict[str, Any] = {
            "id": f"docent-{conversation_id[:8]}-{turn}",
            "speaker": "student",
        }
        if before:
            case["previous"] = before[-1]["text"]
            case["previous_labels"] = list((before[-1].get("analysis") or {}).get("labels") or [])
        case["text"] = student["text"]
        labels = (corrected.get("labels") or {}).get("labels")
        case["labels"] = list(labels if labels is not None else analysis.get("labels") or [])
        verdict = (corrected.get("verdict") or {}).get("verdict")
        if verdict is None and before:
            verdict = (analysis.get("reaction") or {}).get("verdict")
        if verdict is not None:
            case["reaction"] = verdict
        cases.append(case)
    return cases


def corrections_yaml(cases: list[dict[str, Any]]) -> str:
    header = ("# Correcties van docenten, als gelabelde gevallen in het formaat van tests/data/nlu_dev.yml.\n"
              "# Zonder namen van studenten. Controleer elk geval tegen het labelcontract voordat het\n"
              "# in de regressie- of ontwikkelset komt.\n")
    return header + yaml.safe_dump({"version": 1, "utterances": cases}, allow_unicode=True, sort_keys=False,
                                   width=120)
