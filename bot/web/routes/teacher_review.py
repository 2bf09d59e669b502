"""The teacher's review pages: conversation list, annotated transcript with judgements and
comments, class overview, student progress, and the exports (CSV, PDF, student JSON, deletion).
Every page checks that the conversation or student belongs to one of the teacher's groups,
and every view or export of a student's data is written to the audit log."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from bot.teaching import exports, groups, overview, privacy, review
from bot.teaching.review import ListFilter, ReviewError
from bot.teaching.transcript import build_view
from bot.vocabulary import MODES
from bot.web.errors import ApiError
from bot.web.routes.teacher import _db, _require_group, form_of, go, render
from bot.web.schemas.accounts import StudentExport
from bot.web.teacher_auth import TeacherDep

router = APIRouter(prefix="/docent", include_in_schema=False)

NOT_FOUND = "Dit gesprek bestaat niet (of hoort niet bij een student uit jouw klassen)."


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _actor(teacher) -> str:  # noqa: ANN001
    return f"docent:{teacher.id}"


@router.get("/gesprekken")
async def conversation_list(request: Request, teacher: TeacherDep) -> Response:
    from bot.scenarios import load_scenarios

    q = request.query_params
    flt = ListFilter(
        group=q.get("klas") or None, student=q.get("student") or None, scenario=q.get("scenario") or None,
        werkproces=q.get("werkproces") or None, mode=q.get("modus") if q.get("modus") in MODES else None,
        since=_date(q.get("van")), until=_date(q.get("tot")), min_score=_int(q.get("min")), max_score=_int(q.get("max")),
        sort=q.get("sorteer") if q.get("sorteer") in review.SORTS else "datum", descending=q.get("richting") != "op",
        page=_int(q.get("pagina")) or 1,
    )

    def load():  # noqa: ANN202
        with _db(request).read() as session:
            klassen = groups.teacher_groups(session, teacher.id)
            if flt.group and not any(k["id"] == flt.group for k in klassen):
                raise ApiError(404, "group_not_found", "Deze klas bestaat niet (of is niet van jou).")
            students = groups.group_students(session, flt.group) if flt.group else []
            return klassen, students, review.list_conversations(session, teacher.id, flt)

    klassen, students, page = await run_in_threadpool(load)
    scenarios = load_scenarios()
    werkprocessen = sorted({w for sc in scenarios.values() for w in sc.werkprocessen})
    base = {k: v for k, v in q.items() if k != "pagina" and v}
    return render(request, "docent/gesprekken.html", klassen=klassen, studenten=students, pagina=page, filter=flt,
                  query=base, scenarios=scenarios, werkprocessen=werkprocessen)


@router.get("/gesprekken/{conversation_id}")
async def transcript(request: Request, conversation_id: str, teacher: TeacherDep) -> Response:
    def load():  # noqa: ANN202
        with _db(request).transaction() as conn:
            conv = review.conversation_for_teacher(conn, teacher.id, conversation_id)
            if conv is None:
                raise ApiError(404, "conversation_not_found", NOT_FOUND)
            privacy.audit(conn, _actor(teacher), "bekeken", conv["student_id"], f"gesprek {conversation_id}")
            return build_view(conn, conv)

    view = await run_in_threadpool(load)
    from bot.labels import label_contract

    return render(request, "docent/gesprek.html", v=view, zetten=list(label_contract().moves))


@router.post("/gesprekken/{conversation_id}/oordeel")
async def judge(request: Request, conversation_id: str, teacher: TeacherDep) -> Response:
    form = await form_of(request, teacher)
    target = form.get("doel", "")
    verdict = form.get("oordeel") or None
    correction: dict[str, Any] | None = None
    if target.endswith(":labels") and "labels" in form:
        correction = {"labels": [x.strip() for x in form.get("labels", "").replace(";", ",").split(",") if x.strip()]}
    elif target.endswith(":verdict") and form.get("correctie"):
        correction = {"verdict": form.get("correctie")}
    elif target.startswith("check:") and form.get("correctie") in ("gehaald", "niet_gehaald"):
        correction = {"passed": form.get("correctie") == "gehaald"}
    elif target == "conversation:score":
        correction = {"score": form.get("score")}
    if verdict == "eens":
        correction = None  # agreeing needs no correction

    def store() -> None:
        with _db(request).transaction() as conn:
            review.add_judgement(conn, teacher, conversation_id, target, verdict=verdict, correction=correction,
                                 comment=form.get("opmerking"))

    try:
        await run_in_threadpool(store)
    except LookupError:
        raise ApiError(404, "conversation_not_found", NOT_FOUND) from None
    except ReviewError as exc:
        return render(request, "docent/melding.html", 422, titel="Niet opgeslagen", melding=str(exc),
                      link=f"/docent/gesprekken/{conversation_id}", link_tekst="Terug naar het gesprek")
    anchor = target.replace(":", "-")
    return go(f"/docent/gesprekken/{conversation_id}#{anchor}")


@router.get("/gesprekken/{conversation_id}/pdf")
async def transcript_pdf(request: Request, conversation_id: str, teacher: TeacherDep) -> Response:
    def load() -> bytes:
        with _db(request).transaction() as conn:
            conv = review.conversation_for_teacher(conn, teacher.id, conversation_id)
            if conv is None:
                raise ApiError(404, "conversation_not_found", NOT_FOUND)
            privacy.audit(conn, _actor(teacher), "geexporteerd", conv["student_id"], f"pdf {conversation_id}")
            return exports.transcript_pdf(build_view(conn, conv))

    pdf = await run_in_threadpool(load)
    return Response(pdf, media_type="application/pdf", headers={
        "content-disposition": f'attachment; filename="gesprek-{conversation_id[:8]}.pdf"',
        "cache-control": "no-store"})


@router.get("/klassen/{group_id}/overzicht")
async def group_overview(request: Request, group_id: str, teacher: TeacherDep) -> Response:
    def load():  # noqa: ANN202
        with _db(request).read() as session:
            group = _require_group(session, teacher.id, group_id)
            return group, overview.group_overview(session, group_id)

    group, data = await run_in_threadpool(load)
    from bot.feedback.texts import load_feedback_texts

    names = load_feedback_texts()
    return render(request, "docent/overzicht.html", klas=group, o=data, signaalnaam=names.signal_name)


@router.get("/klassen/{group_id}/studenten/{student_id}")
async def student_page(request: Request, group_id: str, student_id: str, teacher: TeacherDep) -> Response:
    def load():  # noqa: ANN202
        with _db(request).transaction() as conn:
            group = _require_group(conn, teacher.id, group_id)
            student = next((s for s in groups.group_students(conn, group_id) if s["id"] == student_id), None)
            if student is None:
                raise ApiError(404, "student_not_found", "Deze student zit niet in deze klas.")
            privacy.audit(conn, _actor(teacher), "bekeken", student_id, "voortgang")
            return group, student, overview.student_progress(conn, group_id, student_id)

    group, student, progress = await run_in_threadpool(load)
    return render(request, "docent/student.html", klas=group, student=student, p=progress,
                  grafiek=progress_chart(progress))


def progress_chart(progress: dict[str, Any], width: int = 560, height: int = 180) -> dict[str, Any] | None:
    attempts = progress["attempts"]
    if not attempts:
        return None
    pad = 28
    step = (width - 2 * pad) / max(1, len(attempts) - 1)
    lines = []
    for name in progress["competencies"]:
        points = [(pad + i * step, pad / 2 + (1 - a["competencies"][name] / 100) * (height - pad))
                  for i, a in enumerate(attempts) if isinstance(a["competencies"].get(name), (int, float))]
        lines.append({"name": name, "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in points)})
    return {"width": width, "height": height, "lines": lines,
            "ticks": [{"x": round(pad + i * step, 1), "label": str(i + 1)} for i in range(len(attempts))]}


@router.get("/klassen/{group_id}/resultaten.csv")
async def results_csv(request: Request, group_id: str, teacher: TeacherDep) -> Response:
    def load() -> bytes:
        with _db(request).transaction() as conn:
            group = _require_group(conn, teacher.id, group_id)
            privacy.audit(conn, _actor(teacher), "geexporteerd", None, f"csv klas {group.name}")
            return exports.group_results_csv(conn, group_id)

    data = await run_in_threadpool(load)
    return Response(data, media_type="text/csv; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="resultaten-{group_id[:8]}.csv"', "cache-control": "no-store"})


def _require_student(conn, teacher_id: str, student_id: str) -> None:  # noqa: ANN001
    if not groups.teacher_sees_student(conn, teacher_id, student_id):
        raise ApiError(404, "student_not_found", "Deze student zit niet in een van jouw klassen.")


@router.get("/studenten/{student_id}/gegevens.json", response_model=StudentExport)
async def student_export(request: Request, student_id: str, teacher: TeacherDep) -> Response:
    def load() -> dict:
        with _db(request).transaction() as conn:
            _require_student(conn, teacher.id, student_id)
            privacy.audit(conn, _actor(teacher), "geexporteerd", student_id, "alle gegevens (json)")
            return exports.student_data(conn, student_id)

    data = await run_in_threadpool(load)
    return Response(json.dumps(data, ensure_ascii=False, indent=2), media_type="application/json", headers={
        "content-disposition": f'attachment; filename="student-{student_id[:8]}.json"', "cache-control": "no-store"})


@router.post("/studenten/{student_id}/verwijderen")
async def student_delete(request: Request, student_id: str, teacher: TeacherDep) -> Response:
    form = await form_of(request, teacher)
    if form.get("bevestig") != "VERWIJDER":
        return render(request, "docent/melding.html", 422, titel="Niet verwijderd",
                      melding="Typ VERWIJDER in het bevestigingsveld om alle gegevens van deze student te wissen.",
                      link="/docent", link_tekst="Terug")

    def remove() -> dict:
        with _db(request).transaction() as conn:
            _require_student(conn, teacher.id, student_id)
            return privacy.delete_student(conn, student_id, _actor(teacher))

    result = await run_in_threadpool(remove)
    return render(request, "docent/melding.html", titel="Gegevens verwijderd",
                  melding=f"Alle gegevens van de student zijn verwijderd ({result['conversations']} gesprekken).",
                  link="/docent", link_tekst="Naar het overzicht")
