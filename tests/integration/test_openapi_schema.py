"""Real answers against the published schema (/openapi.json).

The conversation routes return ready JSON (bot/web/routes/sessions.py), so FastAPI does not
check them against their response models; this test does. It plays conversations through the
app (start, turns until the end, end, read, list, progress, scenarios, the REST channel, a
klas join, errors) and validates every body with jsonschema against the schema the route
publishes for its status code. The models refuse extra keys (additionalProperties: false), so
a key a route adds without declaring it fails here, as does a declared required key it leaves out.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.teacher_support import STRONG_2_3, TeacherClient

SPEC_URI = "urn:oefengesprek:openapi"
SCENARIO = "2.3-inbound-printer"


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


class Schema:
    """The published OpenAPI document; `check` validates one real response against it."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.registry = Registry().with_resource(SPEC_URI, Resource.from_contents(spec, DRAFT202012))
        self.checked: set[tuple[str, str, int]] = set()

    def validator(self, method: str, path: str, status: int) -> Draft202012Validator:
        responses = self.spec["paths"][path][method.lower()]["responses"]
        assert str(status) in responses, f"{method} {path} answered {status}, which its schema does not declare"
        assert "application/json" in responses[str(status)].get("content", {}), (method, path, status)
        where = ("paths", path, method.lower(), "responses", str(status), "content", "application/json", "schema")
        ref = f"{SPEC_URI}#/{_pointer(*where)}"
        return Draft202012Validator({"$ref": ref}, registry=self.registry)

    def check(self, response, method: str, path: str) -> Any:  # noqa: ANN001
        body = response.json()
        self.validator(method, path, response.status_code).validate(body)
        self.checked.add((method, path, response.status_code))
        return body


@pytest.fixture()
def app(make_client):
    return make_client(rate_limit_guests_per_hour=3).app


@pytest.fixture()
def schema(app) -> Schema:
    from fastapi.testclient import TestClient

    return Schema(TestClient(app).get("/openapi.json").json())


def _student(app, schema: Schema, name: str):  # noqa: ANN001, ANN202
    from fastapi.testclient import TestClient

    client = TestClient(app, base_url="http://testserver")
    signed_in = schema.check(client.post("/api/v1/guest", json={"display_name": name}), "POST", "/api/v1/guest")
    client.headers["X-CSRF-Token"] = signed_in["csrf_token"]
    return client


