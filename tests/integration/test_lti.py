"""LTI 1.3 Advantage against a test platform on loopback: student launch → conversation → score
in the gradebook; teacher launch into the review; deep linking round trip; roster sync; and
every negative case of the launch (each refused with a Dutch message, nothing stored)."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from sqlalchemy import text

from bot.lti import platforms
from bot.lti.grades import process_due
from bot.store.models import utcnow
from tests.lti_platform import CLAIM, TestPlatform, new_key


@pytest.fixture()
def platform():
    p = TestPlatform()
    yield p
    p.close()


@pytest.fixture()
def tool(make_client, database_url, platform):
    client = make_client(database_url, lti_grade_interval=0)
    with client.app.state.db.transaction() as conn:
        platforms.add_platform(conn, **platform.registration)
    from bot.web.app import keys_of_app

    platform.tool_jwks = keys_of_app(client.app).jwks
    return client


def login(tool, platform, **extra) -> tuple[str, str]:
    """OIDC login initiation; returns (state, nonce) from the redirect to the platform."""
    params = {"iss": platform.issuer, "login_hint": "hint-1", "target_link_uri": "http://testserver/lti/launch",
              "lti_message_hint": "msg-1", "client_id": platform.client_id,
              "lti_deployment_id": platform.deployment_id, **extra}
    r = tool.get("/lti/login", params=params, follow_redirects=False)
    assert r.status_code == 302, r.text
    target = urlparse(r.headers["location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == platform.base + "/auth"
    q = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert q["response_mode"] == "form_post" and q["scope"] == "openid" and q["prompt"] == "none"
    assert q["client_id"] == platform.client_id and q["redirect_uri"] == "http://testserver/lti/launch"
    assert q["login_hint"] == "hint-1" and q["lti_message_hint"] == "msg-1"
    return q["state"], q["nonce"]


def launch(tool, platform, *, claims=None, token=None, **claim_args):  # noqa: ANN001, ANN201
    state, nonce = login(tool, platform)
    token = token or platform.sign(claims(nonce) if callable(claims) else platform.claims(nonce, **claim_args))
    return tool.post("/lti/launch", data={"id_token": token, "state": state}, follow_redirects=False)


def people(tool) -> tuple[int, int]:
    with tool.app.state.db.read() as s:
        return (s.execute(text("SELECT count(*) FROM students")).scalar_one(),
                s.execute(text("SELECT count(*) FROM teachers")).scalar_one())


# --- the happy paths -----------------------------------------------------------------------------

def test_jwks_publishes_the_tools_public_key(tool) -> None:
    keys = tool.get("/.well-known/jwks.json").json()["keys"]
    assert len(keys) == 1 and keys[0]["alg"] == "RS256" and keys[0]["use"] == "sig" and keys[0]["kid"]
    assert "d" not in keys[0]  # public only


def test_student_launch_conversation_and_score_in_the_gradebook(tool, platform) -> None:
    r = launch(tool, platform, name="Sanne de Boer")
    assert r.status_code == 303 and r.headers["location"].startswith("/embed?scenario=2.3-inbound-printer&vast=1")
    me = tool.get("/api/v1/me").json()
    assert me["student"]["display_name"] == "Sanne de Boer" and me["student"]["kind"] == "lti"
    tool.headers["X-CSRF-Token"] = me["csrf_token"]
    klassen = tool.get("/api/v1/klassen").json()["groups"]
    assert [k["name"] for k in klassen] == ["Commercieel medewerker 2A"]
    conv = tool.post("/api/v1/sessions", json={"scenario": "2.3-inbound-printer"}).json()["id"]
    for line in ("Goedemorgen, u spreekt met Sanne van Kantoorgemak.", "Tot ziens!"):
        tool.post(f"/api/v1/sessions/{conv}/messages", json={"text": line})
    report = tool.post(f"/api/v1/sessions/{conv}/end").json()["report"]
    assert process_due(tool.app.state.db, tool.app.state.lti_keys) == 1
    score = platform.scores[0]
    assert score["userId"] == "user-1" and score["scoreGiven"] == report["score"] and score["scoreMaximum"] == 100
    assert score["activityProgress"] == "Completed" and score["gradingProgress"] == "FullyGraded"
    assert score["timestamp"].endswith("Z") and "Score" in score["comment"]
    assert platform.tokens_issued[0]["scope"] == "https://purl.imsglobal.org/spec/lti-ags/scope/score"
    assert process_due(tool.app.state.db, tool.app.state.lti_keys) == 0  # sent once


def test_anonymous_launch_works_with_ids_only(tool, platform) -> None:
    r = launch(tool, platform, sub="anon-42")
    assert r.status_code == 303
    assert tool.get("/api/v1/me").json()["student"]["display_name"].startswith("Student ")


def test_no_role_gets_least_privilege(tool, platform) -> None:
    r = launch(tool, platform, role="")
    assert r.status_code == 303 and r.headers["location"].startswith("/embed")
    assert people(tool) == (1, 0)
    assert tool.get("/docent").status_code in (401, 403)


def test_teacher_launch_lands_in_the_review_and_can_sync_the_roster(tool, platform) -> None:
    r = launch(tool, platform, role="Instructor", sub="teacher-1", name="Jan Smit")
    assert r.status_code == 303 and r.headers["location"].startswith("/docent/gesprekken?klas=")
    assert "scenario=2.3-inbound-printer" in r.headers["location"]
    page = tool.get(r.headers["location"])
    assert page.status_code == 200 and "Jan Smit" in page.text
    group_id = parse_qs(urlparse(r.headers["location"]).query)["klas"][0]
    platform.members = [
        {"user_id": "s-1", "name": "Ali Yilmaz", "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
         "status": "Active"},
        {"user_id": "s-2", "roles": ["Learner"], "status": "Active"},
        {"user_id": "s-3", "roles": ["Learner"], "status": "Inactive"},
        {"user_id": "teacher-1", "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]},
    ]
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    r = tool.post(f"/docent/klassen/{group_id}/lms/deelnemers", data={"csrf": csrf}, follow_redirects=True)
    assert "2 studenten uit de leeromgeving" in r.text
    klas = tool.get(f"/docent/klassen/{group_id}").text
    assert "Ali Yilmaz" in klas


def test_grade_failures_are_retried_with_backoff_and_shown_to_the_teacher(tool, platform) -> None:
    launch(tool, platform)
    tool.headers["X-CSRF-Token"] = tool.get("/api/v1/me").json()["csrf_token"]
    conv = tool.post("/api/v1/sessions", json={"scenario": "2.3-inbound-printer"}).json()["id"]
    tool.post(f"/api/v1/sessions/{conv}/end")
    platform.score_status = 503
    db, keys = tool.app.state.db, tool.app.state.lti_keys
    assert process_due(db, keys) == 0
    assert process_due(db, keys) == 0  # not due again yet (back-off)
    with db.read() as s:
        row = s.execute(text("SELECT status, attempts, last_result FROM lti_grade_sends")).one()
    assert row.status == "wacht" and row.attempts == 1 and "503" in row.last_result
    platform.score_status = 200
    assert process_due(db, keys, now=utcnow() + timedelta(minutes=5)) == 1
    # the teacher of the course sees the send and its result
    tool.cookies.clear()
    r = launch(tool, platform, role="Instructor", sub="teacher-1")
    group_id = parse_qs(urlparse(r.headers["location"]).query)["klas"][0]
    page = tool.get(f"/docent/klassen/{group_id}/lms").text
    assert "verstuurd" in page and "ontvangen (HTTP 200)" in page


def test_deep_linking_round_trip(tool, platform) -> None:
    r = launch(tool, platform, role="Instructor", sub="teacher-1", message_type="LtiDeepLinkingRequest")
    assert r.status_code == 200 and "Oefengesprek toevoegen" in r.text
    assert "frame-ancestors 'self' " + platform.base in r.headers["content-security-policy"]
    ticket = re.search(r'name="ticket" value="([^"]+)"', r.text).group(1)
    csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
    r = tool.post("/lti/inhoud", data={"csrf": csrf, "ticket": ticket, "scenario": ["2.3-inbound-printer",
                                                                                    "2.4-offerte-bureaustoelen"],
                                       "niveau": "moeilijk", "modus": "toets", "cijfer": "ja"})
    assert r.status_code == 200
    assert f'action="{platform.base}/deeplink/return"' in r.text
    assert f"form-action 'self' {platform.base}" in r.headers["content-security-policy"]
    token = re.search(r'name="JWT" value="([^"]+)"', r.text).group(1)
    jwk = tool.get("/.well-known/jwks.json").json()["keys"][0]
    claims = jwt.decode(token, jwt.PyJWK(jwk).key, algorithms=["RS256"], audience=platform.issuer)
    assert claims["iss"] == platform.client_id and claims[CLAIM + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[CLAIM + "deployment_id"] == platform.deployment_id and claims[CLAIM + "version"] == "1.3.0"
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "opaque-platform-data"
    items = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert [i["custom"]["scenario"] for i in items] == ["2.3-inbound-printer", "2.4-offerte-bureaustoelen"]
    assert all(i["type"] == "ltiResourceLink" and i["lineItem"]["scoreMaximum"] == 100 for i in items)
    assert items[0]["custom"] == {"scenario": "2.3-inbound-printer", "mode": "toets", "difficulty": "moeilijk"}
    # a tampered ticket is refused
    bad = tool.post("/lti/inhoud", data={"csrf": csrf, "ticket": ticket[:-2] + "00", "scenario": "2.3-inbound-printer"})
    assert bad.status_code == 400


def test_deep_linking_is_for_teachers_only(tool, platform) -> None:
    r = launch(tool, platform, role="Learner", message_type="LtiDeepLinkingRequest")
    assert r.status_code == 403 and "Alleen docenten" in r.text


# --- every refusal ----------------------------------------------------------------------------

REFUSALS = {
    "bad signature": (401, "handtekening", lambda p, n: p.sign(p.claims(n), key=new_key())),
    "unknown kid": (401, "onbekende sleutel", lambda p, n: p.sign(p.claims(n), key=new_key(), kid="other-kid")),
    "HS256": (401, "RS256", lambda p, n: p.sign(p.claims(n), alg="HS256")),
    "wrong aud": (401, "aud", lambda p, n: p.sign(p.claims(n, aud="iemand-anders"))),
    "aud list without azp": (401, "azp", lambda p, n: p.sign(p.claims(n, aud=[p.client_id, "ander"]))),
    "wrong azp": (401, "azp", lambda p, n: p.sign(p.claims(n, aud=[p.client_id], azp="ander"))),
    "wrong iss": (401, "iss", lambda p, n: p.sign(p.claims(n, iss="https://nep.example"))),
    "missing exp": (401, "exp", lambda p, n: p.sign(p.claims(n, exp=None))),
    "missing iat": (401, "iat", lambda p, n: p.sign(p.claims(n, iat=None))),
    "expired": (401, "verlopen", lambda p, n: p.sign(p.claims(n, exp=1_600_000_000, iat=1_599_999_000))),
    "wrong nonce": (401, "nonce", lambda p, n: p.sign(p.claims("een-andere-nonce"))),
    "unknown deployment": (403, "deployment", lambda p, n: p.sign(p.claims(n, **{CLAIM + "deployment_id": "dep-x"}))),
    "wrong version": (400, "1.3.0", lambda p, n: p.sign(p.claims(n, **{CLAIM + "version": "1.1"}))),
    "unknown message type": (400, "niet ondersteund", lambda p, n: p.sign(p.claims(n, **{CLAIM + "message_type": "X"}))),
    "no resource link": (400, "resource_link", lambda p, n: p.sign(p.claims(n, **{CLAIM + "resource_link": None}))),
    "no sub": (401, "sub", lambda p, n: p.sign(p.claims(n, sub=None))),
    "garbage": (401, "onleesbaar", lambda p, n: "geen.jwt"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_launch_refusals_store_nothing_and_never_log_the_token(tool, platform, case, caplog) -> None:
    status, words, make = REFUSALS[case]
    state, nonce = login(tool, platform)
    token = make(platform, nonce)
    with caplog.at_level(logging.DEBUG):
        r = tool.post("/lti/launch", data={"id_token": token, "state": state}, follow_redirects=False)
    assert r.status_code == status, (case, r.text[:300])
    assert words in r.text
    assert people(tool) == (0, 0)
    assert token not in caplog.text and token not in r.text


def test_replays_and_wrong_states_are_refused(tool, platform) -> None:
    state, nonce = login(tool, platform)
    token = platform.sign(platform.claims(nonce))
    assert tool.post("/lti/launch", data={"id_token": token, "state": state}, follow_redirects=False).status_code == 303
    again = tool.post("/lti/launch", data={"id_token": token, "state": state})
    assert again.status_code == 401 and "al gebruikt" in again.text
    # the same token with a state that carries its nonce (another worker, a copied state): the nonce was used
    with tool.app.state.db.transaction() as conn:
        platform_id = conn.execute(text("SELECT id FROM lti_platforms")).scalar_one()
        from bot.lti.launch import STATES, digest

        conn.execute(STATES.insert().values(state="kopie", nonce=nonce, platform_id=platform_id, browser=digest("b"),
                                            login={}, expires_at=utcnow() + timedelta(minutes=5)))
    tool.cookies.set("oefengesprek_lti_state", "b", path="/lti")
    replay = tool.post("/lti/launch", data={"id_token": token, "state": "kopie"})
    assert replay.status_code == 401 and "al gebruikt" in replay.text
    unknown = tool.post("/lti/launch", data={"id_token": token, "state": "verzonnen"})
    assert unknown.status_code == 401


def test_state_is_bound_to_the_browser(tool, platform) -> None:
    state, nonce = login(tool, platform)
    token = platform.sign(platform.claims(nonce))
    tool.cookies.set("oefengesprek_lti_state", "een-ander-venster", path="/lti")
    r = tool.post("/lti/launch", data={"id_token": token, "state": state})
    assert r.status_code == 403 and "ander browservenster" in r.text


def test_blocked_cookies_offer_a_new_window(tool, platform) -> None:
    state, nonce = login(tool, platform)
    token = platform.sign(platform.claims(nonce))
    tool.cookies.clear()
    r = tool.post("/lti/launch", data={"id_token": token, "state": state})
    assert r.status_code == 403 and "Openen in een nieuw venster" in r.text
    link = re.search(r'href="(/lti/login\?[^"]+)"', r.text).group(1).replace("&amp;", "&")
    assert "login_hint=hint-1" in link and 'target="_blank"' in r.text
    again = tool.get(link, follow_redirects=False)
    assert again.status_code == 302


def test_unknown_kid_refetches_the_platform_keys_once(tool, platform) -> None:
    assert launch(tool, platform).status_code == 303
    fetches = platform.jwks_fetches
    rotated = new_key()
    from tests.lti_platform import jwk_of

    platform.published = [jwk_of(rotated, "platform-key-2")]
    tool.cookies.clear()
    state, nonce = login(tool, platform)
    r = tool.post("/lti/launch", data={"id_token": platform.sign(platform.claims(nonce, sub="u2"), key=rotated,
                                                                 kid="platform-key-2"), "state": state},
                  follow_redirects=False)
    assert r.status_code == 303 and platform.jwks_fetches == fetches + 1


def test_login_initiation_checks(tool, platform) -> None:
    base = {"iss": platform.issuer, "login_hint": "x", "target_link_uri": "http://testserver/lti/launch",
            "client_id": platform.client_id}
    assert tool.get("/lti/login", params={**base, "iss": "https://onbekend.example"}).status_code == 403
    assert tool.get("/lti/login", params={**base, "lti_deployment_id": "nee"}).status_code == 403
    r = tool.get("/lti/login", params={**base, "target_link_uri": "https://kwaadaardig.example/lti/launch"})
    assert r.status_code == 400 and "hoort niet bij Oefengesprek" in r.text
    assert tool.get("/lti/login", params={"iss": platform.issuer}).status_code == 400
    posted = tool.post("/lti/login", data=base, follow_redirects=False)
    assert posted.status_code == 302
