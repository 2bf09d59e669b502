"""LTI 1.3 endpoints: the tool's JWKS, OIDC login initiation, the launch, the deep-linking
choice; and for teachers the grades sent to the LMS and the roster sync of a course."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode, urlparse

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from bot.lti import deep_linking, grades, launch as lti_launch, platforms, provisioning
from bot.lti.keys import KeyStore
from bot.lti.launch import JwksCache, LaunchError
from bot.lti.services import ServiceError, memberships
from bot.teaching import accounts
from bot.web.routes.teacher import _db, _require_group, form_of, go, render
from bot.web.schemas.common import errors
from bot.web.schemas.service import KeySet
from bot.web.security import CSRF_COOKIE, SESSION_COOKIE, TOKEN_MAX_AGE, csrf_token, make_session_token
from bot.web.teacher_auth import TEACHER_COOKIE, TeacherDep, csrf_for

# The key set is JSON for LMS platforms and in the schema; the pages stay out of it.
router = APIRouter(tags=["lti"])
log = logging.getLogger("oefengesprek.lti")

STATE_COOKIE = "oefengesprek_lti_state"


def keys_of(request: Request) -> KeyStore:
    from bot.web.app import keys_of_app

    return keys_of_app(request.app)


def jwks_of(request: Request) -> JwksCache:
    cache = getattr(request.app.state, "lti_jwks", None)
    if cache is None:
        cache = request.app.state.lti_jwks = JwksCache()
    return cache


def base_url(request: Request) -> str:
    return request.app.state.settings.public_url.rstrip("/")


def launch_urls(request: Request) -> list[str]:
    """The URLs a platform may launch: under the configured public URL and under this request's host."""
    own = str(request.base_url).rstrip("/")
    return list(dict.fromkeys([f"{base_url(request)}/lti/launch", f"{own}/lti/launch"]))


def _secure(request: Request) -> bool:
    setting = request.app.state.settings.cookie_secure
    return setting == "always" or (setting == "auto" and request.url.scheme == "https")


def set_frame_cookie(request: Request, response: Response, name: str, value: str, *, max_age: int, path: str = "/",
                     httponly: bool = True) -> None:
    """A cookie that works inside the LMS iframe: `SameSite=None; Secure; Partitioned` over HTTPS."""
    secure = _secure(request)
    response.set_cookie(name, value, max_age=max_age, path=path, httponly=httponly, secure=secure,
                        samesite="none" if secure else "lax")
    if secure:
        key, header = response.raw_headers[-1]
        response.raw_headers[-1] = (key, header + b"; Partitioned")


def frame_policy(request: Request, response: Response, form_action: str | None = None) -> Response:
    """CSP for pages shown inside the LMS: the registered platforms may frame them."""
    from bot.web.middleware import content_security_policy

    with _db(request).read() as session:
        origins = [*request.app.state.settings.frame_ancestor_list, *platforms.frame_origins(session)]
    policy = content_security_policy(list(dict.fromkeys(origins)))
    if form_action:
        policy = policy.replace("form-action 'self'", f"form-action 'self' {form_action}")
    response.headers["content-security-policy"] = policy
    return response


def refuse(request: Request, exc: LaunchError) -> HTMLResponse:
    """A Dutch page; never the token. Without the state cookie: open in a new window."""
    log.info("lti launch refused", extra={"status": exc.status, "reason": exc.message})
    new_window = f"/lti/login?{urlencode(exc.login)}" if exc.login else None
    return frame_policy(request, render(request, "lti/melding.html", exc.status,
                                        titel="Aanmelden via de leeromgeving lukte niet", melding=exc.message,
                                        nieuw_venster=new_window))


@router.get("/.well-known/jwks.json", response_model=KeySet, responses=errors(500),
            summary="De publieke sleutels van de tool (JWKS) voor de leeromgeving")
async def jwks(request: Request) -> JSONResponse:
    return JSONResponse(await run_in_threadpool(keys_of(request).jwks), headers={"cache-control": "max-age=300"})