def test_every_real_answer_matches_the_published_schema(app, schema: Schema) -> None:
    from fastapi.testclient import TestClient

    anonymous = TestClient(app, base_url="http://testserver")
    schema.check(anonymous.get("/healthz"), "GET", "/healthz")
    schema.check(anonymous.get("/readyz"), "GET", "/readyz")
    schema.check(anonymous.get("/.well-known/jwks.json"), "GET", "/.well-known/jwks.json")
    listed = schema.check(anonymous.get("/api/v1/scenarios"), "GET", "/api/v1/scenarios")
    assert SCENARIO in {s["id"] for s in listed["scenarios"]}
    schema.check(anonymous.get("/api/v1/sessions"), "GET", "/api/v1/sessions")  # 401

    student = _student(app, schema, "Sanne")
    schema.check(student.get("/api/v1/me"), "GET", "/api/v1/me")
    empty = schema.check(student.get("/api/v1/me/progress"), "GET", "/api/v1/me/progress")
    assert empty["progress"] == {}

    # a practice conversation, turn by turn until the customer ends it
    send = "/api/v1/sessions/{session_id}/messages"
    conv = schema.check(student.post("/api/v1/sessions", json={"scenario": SCENARIO}), "POST", "/api/v1/sessions")
    turns = []
    for line in STRONG_2_3:
        turn = schema.check(student.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": line}), "POST", send)
        turns.append(turn)
        if turn["finished"]:
            break
    assert turns[-1]["finished"] and "report" in turns[-1], "the goodbye ends the conversation with a report"
    assert "analysis" in turns[0] and "hint" in turns[0]
    finished = schema.check(student.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": "Nog één ding."}),
                            "POST", send)
    assert finished["code"] == "conversation_finished"  # 409
    schema.check(student.post(f"/api/v1/sessions/{conv['id']}/end"), "POST", "/api/v1/sessions/{session_id}/end")

    # an exam conversation the student ends halfway
    exam = schema.check(student.post("/api/v1/sessions", json={"scenario": SCENARIO, "mode": "toets"}),
                        "POST", "/api/v1/sessions")
    turn = schema.check(student.post(f"/api/v1/sessions/{exam['id']}/messages", json={"text": STRONG_2_3[0]}),
                        "POST", send)
    assert "analysis" not in turn
    running = schema.check(student.get(f"/api/v1/sessions/{exam['id']}"), "GET", "/api/v1/sessions/{session_id}")
    assert running["report"] is None and all("analysis" not in m for m in running["messages"])
    ended = schema.check(student.post(f"/api/v1/sessions/{exam['id']}/end"), "POST",
                         "/api/v1/sessions/{session_id}/end")
    assert ended["report"]["checks"]

    # a teacher comments and adjusts the score: the student reads it with the transcript
    teacher = TeacherClient(app, "els@school.nl", "Els Bakker")
    group_id, code = teacher.create_group()
    joined = schema.check(student.post("/api/v1/klassen", json={"code": code}), "POST", "/api/v1/klassen")
    assert joined["groups"]
    assignment = {"scenario": SCENARIO, "modus": "toets", "deadline": "2026-12-31"}
    assert teacher.post(f"/docent/klassen/{group_id}/opdrachten", assignment).status_code == 303
    mine = schema.check(student.get("/api/v1/klassen"), "GET", "/api/v1/klassen")
    assert [a["mode"] for a in mine["assignments"]] == ["toets"]
    for form in ({"doel": "conversation:comment", "opmerking": "Mooi afgesloten."},
                 {"doel": "conversation:score", "score": "80", "opmerking": "De behoefte goed gevraagd."}):
        assert teacher.post(f"/docent/gesprekken/{conv['id']}/oordeel", form).status_code == 303
    read = schema.check(student.get(f"/api/v1/sessions/{conv['id']}"), "GET", "/api/v1/sessions/{session_id}")
    assert read["teacher_feedback"]["adjusted_score"]["score"] == 80
    assert any("analysis" in m for m in read["messages"])

    history = schema.check(student.get("/api/v1/sessions"), "GET", "/api/v1/sessions")
    assert {s["id"] for s in history["sessions"]} == {conv["id"], exam["id"]}
    progress = schema.check(student.get("/api/v1/me/progress"), "GET", "/api/v1/me/progress")
    assert progress["progress"]["attempts"] == 2

    # the Rasa REST channel (a guest by sender id)
    rest = "/webhooks/rest/webhook"
    schema.check(anonymous.get("/webhooks/rest/"), "GET", "/webhooks/rest/")
    replies = schema.check(anonymous.post(rest, json={"sender": "schema-test", "message": STRONG_2_3[0],
                                                       "metadata": {"scenario": SCENARIO}}), "POST", rest)
    assert replies and all(r["recipient_id"] == "schema-test" for r in replies)
    schema.check(anonymous.post(rest, json={"sender": "schema-test"}), "POST", rest)  # 422

    # errors: unknown conversation, unknown code, invalid body and JSON, rate limit, sign-out
    schema.check(student.get("/api/v1/sessions/bestaat-niet"), "GET", "/api/v1/sessions/{session_id}")  # 404
    schema.check(student.post("/api/v1/klassen", json={"code": "KLAS-0000"}), "POST", "/api/v1/klassen")  # 404
    schema.check(student.post("/api/v1/sessions", json={}), "POST", "/api/v1/sessions")  # 422 validation_error
    schema.check(student.post("/api/v1/sessions", json={"scenario": "bestaat-niet"}), "POST", "/api/v1/sessions")
    schema.check(student.post("/api/v1/sessions", content=b"{", headers={"content-type": "application/json"}),
                 "POST", "/api/v1/sessions")  # 400
    # three new guests (or REST senders) per address and hour: Sanne, the REST sender, one more
    guests = [anonymous.post("/api/v1/guest", json={"display_name": "Nog een"}) for _ in range(2)]
    assert [r.status_code for r in guests] == [201, 429]
    schema.check(guests[-1], "POST", "/api/v1/guest")
    schema.check(student.post("/api/v1/logout"), "POST", "/api/v1/logout")

    statuses = {status for _method, _path, status in schema.checked}
    assert {200, 201, 400, 401, 404, 409, 422, 429} <= statuses
    played = {(method, path) for method, path, _status in schema.checked}
    published = {(m.upper(), p) for p, ops in schema.spec["paths"].items() for m in ops}
    assert published <= played, f"routes this test never checked: {sorted(published - played)}"


def test_an_undeclared_or_missing_key_fails_the_check(app, schema: Schema) -> None:
    """The check is strict: what the models do not declare, or leave out, is an error."""
    student = _student(app, schema, "Sanne")
    conv = student.post("/api/v1/sessions", json={"scenario": SCENARIO}).json()
    body = student.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": STRONG_2_3[0]}).json()
    validator = schema.validator("POST", "/api/v1/sessions/{session_id}/messages", 200)
    validator.validate(body)
    extra = {**body, "debug": True}
    nested = copy.deepcopy(body)
    nested["messages"][0]["labels"] = ["weerstand.tijd"]  # stored for teachers, never sent to students
    missing = {k: v for k, v in body.items() if k != "status"}
    for wrong in (extra, nested, missing):
        with pytest.raises(ValidationError):
            validator.validate(wrong)


def _target(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        parts = schema["$ref"].removeprefix("#/").split("/")
        schema = spec
        for part in parts:
            schema = schema[part.replace("~1", "/").replace("~0", "~")]
    return schema


def test_no_route_publishes_an_untyped_answer(schema: Schema) -> None:
    spec = schema.spec
    untyped = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                body = response.get("content", {}).get("application/json", {}).get("schema")
                if body is None:
                    untyped.append((method, path, status, "no JSON schema"))
                    continue
                target = _target(spec, body)
                if target.get("type") == "array":
                    target = _target(spec, target.get("items", {}))
                if not target.get("properties") or target.get("additionalProperties") is not False:
                    untyped.append((method, path, status, target))
    assert not untyped
