"""The teacher's pages (server-rendered, Dutch, no CDN): sign-in, groups, assignments.
Review, overview and exports are in bot/web/routes/teacher_review.py."""

from __future__ import annotations

from datetime import datetime, time, timezone
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from bot.store.ratelimit import RateLimited
from bot.teaching import accounts, groups
from bot.teaching.accounts import AccountError
from bot.teaching.groups import GroupError
from bot.web.deps import client_address
from bot.web.errors import ApiError
from bot.web.routes.auth import cookie_policy
from bot.web.teacher_auth import TEACHER_COOKIE, NotSignedIn, TeacherDep, check_csrf, csrf_for, optional_teacher

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))

router = APIRouter(prefix="/docent", include_in_schema=False)
aliases = APIRouter(include_in_schema=False)


def dutch_date(value: Any) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%d-%m-%Y %H:%M")


TEMPLATES.env.filters["datum"] = dutch_date


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    teacher = getattr(request.state, "teacher", None)
    context.setdefault("teacher", teacher)
    if teacher is not None:
        context.setdefault("csrf", csrf_for(request, teacher))
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status_code,
                                      headers={"cache-control": "no-store"})


async def form_of(request: Request, teacher) -> dict[str, str]:  # noqa: ANN001
    form = await request.form()
    data = {k: v for k, v in form.items() if isinstance(v, str)}
    check_csrf(request, teacher, data.get("csrf"))
    return data