@router.api_route("/lti/login", methods=["GET", "POST"], include_in_schema=False)
async def login(request: Request) -> Response:
    params: dict[str, str] = {k: v for k, v in request.query_params.items()}
    if request.method == "POST":
        form = await request.form()
        params.update({k: v for k, v in form.items() if isinstance(v, str)})

    def start() -> lti_launch.LoginRedirect:
        with _db(request).transaction() as conn:
            return lti_launch.start_login(conn, params, launch_urls(request))

    try:
        redirect = await run_in_threadpool(start)
    except LaunchError as exc:
        return refuse(request, exc)
    response = RedirectResponse(redirect.url, status_code=302)
    set_frame_cookie(request, response, STATE_COOKIE, redirect.browser_token, max_age=600, path="/lti")
    return response


@router.post("/lti/launch", include_in_schema=False)
async def launch(request: Request) -> Response:
    form = await request.form()
    id_token, state = form.get("id_token"), form.get("state")
    browser = request.cookies.get(STATE_COOKIE)
    settings = request.app.state.settings

    def verify() -> tuple[lti_launch.Launch, provisioning.Person, dict[str, Any]]:
        with _db(request).transaction() as conn:
            verified = lti_launch.verify_launch(conn, id_token if isinstance(id_token, str) else None,
                                                state if isinstance(state, str) else None, browser, jwks_of(request))
            person = provisioning.provision(conn, verified)
            extra: dict[str, Any] = {}
            if verified.message_type == lti_launch.RESOURCE_LINK:
                extra["scenario"] = _scenario_of(verified)
                if person.role == "student" and extra["scenario"]:
                    provisioning.remember_launch(conn, verified, person.id, extra["scenario"])
                if person.role == "teacher":
                    extra["session"] = accounts.open_session(conn, person.id)
            else:
                extra["session"] = accounts.open_session(conn, person.id)
            return verified, person, extra

    try:
        verified, person, extra = await run_in_threadpool(verify)
    except LaunchError as exc:
        return refuse(request, exc)
    if verified.message_type == lti_launch.DEEP_LINKING:
        return await _deep_linking_page(request, verified, person, extra["session"])
    scenario = extra.get("scenario")
    if person.role == "teacher":
        target = "/docent/gesprekken?" + urlencode({k: v for k, v in (("klas", person.group_id),
                                                                        ("scenario", scenario)) if v})
        response = go(target)
        set_frame_cookie(request, response, TEACHER_COOKIE, extra["session"],
                         max_age=int(accounts.SESSION_LIFETIME.total_seconds()))
        return response
    if not scenario:
        return render(request, "lti/melding.html", 404, titel="Geen scenario gekozen",
                      melding="Deze opdracht in de leeromgeving wijst (nog) geen bestaand oefengesprek aan. "
                              "Vraag je docent de opdracht opnieuw toe te voegen.")
    key = settings.resolved_secret_key
    query = {"scenario": scenario, "vast": "1"}
    for name, claim in (("niveau", "difficulty"), ("modus", "mode")):
        if verified.custom.get(claim):
            query[name] = str(verified.custom[claim])
    response = go("/embed?" + urlencode(query))
    set_frame_cookie(request, response, SESSION_COOKIE, make_session_token(key, person.id, "lti"), max_age=TOKEN_MAX_AGE)
    set_frame_cookie(request, response, CSRF_COOKIE, csrf_token(key, person.id), max_age=TOKEN_MAX_AGE, httponly=False)
    return response


def _scenario_of(verified: lti_launch.Launch) -> str | None:
    from bot.scenarios import load_scenarios

    wanted = verified.custom.get("scenario")
    return wanted if isinstance(wanted, str) and wanted in load_scenarios() else None


async def _deep_linking_page(request: Request, verified, person, session: str) -> Response:  # noqa: ANN001
    from bot.scenarios import load_scenarios

    ticket = deep_linking.make_ticket(request.app.state.settings.resolved_secret_key, verified, person.id)
    teacher = request.state.teacher = accounts.TeacherInfo(person.id, person.display_name, None)
    response = render(request, "lti/kiezen.html", scenarios=load_scenarios(), ticket=ticket,
                      csrf=csrf_for(request, teacher, session),
                      meerdere=verified.deep_linking.get("accept_multiple", True))
    await run_in_threadpool(frame_policy, request, response)
    set_frame_cookie(request, response, TEACHER_COOKIE, session, max_age=int(accounts.SESSION_LIFETIME.total_seconds()))
    return response


