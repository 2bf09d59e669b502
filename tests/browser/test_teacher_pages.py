"""The teacher's pages in headless Chromium against the real server: login → group → review →
comment → overview → export, and the student seeing the comment; screenshots of each view."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from browsing import DESKTOP, PHONE, SHOTS, axe, axe_source, browser  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

PASSWORD = "correct-paard-batterij"


def cli(server, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OEFENGESPREK_")}
    env["OEFENGESPREK_DATA_DIR"] = str(server.log_path.parent)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent.parent)
    out = subprocess.run([sys.executable, "-m", "bot", *args], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"docent-{name}.png"), full_page=True)


def look(page, axe, name: str) -> None:  # noqa: ANN001
    """A screenshot and the axe-core check of the view (no serious or critical violation)."""
    shot(page, name)
    axe.check(page, f"docent: {name}")


def student_plays(base: str, code: str) -> tuple[str, str]:
    """A student (over the API, as the widget does) joins the class and has one conversation."""
    with httpx.Client(base_url=base, timeout=30) as s:
        g = s.post("/api/v1/guest", json={"display_name": "Sanne de Boer"}).json()
        h = {"Authorization": f"Bearer {g['token']}"}
        assert s.post("/api/v1/klassen", json={"code": code}, headers=h).status_code == 201
        conv = s.post("/api/v1/sessions", json={"scenario": "2.3-inbound-printer"}, headers=h).json()["id"]
        for line in ("Goedemorgen, u spreekt met Sanne van Kantoorgemak. Waarmee kan ik u helpen?",
                     "Wat voor printer zoekt u precies?", "Bedankt voor uw tijd, fijne dag!"):
            s.post(f"/api/v1/sessions/{conv}/messages", json={"text": line}, headers=h)
        s.post(f"/api/v1/sessions/{conv}/end", headers=h)
        return conv, g["token"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "375"])
def test_teacher_flow(browser, run_server, axe, viewport):
    width = viewport["width"]
    server = run_server()
    link = re.search(r"(/docent/wachtwoord\?token=\S+)", cli(server, "docent", "add", "--email", "jan@school.nl",
                                                          "--naam", "Jan Smit")).group(1)
    context = browser.new_context(viewport=viewport, locale="nl-NL")
    page = context.new_page()
    page.goto(server.base_url + link)
    look(page, axe, f"wachtwoord-{width}")
    page.fill("#wachtwoord", PASSWORD)
    page.fill("#herhaling", PASSWORD)
    page.click("button[type=submit]")
    page.get_by_text("Je wachtwoord is ingesteld").wait_for()
    page.goto(server.base_url + "/docent")
    assert page.url.endswith("/docent")  # 401 shows the login form in place
    look(page, axe, f"inloggen-{width}")
    page.fill("#email", "jan@school.nl")
    page.fill("#wachtwoord", PASSWORD)
    page.click("main button[type=submit]")
    page.get_by_role("heading", name="Mijn klassen").wait_for()
    look(page, axe, f"start-{width}")
    page.fill("#naam", "CMB2A")
    page.get_by_role("button", name="Klas aanmaken").click()
    page.get_by_role("heading", name="Klas CMB2A").wait_for()
    code = page.locator(".code").inner_text().strip()
    look(page, axe, f"klas-{width}")

    conv, token = student_plays(server.base_url, code)

    page.get_by_role("link", name="Gesprekken van deze klas").click()
    page.get_by_text("1 gesprek gevonden").wait_for()
    look(page, axe, f"gesprekken-{width}")
    page.locator("table.tabel tbody a").first.click()
    page.get_by_role("heading", name="Legenda").wait_for()
    assert page.locator("article.regel.student").count() >= 3
    page.locator("#beurt-2 details.beoordelen summary").click()
    page.fill("#com-2", "Goede open vraag: je laat de klant vertellen.")
    page.locator("#beurt-2 form:has(#com-2) button").click()
    page.get_by_text("Goede open vraag: je laat de klant vertellen.").first.wait_for()
    look(page, axe, f"gesprek-{width}")
    page.goto(server.base_url + page.url.split(server.base_url)[1].split("/docent/gesprekken")[0] + "/docent")
    page.get_by_role("link", name="Overzicht").first.click()
    page.get_by_role("heading", name="Laatste score per competentie").wait_for()
    look(page, axe, f"overzicht-{width}")
    page.locator("table.heatmap a").first.click()
    page.get_by_role("heading", name="Voortgang per competentie").wait_for()
    look(page, axe, f"student-{width}")
    page.go_back()
    with page.expect_download() as download:
        page.get_by_role("link", name="Resultaten downloaden (CSV)").click()
    assert download.value.suggested_filename.endswith(".csv")
    context.close()
    assert axe.source is None or len(axe.checked) == 8, axe.checked

    seen = httpx.get(f"{server.base_url}/api/v1/sessions/{conv}", headers={"Authorization": f"Bearer {token}"}).json()
    assert seen["teacher_feedback"]["comments"][0]["text"] == "Goede open vraag: je laat de klant vertellen."


def test_student_joins_in_the_widget_and_reads_the_teachers_comment(browser, run_server, axe):
    """The whole loop with the real server: the student joins the klas and plays in the widget,
    the teacher comments and adjusts the score, the student's report shows both."""
    from test_widget import INBOUND, choose_and_start, play_to_the_end, sign_in, story_lines

    server = run_server(rate_limit_per_minute=0)
    link = re.search(r"(/docent/wachtwoord\?token=\S+)", cli(server, "docent", "add", "--email", "jan@school.nl",
                                                          "--naam", "Jan Smit")).group(1)
    teacher = browser.new_context(viewport=DESKTOP, locale="nl-NL").new_page()
    teacher.goto(server.base_url + link)
    teacher.fill("#wachtwoord", PASSWORD)
    teacher.fill("#herhaling", PASSWORD)
    teacher.click("button[type=submit]")
    teacher.goto(server.base_url + "/docent/inloggen")
    teacher.fill("#email", "jan@school.nl")
    teacher.fill("#wachtwoord", PASSWORD)
    teacher.click("main button[type=submit]")
    teacher.fill("#naam", "CMB2A")
    teacher.get_by_role("button", name="Klas aanmaken").click()
    code = teacher.locator(".code").inner_text().strip()

    student = browser.new_context(viewport=PHONE, locale="nl-NL").new_page()
    student.goto(server.base_url + "/")
    sign_in(student, "Sanne de Boer")
    student.click("#join summary")
    student.fill("#join-code", code.lower())
    with student.expect_response("**/api/v1/klassen") as joined:
        student.click("#join-button")
    assert joined.value.status == 201
    choose_and_start(student, INBOUND)
    play_to_the_end(student, story_lines(INBOUND))
    student.click("#to-report")
    student.locator("#view-report:not([hidden])").wait_for(timeout=30_000)
    assert student.locator("#teacher-box").is_hidden()

    teacher.goto(server.base_url + "/docent/gesprekken")
    teacher.locator("table.tabel tbody a").first.click()
    teacher.locator("#beurt-1 details.beoordelen summary").click()
    teacher.fill("#com-1", "Sterke opening: naam en bedrijf meteen genoemd.")
    teacher.locator("#beurt-1 form:has(#com-1) button").click()
    teacher.get_by_text("Sterke opening: naam en bedrijf meteen genoemd.").first.wait_for()
    teacher.locator("summary", has_text="Score aanpassen").click()
    teacher.fill("#score-nieuw", "77")
    teacher.fill("#score-reden", "De afsluitvraag kwam pas laat.")
    teacher.get_by_role("button", name="Score opslaan").click()
    teacher.get_by_text("De afsluitvraag kwam pas laat.").first.wait_for()

    student.reload()
    student.locator("#view-report:not([hidden])").wait_for(timeout=30_000)
    box = student.locator("#teacher-box")
    box.wait_for()
    assert "Sterke opening: naam en bedrijf meteen genoemd." in box.inner_text()
    assert "77" in box.inner_text() and "De afsluitvraag kwam pas laat." in box.inner_text()
    assert "aangepast door je docent" in student.locator("#report-score").inner_text()
    shot(student, "student-ziet-docent-375")
    axe.check(student, "rapport met opmerking van de docent")
    teacher.context.close()
    student.context.close()