def go(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _db(request: Request):  # noqa: ANN202
    return request.app.state.db


def install(app: FastAPI) -> None:
    """Routes plus the redirect to the login page for pages that need a teacher."""

    @app.exception_handler(NotSignedIn)
    async def _not_signed_in(request: Request, _exc: NotSignedIn) -> Response:
        """401 with the login form for nobody; 403 for a signed-in student (not a teacher)."""
        from bot.web.security import SESSION_COOKIE

        if SESSION_COOKIE in request.cookies or request.headers.get("authorization", "").lower().startswith("bearer "):
            return render(request, "docent/melding.html", 403, titel="Alleen voor docenten",
                          melding="Deze pagina is alleen voor docenten. Ben je docent? Meld je dan aan als docent.",
                          link="/docent/inloggen", link_tekst="Aanmelden als docent")
        terug = request.url.path if request.method == "GET" else "/docent"
        return render(request, "docent/inloggen.html", 401, terug=_safe_return(terug))

    json_handler = app.exception_handlers.get(ApiError)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        if json_handler is None or request.url.path.startswith("/docent"):
            titles = {403: "Geen toegang", 404: "Niet gevonden", 429: "Even wachten"}
            return render(request, "docent/melding.html", exc.status, titel=titles.get(exc.status, "Er ging iets mis"),
                          melding=exc.detail, link="/docent", link_tekst="Naar het overzicht")
        return await json_handler(request, exc)

    app.include_router(router)
    app.include_router(aliases)


@aliases.get("/teacher")
@aliases.get("/admin")
async def alias() -> RedirectResponse:
    return go("/docent")


# --- sign-in --------------------------------------------------------------------------------

def _safe_return(path: str | None) -> str:
    return path if path and path.startswith("/docent") and "//" not in path and "\\" not in path else "/docent"


@router.get("/inloggen")
async def login_page(request: Request, terug: str | None = None) -> Response:
    if await optional_teacher(request) is not None:
        return go(_safe_return(terug))
    return render(request, "docent/inloggen.html", terug=_safe_return(terug))


@router.post("/inloggen")
async def login(request: Request) -> Response:
    form = await request.form()
    email, password = str(form.get("email") or ""), str(form.get("wachtwoord") or "")
    terug = _safe_return(str(form.get("terug") or ""))
    address = client_address(request)

    def attempt() -> str:
        with _db(request).transaction() as conn:
            accounts.count_login_attempt(conn, email, address)
        with _db(request).transaction() as conn:
            teacher = accounts.authenticate(conn, email, password)
            return accounts.open_session(conn, teacher.id)

    try:
        token = await run_in_threadpool(attempt)
    except RateLimited as exc:
        return render(request, "docent/inloggen.html", 429, terug=terug, email=email,
                      fout=f"Te veel pogingen. Wacht {max(1, exc.retry_after // 60)} minuten en probeer het opnieuw.")
    except AccountError as exc:
        return render(request, "docent/inloggen.html", 401, terug=terug, email=email, fout=str(exc))
    response = go(terug)
    policy = cookie_policy(request, request.app.state.settings)
    response.set_cookie(TEACHER_COOKIE, token, max_age=int(accounts.SESSION_LIFETIME.total_seconds()), path="/",
                        httponly=True, secure=policy["secure"], samesite="lax")
    return response


@router.post("/afmelden")
async def logout(request: Request, teacher: TeacherDep) -> Response:
    await form_of(request, teacher)
    token = request.cookies.get(TEACHER_COOKIE)

    def end() -> None:
        with _db(request).transaction() as conn:
            accounts.end_session(conn, token)

    if token:
        await run_in_threadpool(end)
    response = go("/docent/inloggen")
    response.delete_cookie(TEACHER_COOKIE, path="/")
    return response


@router.post("/afmelden-overal")
async def logout_everywhere(request: Request, teacher: TeacherDep) -> Response:
    await form_of(request, teacher)

    def end() -> None:
        with _db(request).transaction() as conn:
            accounts.revoke_sessions(conn, teacher.id)

    await run_in_threadpool(end)
    response = go("/docent/inloggen")
    response.delete_cookie(TEACHER_COOKIE, path="/")
    return response


@router.get("/wachtwoord")
async def password_page(request: Request, token: str = "") -> Response:
    def find():  # noqa: ANN202
        with _db(request).read() as session:
            return accounts.teacher_for_setup(session, token)

    teacher = await run_in_threadpool(find)
    if teacher is None:
        return render(request, "docent/melding.html", 404, titel="Link verlopen",
                      melding="Deze link is verlopen of al gebruikt. Vraag de beheerder om een nieuwe.")
    return render(request, "docent/wachtwoord.html", token=token, naam=teacher.display_name,
                  minimum=accounts.MIN_PASSWORD_LENGTH)


@router.post("/wachtwoord")
async def set_password(request: Request) -> Response:
    form = await request.form()
    token, password, again = (str(form.get(k) or "") for k in ("token", "wachtwoord", "herhaling"))

    def apply():  # noqa: ANN202
        with _db(request).transaction() as conn:
            return accounts.set_password(conn, token, password)

    if password != again:
        return render(request, "docent/wachtwoord.html", 422, token=token, minimum=accounts.MIN_PASSWORD_LENGTH,
                      fout="De twee wachtwoorden zijn niet gelijk.")
    try:
        await run_in_threadpool(apply)
    except AccountError as exc:
        return render(request, "docent/wachtwoord.html", 422, token=token, minimum=accounts.MIN_PASSWORD_LENGTH,
                      fout=str(exc))
    return render(request, "docent/melding.html", titel="Wachtwoord ingesteld",
                  melding="Je wachtwoord is ingesteld. Je kunt nu inloggen.", link="/docent/inloggen",
                  link_tekst="Naar inloggen")


# --- groups ---------------------------------------------------------------------------------

@router.get("")
@router.get("/")
async def dashboard(request: Request, teacher: TeacherDep) -> Response:
    def load():  # noqa: ANN202
        with _db(request).read() as session:
            return groups.teacher_groups(session, teacher.id)

    return render(request, "docent/start.html", klassen=await run_in_threadpool(load), nu=datetime.now(timezone.utc))


@router.post("/klassen")
async def create_group(request: Request, teacher: TeacherDep) -> Response:
    form = await form_of(request, teacher)

    def create():  # noqa: ANN202
        with _db(request).transaction() as conn:
            return groups.create_group(conn, form.get("naam", ""), teacher.id)

    try:
        group = await run_in_threadpool(create)
    except GroupError as exc:
        return render(request, "docent/melding.html", 422, titel="Klas niet aangemaakt", melding=str(exc),
                      link="/docent", link_tekst="Terug")
    return go(f"/docent/klassen/{group.id}")


async def _group_action(request: Request, teacher, group_id: str, change) -> Response:  # noqa: ANN001
    """A form post that changes one of the teacher's klassen: CSRF, ownership, change, back to the klas."""
    await form_of(request, teacher)

    def run() -> None:
        with _db(request).transaction() as conn:
            _require_group(conn, teacher.id, group_id)
            change(conn)

    await run_in_threadpool(run)
    return go(f"/docent/klassen/{group_id}")


def _require_group(conn, teacher_id: str, group_id: str) -> groups.GroupInfo:  # noqa: ANN001
    if not groups.teacher_in_group(conn, teacher_id, group_id):
        raise ApiError(404, "group_not_found", "Deze klas bestaat niet (of is niet van jou).")
    return groups.get_group(conn, group_id)


@router.get("/klassen/{group_id}")
async def group_page(request: Request, group_id: str, teacher: TeacherDep) -> Response:
    from bot.scenarios import load_scenarios

    def load():  # noqa: ANN202
        with _db(request).read() as session:
            group = _require_group(session, teacher.id, group_id)
            return (group, groups.group_students(session, group_id), groups.group_teachers(session, group_id),
                    groups.group_assignments(session, group_id))

    group, students, teachers, assignments = await run_in_threadpool(load)
    scenarios = load_scenarios()
    return render(request, "docent/klas.html", klas=group, studenten=students, docenten=teachers,
                  opdrachten=assignments, scenarios=scenarios, nu=datetime.now(timezone.utc))


@router.post("/klassen/{group_id}/code")
async def new_code(request: Request, group_id: str, teacher: TeacherDep) -> Response:
    return await _group_action(request, teacher, group_id, lambda conn: groups.regenerate_code(conn, group_id))


@router.post("/klassen/{group_id}/docenten")
async def add_teacher(request: Request, group_id: str, teacher: TeacherDep) -> Response:
    form = await form_of(request, teacher)

    def add() -> str | None:
        with _db(request).transaction() as conn:
            _require_group(conn, teacher.id, group_id)
            other = accounts.teacher_by_email(conn, form.get("email", ""))
            if other is None:
                return "Er is geen docent met dat e-mailadres. Vraag de beheerder een account aan te maken."
            groups.add_teacher_to_group(conn, group_id, other.id)
            return None

    problem = await run_in_threadpool(add)
    if problem:
        return render(request, "docent/melding.html", 422, titel="Docent niet toegevoegd", melding=problem,
                      link=f"/docent/klassen/{group_id}", link_tekst="Terug naar de klas")
    return go(f"/docent/klassen/{group_id}")


@router.post("/klassen/{group_id}/studenten/{student_id}/verwijderen")
async def remove_member(request: Request, group_id: str, student_id: str, teacher: TeacherDep) -> Response:
    return await _group_action(request, teacher, group_id,
                               lambda conn: groups.remove_student(conn, group_id, student_id))


def _deadline(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise GroupError("De deadline is geen geldige datum.") from None
    return datetime.combine(day, time(23, 59), tzinfo=timezone.utc)


@router.post("/klassen/{group_id}/opdrachten")
async def assign(request: Request, group_id: str, teacher: TeacherDep) -> Response:
    form = await form_of(request, teacher)

    def add() -> None:
        with _db(request).transaction() as conn:
            _require_group(conn, teacher.id, group_id)
            groups.assign(conn, group_id, teacher.id, form.get("scenario", ""), form.get("niveau") or None,
                          form.get("modus", "oefenen"), _deadline(form.get("deadline")))

    try:
        await run_in_threadpool(add)
    except GroupError as exc:
        return render(request, "docent/melding.html", 422, titel="Opdracht niet opgeslagen", melding=str(exc),
                      link=f"/docent/klassen/{group_id}", link_tekst="Terug naar de klas")
    return go(f"/docent/klassen/{group_id}")


@router.post("/klassen/{group_id}/opdrachten/{assignment_id}/verwijderen")
async def unassign(request: Request, group_id: str, assignment_id: str, teacher: TeacherDep) -> Response:
    return await _group_action(request, teacher, group_id,
                               lambda conn: groups.unassign(conn, group_id, assignment_id))