@router.post("/lti/inhoud", include_in_schema=False)
async def deep_linking_choice(request: Request, teacher: TeacherDep) -> Response:
    from bot.scenarios import load_scenarios

    form_data = await request.form()
    await form_of(request, teacher)
    settings = request.app.state.settings
    try:
        ticket = deep_linking.read_ticket(settings.resolved_secret_key, str(form_data.get("ticket") or ""))
    except deep_linking.TicketError as exc:
        return render(request, "lti/melding.html", 400, titel="Niet toegevoegd", melding=str(exc))
    if ticket["t"] != teacher.id:
        return render(request, "lti/melding.html", 403, titel="Niet toegevoegd",
                      melding="Deze keuzepagina hoort bij een andere docent.")
    scenarios = load_scenarios()
    chosen = [s for s in form_data.getlist("scenario") if isinstance(s, str) and s in scenarios]
    if not chosen:
        return render(request, "lti/melding.html", 422, titel="Niets gekozen", melding="Kies minstens één scenario.")
    if not ticket.get("multi", True):
        chosen = chosen[:1]
    mode = form_data.get("modus") if form_data.get("modus") in deep_linking.MODES else "oefenen"
    difficulty = form_data.get("niveau") or None
    with_grade = form_data.get("cijfer") == "ja"
    launch_url = f"{base_url(request)}/lti/launch"
    items = [deep_linking.content_item(scenarios[s], launch_url,
                                       difficulty if difficulty in scenarios[s].difficulties else None, mode,
                                       with_grade) for s in chosen]

    def sign() -> str:
        with _db(request).read() as session:
            platform = platforms.get(session, ticket["p"])
        return deep_linking.response_jwt(platform, keys_of(request).signing_key(), ticket, items)

    token = await run_in_threadpool(sign)
    parsed = urlparse(ticket["r"])
    response = render(request, "lti/terug.html", actie=ticket["r"], jwt=token, aantal=len(items))
    return await run_in_threadpool(frame_policy, request, response, f"{parsed.scheme}://{parsed.netloc}")


@router.get("/docent/klassen/{group_id}/lms", include_in_schema=False)
async def lms_page(request: Request, group_id: str, teacher: TeacherDep) -> Response:
    from bot.store.lti_models import LtiContext
    from sqlalchemy import select

    def load():  # noqa: ANN202
        with _db(request).read() as session:
            group = _require_group(session, teacher.id, group_id)
            contexts = LtiContext.__table__
            ctx = session.execute(select(contexts).where(contexts.c.group_id == group_id)).first()
            return group, ctx, grades.sends_for_group(session, group_id)

    group, ctx, sends = await run_in_threadpool(load)
    return render(request, "lti/lms.html", klas=group, context=ctx, verzendingen=sends,
                  melding=request.query_params.get("melding"))


@router.post("/docent/klassen/{group_id}/lms/deelnemers", include_in_schema=False)
async def roster_sync(request: Request, group_id: str, teacher: TeacherDep) -> Response:
    from bot.store.lti_models import LtiContext
    from sqlalchemy import select

    await form_of(request, teacher)

    def sync() -> str:
        with _db(request).read() as session:
            _require_group(session, teacher.id, group_id)
            contexts = LtiContext.__table__
            ctx = session.execute(select(contexts).where(contexts.c.group_id == group_id)).first()
            platform = platforms.get(session, ctx.platform_id) if ctx else None
        if ctx is None or platform is None or not ctx.memberships_url:
            return "Deze klas is niet met een cursus in de leeromgeving verbonden (of die biedt geen deelnemerslijst)."
        try:
            members = memberships(platform, keys_of(request).signing_key(), ctx.memberships_url)
        except ServiceError as exc:
            return f"Ophalen mislukt: {exc}."
        added = 0
        with _db(request).transaction() as conn:
            for m in members:
                roles = m.get("roles") or []
                if m.get("status", "Active") != "Active" or lti_launch.role_of(roles) != "student" or not m.get("user_id"):
                    continue
                student = provisioning.student_for(conn, platform.issuer, str(m["user_id"]), m.get("name"))
                provisioning.add_member(conn, group_id, student.id)
                added += 1
        return f"{added} student{'en' if added != 1 else ''} uit de leeromgeving staan nu in deze klas."

    message = await run_in_threadpool(sync)
    return go(f"/docent/klassen/{group_id}/lms?" + urlencode({"melding": message}))
