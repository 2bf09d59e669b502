"""Helpers for the teacher-side tests: accounts, signed-in teacher clients, groups, conversations."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from bot.teaching import accounts

PASSWORD = "correct-paard-batterij"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def add_teacher(app, email: str, name: str) -> str:  # noqa: ANN001
    with app.state.db.transaction() as conn:
        _teacher, token = accounts.add_teacher(conn, email, name)
    return token


class TeacherClient:
    """A browser of a signed-in teacher (its own cookie jar) with the page's CSRF token."""

    def __init__(self, app, email: str, name: str = "Docent") -> None:  # noqa: ANN001
        self.client = TestClient(app, base_url="http://testserver")
        token = add_teacher(app, email, name)
        r = self.client.post("/docent/wachtwoord", data={"token": token, "wachtwoord": PASSWORD, "herhaling": PASSWORD})
        assert r.status_code == 200, r.text
        r = self.client.post("/docent/inloggen", data={"email": email, "wachtwoord": PASSWORD}, follow_redirects=False)
        assert r.status_code == 303, r.text
        self.csrf = CSRF.search(self.client.get("/docent").text).group(1)

    def get(self, url: str, **kw):  # noqa: ANN003, ANN201
        return self.client.get(url, **kw)

    def post(self, url: str, data: dict | None = None, **kw):  # noqa: ANN003, ANN201
        return self.client.post(url, data={"csrf": self.csrf, **(data or {})}, follow_redirects=False, **kw)

    def create_group(self, name: str = "CMB2A") -> tuple[str, str]:
        r = self.post("/docent/klassen", {"naam": name})
        assert r.status_code == 303, r.text
        group_id = r.headers["location"].rsplit("/", 1)[1]
        page = self.get(f"/docent/klassen/{group_id}").text
        code = re.search(r'class="code">([^<]+)<', page).group(1)
        return group_id, code


def student_client(app, name: str = "Sanne") -> TestClient:  # noqa: ANN001
    client = TestClient(app, base_url="http://testserver")
    r = client.post("/api/v1/guest", json={"display_name": name})
    assert r.status_code == 201, r.text
    client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    client.student_id = r.json()["student"]["id"]  # type: ignore[attr-defined]
    return client


STRONG_2_3 = [
    "Goedemorgen, u spreekt met Sanne van Kantoorgemak. Waarmee kan ik u helpen?",
    "Wat voor printer zoekt u precies, en waarvoor gebruikt u hem vooral?",
    "Dank u wel voor uw tijd en nog een fijne dag!",
]


def converse(client: TestClient, scenario: str = "2.3-inbound-printer", lines=STRONG_2_3, end: bool = True) -> str:  # noqa: ANN001
    r = client.post("/api/v1/sessions", json={"scenario": scenario})
    assert r.status_code == 201, r.text
    conv_id = r.json()["id"]
    for line in lines:
        r = client.post(f"/api/v1/sessions/{conv_id}/messages", json={"text": line})
        assert r.status_code == 200, r.text
        if r.json()["finished"]:
            break
    if end:
        assert client.post(f"/api/v1/sessions/{conv_id}/end").status_code == 200
    return conv_id
