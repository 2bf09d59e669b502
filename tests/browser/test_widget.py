"""The chat widget in headless Chromium (Debian's `chromium`, never `playwright install`),
against the real server (`python -m bot serve`) on a free loopback port with a temp SQLite db."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest

from conftest import IN_CI, chromium_path, free_port

pytestmark = pytest.mark.browser

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OPENING = "Goedemorgen, u spreekt met Sanne van Kantoorgemak. Waarmee kan ik u helpen?"
EVIL = "<img src=x onerror=alert(1)>"
SHOTS = Path(__file__).resolve().parent.parent / ".tmp"


@pytest.fixture(scope="module")
def browser():
    path = chromium_path()
    if not path:
        if IN_CI:
            pytest.fail("Debian's chromium is required under CI (apt-get install chromium)")
        pytest.skip("chromium not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if IN_CI:
            raise
        pytest.skip("playwright not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=ARGS, headless=True)
        yield b
        b.close()


def send(page, text: str) -> None:
    before = page.locator("#log .msg.me").count()
    page.fill("#message", text)
    page.keyboard.press("Enter")
    page.locator("#log .msg.me").nth(before).wait_for(timeout=30_000)
    page.locator("#send:enabled").wait_for(timeout=30_000)


def test_student_plays_reloads_and_gets_report(browser, run_server):
    server = run_server()
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="nl-NL")
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    requests_elsewhere: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((server.base_url, "data:")) else requests_elsewhere.append(r.url))

    page.goto(server.base_url + "/")
    # keyboard only: the name field has focus, Enter submits
    page.locator("#login-name").wait_for()
    page.keyboard.type("Sanne")
    page.keyboard.press("Enter")
    page.locator("#view-pick:not([hidden])").wait_for()
    assert page.locator("#scenario-list input[type=radio]").count() >= 1
    assert "Werkproces" in page.locator("#scenario-list").inner_text()
    page.check("input[name=mode][value=oefenen]")
    page.click("#start-button")
    page.locator("#view-chat:not([hidden])").wait_for()
    persona = page.locator("#chat-persona").inner_text()
    assert persona.strip()

    send(page, OPENING)
    send(page, EVIL)
    mine = page.locator("#log .msg.me .text")
    assert mine.nth(mine.count() - 1).text_content() == EVIL, "typed HTML shows as text"
    assert page.locator("#log img").count() == 0 and page.locator("img").count() == 0
    # practice mode: what the recogniser heard (and any tip) sits beside the student's turn
    first_turn = page.locator("#log .msg.me").first
    assert "Herkend" in first_turn.locator(".hint").inner_text()
    count_before = page.locator("#log .msg").count()
    texts_before = page.locator("#log .msg .text").all_text_contents()

    page.reload()
    page.locator("#view-chat:not([hidden])").wait_for()
    assert page.locator("#log .msg").count() == count_before
    assert page.locator("#log .msg .text").all_text_contents() == texts_before

    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "chat-360.png"), full_page=True)

    page.click("#end")
    page.click("#end-yes")
    page.locator("#view-report:not([hidden])").wait_for(timeout=30_000)
    assert "Totaalscore" in page.locator("#report-score").inner_text()
    assert page.locator("#chart .row").count() >= 1
    assert EVIL in page.locator("#transcript").inner_text()
    assert page.locator("img").count() == 0
    page.screenshot(path=str(SHOTS / "report-360.png"), full_page=True)

    # no horizontal scrolling at 360 px
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # back to the picker: the finished conversation is listed, progress per competency shown
    page.click("#again")
    page.locator("#view-pick:not([hidden])").wait_for()
    page.locator("#history-list li").first.wait_for(timeout=10_000)
    assert "afgerond" in page.locator("#history-list").inner_text()
    page.locator("#progress:not([hidden])").wait_for(timeout=10_000)
    assert "1 afgerond gesprek" in page.locator("#progress-summary").inner_text()

    assert dialogs == [], "no alert() may fire"
    assert errors == [], errors
    assert requests_elsewhere == [], "no third-party requests"
    context.close()


def test_widget_js_embeds_the_chat_in_an_lms_page(browser, run_server, tmp_path):
    lms_port = free_port()
    lms_origin = f"http://127.0.0.1:{lms_port}"
    server = run_server(frame_ancestors=lms_origin)
    (tmp_path / "lms").mkdir()
    (tmp_path / "lms" / "index.html").write_text(
        f'<!doctype html><html lang="nl"><body><h1>Cursus verkoop</h1>'
        f'<script src="{server.base_url}/widget.js" data-height="600px"></script></body></html>',
        encoding="utf-8",
    )

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=str(tmp_path / "lms"), **kw)

        def log_message(self, *a):
            pass

    lms = http.server.ThreadingHTTPServer(("127.0.0.1", lms_port), Quiet)
    threading.Thread(target=lms.serve_forever, daemon=True).start()
    try:
        page = browser.new_page()
        page.goto(lms_origin + "/index.html")
        frame_el = page.locator("iframe")
        frame_el.wait_for()
        assert frame_el.get_attribute("src") == server.base_url + "/embed"
        assert frame_el.get_attribute("title")
        frame = page.frame_locator("iframe")
        frame.locator("#login-name").wait_for(timeout=30_000)
        assert "embed" in (frame.locator("body").get_attribute("class") or "")
        page.close()
    finally:
        lms.shutdown()
