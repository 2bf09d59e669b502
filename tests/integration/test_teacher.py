"""The teacher's side end to end through the web app: accounts, groups, review, exports, privacy."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import inspect, select, text

from bot.store.models import Message
from tests.teacher_support import PASSWORD, TeacherClient, add_teacher, converse, student_client


@pytest.fixture()
def app(make_client, database_url):
    return make_client(database_url).app


# --- accounts ---------------------------------------------------------------------------------

def test_set_password_link_is_one_time_and_login_works(app) -> None:
    from fastapi.testclient import TestClient

    token = add_teacher(app, "els@school.nl", "Els Bakker")
    browser = TestClient(app)
    assert "Els Bakker" in browser.get(f"/docent/wachtwoord?token={token}").text
    short = browser.post("/docent/wachtwoord", data={"token": token, "wachtwoord": "kort", "herhaling": "kort"})
    assert short.status_code == 422 and "minstens 10 tekens" in short.text
    ok = browser.post("/docent/wachtwoord", data={"token": token, "wachtwoord": PASSWORD, "herhaling": PASSWORD})
    assert ok.status_code == 200 and "ingesteld" in ok.text
    again = browser.post("/docent/wachtwoord", data={"token": token, "wachtwoord": PASSWORD, "herhaling": PASSWORD})
    assert again.status_code == 422 and "verlopen of al gebruikt" in again.text
    wrong = browser.post("/docent/inloggen", data={"email": "els@school.nl", "wachtwoord": "fout-wachtwoord"})
    assert wrong.status_code == 401 and "klopt niet" in wrong.text
    unknown = browser.post("/docent/inloggen", data={"email": "niemand@school.nl", "wachtwoord": PASSWORD})
    assert unknown.status_code == 401 and "klopt niet" in unknown.text
    good = browser.post("/docent/inloggen", data={"email": "ELS@school.nl ", "wachtwoord": PASSWORD},
                        follow_redirects=False)
    assert good.status_code == 303 and good.headers["location"] == "/docent"
    cookie = good.headers["set-cookie"]
    assert "HttpOnly" in cookie and "oefengesprek_docent=" in cookie
    assert browser.get("/docent").status_code == 200
    with app.state.db.read() as session:
        stored = session.execute(text("SELECT password_hash FROM teachers")).scalar_one()
    assert stored.startswith("$argon2") and PASSWORD not in stored


def test_logout_and_revocation_end_sessions(app) -> None:
    teacher = TeacherClient(app, "jan@school.nl")
    cookie = teacher.client.cookies.get("oefengesprek_docent")
    r = teacher.post("/docent/afmelden-overal")
    assert r.status_code == 303
    from fastapi.testclient import TestClient

    stolen = TestClient(app, cookies={"oefengesprek_docent": cookie})
    assert stolen.get("/docent").status_code == 401


def test_login_is_throttled_per_account(app) -> None:
    from fastapi.testclient import TestClient

    TeacherClient(app, "kim@school.nl")  # one successful login counts too
    browser = TestClient(app)
    codes = [browser.post("/docent/inloggen", data={"email": "kim@school.nl", "wachtwoord": f"fout{i}"}).status_code
             for i in range(10)]
    assert codes[:9] == [401] * 9 and codes[9] == 429
    locked = browser.post("/docent/inloggen", data={"email": "kim@school.nl", "wachtwoord": PASSWORD})
    assert locked.status_code == 429 and "Te veel pogingen" in locked.text


def test_teacher_from_trusted_header_with_role(make_client) -> None:
    client = make_client(trusted_user_header="X-Remote-User", trusted_role_header="X-Remote-Role",
                         trusted_name_header="X-Remote-Name")
    headers = {"X-Remote-User": "j.devries", "X-Remote-Role": "docent", "X-Remote-Name": "Joke de Vries"}
    r = client.get("/docent", headers=headers)
    assert r.status_code == 200 and "Joke de Vries" in r.text
    assert client.get("/docent", headers=headers).status_code == 200  # known: found by a read
    renamed = client.get("/docent", headers={**headers, "X-Remote-Name": "Joke de Vries-Bos"})
    assert "Joke de Vries-Bos" in renamed.text
    with client.app.state.db.read() as session:
        assert session.execute(text("SELECT count(*) FROM teachers")).scalar_one() == 1
    student = client.get("/docent", headers={"X-Remote-User": "s123", "X-Remote-Role": "student"})
    assert student.status_code == 401


# --- groups -----------------------------------------------------------------------------------

def test_join_code_joins_once_and_wrong_codes_are_rate_limited(app) -> None:
    teacher = TeacherClient(app, "jan@school.nl")
    group_id, code = teacher.create_group("CMB2A")
    assert re.fullmatch(r"KLAS-[2-9A-HJKMNP-Z]{4}", code)
    student = student_client(app)
    r = student.post("/api/v1/klassen", json={"code": code.lower().replace("-", " ")})
    assert r.status_code == 201 and r.json()["groups"][0]["name"] == "CMB2A"
    assert student.post("/api/v1/klassen", json={"code": code}).status_code == 201  # idempotent
    assert "Sanne" in teacher.get(f"/docent/klassen/{group_id}").text
    guesser = student_client(app, "Raad")
    first = guesser.post("/api/v1/klassen", json={"code": "KLAS-2222"})
    assert first.status_code == 404 and "bestaat niet of is verlopen" in first.text
    statuses = [guesser.post("/api/v1/klassen", json={"code": f"KLAS-2{i:03d}"}).status_code for i in range(10)]
    assert statuses[:9] == [404] * 9 and statuses[9] == 429
    # rate limited even with the right code now: a guesser cannot tell a hit from a miss
    assert guesser.post("/api/v1/klassen", json={"code": code}).status_code == 429


def test_regenerated_code_replaces_the_old_one(app) -> None:
    teacher = TeacherClient(app, "jan@school.nl")
    group_id, code = teacher.create_group()
    assert teacher.post(f"/docent/klassen/{group_id}/code").status_code == 303
    page = teacher.get(f"/docent/klassen/{group_id}").text
    new = re.search(r'class="code">([^<]+)<', page).group(1)
    assert new != code
    student = student_client(app)
    assert student.post("/api/v1/klassen", json={"code": code}).status_code == 404
    assert student.post("/api/v1/klassen", json={"code": new}).status_code == 201


def test_assignments_are_listed_for_the_student(app) -> None:
    teacher = TeacherClient(app, "jan@school.nl")
    group_id, code = teacher.create_group()
    r = teacher.post(f"/docent/klassen/{group_id}/opdrachten",
                     {"scenario": "2.4-offerte-bureaustoelen", "niveau": "moeilijk", "modus": "toets",
                      "deadline": "2027-01-15"})
    assert r.status_code == 303
    bad = teacher.post(f"/docent/klassen/{group_id}/opdrachten", {"scenario": "bestaat-niet", "modus": "oefenen"})
    assert bad.status_code == 422
    student = student_client(app)
    student.post("/api/v1/klassen", json={"code": code})
    mine = student.get("/api/v1/klassen").json()
    assert mine["assignments"][0]["scenario"] == "2.4-offerte-bureaustoelen"
    assert mine["assignments"][0]["mode"] == "toets" and mine["assignments"][0]["deadline"].startswith("2027-01-15")


# --- authorisation ------------------------------------------------------------------------------

def _teacher_urls(group_id: str, conv_id: str, student_id: str) -> list[tuple[str, str]]:
    return [
        ("GET", f"/docent/klassen/{group_id}"), ("GET", f"/docent/klassen/{group_id}/overzicht"),
        ("GET", f"/docent/klassen/{group_id}/resultaten.csv"), ("GET", f"/docent/gesprekken/{conv_id}"),
        ("GET", f"/docent/gesprekken/{conv_id}/pdf"), ("GET", f"/docent/klassen/{group_id}/studenten/{student_id}"),
        ("GET", f"/docent/studenten/{student_id}/gegevens.json"), ("GET", f"/docent/gesprekken?klas={group_id}"),
        ("POST", f"/docent/klassen/{group_id}/code"), ("POST", f"/docent/klassen/{group_id}/opdrachten"),
        ("POST", f"/docent/klassen/{group_id}/docenten"), ("POST", f"/docent/gesprekken/{conv_id}/oordeel"),
        ("POST", f"/docent/studenten/{student_id}/verwijderen"),
        ("POST", f"/docent/klassen/{group_id}/studenten/{student_id}/verwijderen"),
    ]


def test_every_teacher_page_checks_who_asks(app) -> None:
    from fastapi.testclient import TestClient

    owner = TeacherClient(app, "eigen@school.nl")
    group_id, code = owner.create_group()
    student = student_client(app)
    student.post("/api/v1/klassen", json={"code": code})
    conv_id = converse(student)
    other = TeacherClient(app, "ander@school.nl")
    other.create_group("Andere klas")
    nobody = TestClient(app)
    for method, url in _teacher_urls(group_id, conv_id, student.student_id):
        data = {"doel": "conversation:comment", "opmerking": "x", "bevestig": "VERWIJDER", "scenario": "x"}
        r = other.get(url) if method == "GET" else other.post(url, data)
        assert r.status_code == 404, (method, url, r.status_code)
        r = nobody.request(method, url, data=data if method == "POST" else None)
        assert r.status_code == 401, (method, url, r.status_code)
        r = student.request(method, url, data=data if method == "POST" else None)
        assert r.status_code == 403, (method, url, r.status_code)
    # the other teacher's list does not show the conversation either
    assert conv_id not in other.get("/docent/gesprekken").text
    # and nothing was deleted or changed by the refused requests
    assert owner.get(f"/docent/gesprekken/{conv_id}").status_code == 200
    # a teacher's form without the CSRF token is refused
    r = owner.client.post(f"/docent/gesprekken/{conv_id}/oordeel", data={"doel": "conversation:comment",
                                                                           "opmerking": "x"})
    assert r.status_code == 403


def test_a_student_never_sees_another_students_comments(app) -> None:
    teacher = TeacherClient(app, "jan@school.nl")
    _group_id, code = teacher.create_group()
    sanne, bram = student_client(app, "Sanne"), student_client(app, "Bram")
    for s in (sanne, bram):
        s.post("/api/v1/klassen", json={"code": code})
    conv = converse(sanne)
    teacher.post(f"/docent/gesprekken/{conv}/oordeel", {"doel": "conversation:comment", "opmerking": "Goed gedaan"})
    assert bram.get(f"/api/v1/sessions/{conv}").status_code == 404
    assert sanne.get(f"/api/v1/sessions/{conv}").json()["teacher_feedback"]["comments"][0]["text"] == "Goed gedaan"


# --- review -------------------------------------------------------------------------------------

def test_judgements_keep_the_machine_judgement_and_reach_the_student(app) -> None:
    teacher = TeacherClient(app, "jan@school.nl", "Jan Smit")
    group_id, code = teacher.create_group()
    student = student_client(app)
    student.post("/api/v1/klassen", json={"code": code})
    conv = converse(student)
    page = teacher.get(f"/docent/gesprekken/{conv}").text
    assert "Bewijs van de herkenner" in page and "Legenda" in page and "<svg" in page
    with app.state.db.read() as session:
        before = [(m.text, m.analysis) for m in session.scalars(select(Message).where(Message.conversation_id == conv)
                                                                .order_by(Message.seq))]
        report_before = session.execute(text("SELECT report FROM conversations")).scalar_one()
    r = teacher.post(f"/docent/gesprekken/{conv}/oordeel",
                     {"doel": "turn:2:labels", "oordeel": "oneens", "labels": "open_vraag", "opmerking": "Nieuw onderwerp"})
    assert r.status_code == 303
    r = teacher.post(f"/docent/gesprekken/{conv}/oordeel",
                     {"doel": "turn:2:labels", "oordeel": "deels", "labels": "open_vraag, doorvragen"})
    assert r.status_code == 303
    assert teacher.post(f"/docent/gesprekken/{conv}/oordeel",
                        {"doel": "turn:2:labels", "oordeel": "oneens", "labels": "verzonnen"}).status_code == 422
    assert teacher.post(f"/docent/gesprekken/{conv}/oordeel",
                        {"doel": "check:begroeting", "oordeel": "oneens", "correctie": "niet_gehaald",
                         "opmerking": "Bedrijfsnaam ontbrak"}).status_code == 303
    assert teacher.post(f"/docent/gesprekken/{conv}/oordeel",
                        {"doel": "turn:1:comment", "opmerking": "Sterke opening."}).status_code == 303
    assert teacher.post(f"/docent/gesprekken/{conv}/oordeel",
                        {"doel": "conversation:score", "score": "70"}).status_code == 422  # reason required
    assert teacher.post(f"/docent/gesprekken/{conv}/oordeel",
                        {"doel": "conversation:score", "score": "70", "opmerking": "Afsluitvraag ontbrak"}).status_code == 303
    assert teacher.post(f"/docent/gesprekken/{conv}/oordeel",
                        {"doel": "turn:99:labels", "oordeel": "eens"}).status_code == 422
    with app.state.db.read() as session:
        after = [(m.text, m.analysis) for m in session.scalars(select(Message).where(Message.conversation_id == conv)
                                                               .order_by(Message.seq))]
        report_after = session.execute(text("SELECT report FROM conversations")).scalar_one()
        rows = session.execute(text("SELECT target, verdict, machine, teacher_name FROM judgements ORDER BY id")).all()
    assert before == after and report_before == report_after  # nothing of the machine's judgement overwritten
    assert [r.target for r in rows].count("turn:2:labels") == 2  # both kept, the newest is shown
    assert all(r.teacher_name == "Jan Smit" and r.machine is not None for r in rows if r.target != "turn:1:comment")
    page = teacher.get(f"/docent/gesprekken/{conv}").text
    assert "deels eens" in page and "doorvragen, open_vraag" in page and "Sterke opening." in page
    seen = student.get(f"/api/v1/sessions/{conv}").json()["teacher_feedback"]
    assert seen["adjusted_score"]["score"] == 70 and seen["adjusted_score"]["reason"] == "Afsluitvraag ontbrak"
    assert {c["text"] for c in seen["comments"]} == {"Sterke opening.", "Bedrijfsnaam ontbrak", "Nieuw onderwerp"}
    listing = teacher.get(f"/docent/gesprekken?klas={group_id}").text
    assert "→ 70 (aangepast)" in listing


def test_corrections_export_as_labelled_cases_without_names(app) -> None:
    import yaml

    from bot.teaching.exports import corrections, corrections_yaml

    teacher = TeacherClient(app, "jan@school.nl")
    _group_id, code = teacher.create_group()
    student = student_client(app, "Sanne Visser")
    student.post("/api/v1/klassen", json={"code": code})
    conv = converse(student)
    teacher.post(f"/docent/gesprekken/{conv}/oordeel", {"doel": "turn:2:labels", "oordeel": "oneens",
                                                        "labels": "open_vraag"})
    with app.state.db.read() as session:
        text_out = corrections_yaml(corrections(session))
    data = yaml.safe_load(text_out)
    case = data["utterances"][0]
    assert case["speaker"] == "student" and case["labels"] == ["open_vraag"]
    assert case["text"].startswith("Wat voor printer") and case["previous"]
    assert "Sanne" not in text_out and "Visser" not in text_out


def test_conversation_list_filters_sorts_and_pages(app) -> None:
    from tests.teacher_support import STRONG_2_3

    teacher = TeacherClient(app, "jan@school.nl")
    group_id, code = teacher.create_group()
    student = student_client(app, "Sanne")
    student.post("/api/v1/klassen", json={"code": code})
    converse(student, "2.3-inbound-printer")
    converse(student, "2.4-offerte-bureaustoelen", ["Goedemiddag, met Sanne van Kantoorgemak.", "Tot ziens!"])
    converse(student, "2.3-inbound-printer", STRONG_2_3[:1], end=False)
    all_rows = teacher.get(f"/docent/gesprekken?klas={group_id}").text
    assert "3 gesprekken gevonden" in all_rows
    only_24 = teacher.get(f"/docent/gesprekken?klas={group_id}&werkproces=2.4").text
    assert "1 gesprek gevonden" in only_24
    scored = teacher.get(f"/docent/gesprekken?klas={group_id}&min=0&max=100&sorteer=score&richting=op").text
    assert "2 gesprekken gevonden" in scored
    assert teacher.get("/docent/gesprekken?pagina=99&sorteer=onzin&van=geen-datum").status_code == 200


# --- exports and privacy ----------------------------------------------------------------------

def test_csv_opens_in_dutch_excel_and_pdf_holds_the_transcript(app) -> None:
    from pypdf import PdfReader

    teacher = TeacherClient(app, "jan@school.nl")
    group_id, code = teacher.create_group()
    student = student_client(app, "=HYPERLINK(\"x\") Zoë")
    student.post("/api/v1/klassen", json={"code": code})
    conv = converse(student)
    r = teacher.get(f"/docent/klassen/{group_id}/resultaten.csv")
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["student", "scenario", "werkprocessen"] and len(rows) == 2
    assert rows[1][0].startswith("'=HYPERLINK") and "Zoë" in rows[1][0]  # formula neutralised, ë intact
    assert rows[1][2] == "2.3" and rows[1][5] == "afgerond" and rows[1][7].isdigit()
    pdf = teacher.get(f"/docent/gesprekken/{conv}/pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text_pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Wat voor printer zoekt u precies" in text_pdf and "Competenties" in text_pdf
    assert "Zoë" in text_pdf


def _every_value(engine) -> list[tuple[str, str, str]]:  # noqa: ANN001
    found = []
    with engine.connect() as conn:
        for table in inspect(engine).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                for column, value in row._mapping.items():
                    found.append((table, column, str(value)))
    return found


def test_deleting_a_student_leaves_nothing_of_them(app) -> None:
    teacher = TeacherClient(app, "jan@school.nl")
    group_id, code = teacher.create_group()
    student = student_client(app, "Fenna Zuidema")
    other = student_client(app, "Bram")
    for s in (student, other):
        s.post("/api/v1/klassen", json={"code": code})
    conv = converse(student, lines=["Goedemorgen, met Fenna Zuidema van Kantoorgemak.", "Tot ziens!"])
    converse(other)
    teacher.post(f"/docent/gesprekken/{conv}/oordeel", {"doel": "conversation:comment", "opmerking": "Let op je u-vorm"})
    teacher.get(f"/docent/studenten/{student.student_id}/gegevens.json")  # audit entry about her
    export = teacher.get(f"/docent/studenten/{student.student_id}/gegevens.json").json()
    assert export["student"]["display_name"] == "Fenna Zuidema" and export["conversations"][0]["messages"]
    r = teacher.post(f"/docent/studenten/{student.student_id}/verwijderen", {"bevestig": "nee"})
    assert r.status_code == 422
    r = teacher.post(f"/docent/studenten/{student.student_id}/verwijderen", {"bevestig": "VERWIJDER"})
    assert r.status_code == 200 and "verwijderd" in r.text
    values = _every_value(app.state.db.engine)
    leaks = [(t, c) for t, c, v in values if student.student_id in v or "Fenna" in v or "Zuidema" in v
             or conv in v or "Let op je u-vorm" in v]
    assert leaks == []
    assert any("Bram" in v for _t, _c, v in values)  # the other student is untouched
    assert student.get("/api/v1/me").status_code == 401


def test_retention_clean_up_dry_run_and_real(app) -> None:
    from datetime import timedelta

    from bot.store.models import utcnow
    from bot.teaching.privacy import clean_up

    student = student_client(app)
    old = converse(student)
    new = converse(student)
    with app.state.db.transaction() as conn:
        conn.execute(text("UPDATE conversations SET created_at = :t WHERE id = :id"),
                     {"t": utcnow() - timedelta(days=400), "id": old})
        dry = clean_up(conn, 12, dry_run=True)
    assert dry["conversations"] == 1
    with app.state.db.read() as session:
        assert session.execute(text("SELECT count(*) FROM conversations")).scalar_one() == 2
    with app.state.db.transaction() as conn:
        done = clean_up(conn, 12)
    assert done["conversations"] == 1
    with app.state.db.read() as session:
        ids = [r[0] for r in session.execute(text("SELECT id FROM conversations"))]
        orphans = session.execute(text("SELECT count(*) FROM messages WHERE conversation_id = :id"), {"id": old})
        assert ids == [new] and orphans.scalar_one() == 0


def test_audit_log_records_views_and_exports(app) -> None:
    teacher = TeacherClient(app, "jan@school.nl")
    group_id, code = teacher.create_group()
    student = student_client(app)
    student.post("/api/v1/klassen", json={"code": code})
    conv = converse(student)
    teacher.get(f"/docent/gesprekken/{conv}")
    teacher.get(f"/docent/gesprekken/{conv}/pdf")
    teacher.get(f"/docent/klassen/{group_id}/resultaten.csv")
    with app.state.db.read() as session:
        rows = session.execute(text("SELECT action, subject, actor FROM audit_log ORDER BY id")).all()
    assert [r.action for r in rows] == ["bekeken", "geexporteerd", "geexporteerd"]
    assert rows[0].subject == student.student_id and rows[0].actor.startswith("docent:")


def test_overview_shows_latest_and_best_and_missed_signals(app) -> None:
    teacher = TeacherClient(app, "jan@school.nl")
    group_id, code = teacher.create_group()
    student = student_client(app, "Sanne")
    student.post("/api/v1/klassen", json={"code": code})
    converse(student)
    converse(student, lines=["hoi", "doei"])
    page = teacher.get(f"/docent/klassen/{group_id}/overzicht").text
    assert "Laatste score" in page and "Beste score" in page and "Sanne" in page
    assert re.search(r'class="hm hm-\d">\d+<', page)
    progress = teacher.get(f"/docent/klassen/{group_id}/studenten/{student.student_id}")
    assert progress.status_code == 200 and "<polyline" in progress.text
