"""The chat widget in headless Chromium (Debian's `chromium`, never `playwright install`),
against the real server (`python -m bot serve`) on a free loopback port with a temp SQLite db.
Phone (375 × 667) and desktop (1366 × 768): layout measured in the page, axe-core on every
view, screenshots of every view in tests/.tmp/screenshots/."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest
import yaml
from browsing import DESKTOP, PHONE, axe, axe_source, browser, shot  # noqa: F401 (fixtures)

from conftest import free_port

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent.parent
EVIL = "<img src=x onerror=alert(1)>"
INBOUND = "2.3-inbound-printer"


def story_lines(scenario: str) -> list[str]:
    """The student lines of the first (successful) test story of a scenario."""
    data = yaml.safe_load((ROOT / "tests" / "stories" / f"{scenario}.yml").read_text(encoding="utf-8"))
    return [step["user"] for step in data["stories"][0]["steps"] if "user" in step]


def new_page(browser, server, viewport):
    context = browser.new_context(viewport=viewport, locale="nl-NL", service_workers="block")
    page = context.new_page()
    page.problems = []  # type: ignore[attr-defined]
    page.on("dialog", lambda d: (page.problems.append("dialog: " + d.message), d.dismiss()))
    page.on("pageerror", lambda e: page.problems.append(f"pageerror: {e}"))
    page.on("request", lambda r: None if r.url.startswith((server.base_url, "data:"))
            else page.problems.append("third party: " + r.url))
    return page


def sign_in(page, name: str = "Sanne") -> None:
    page.locator("#login-name").wait_for()
    page.keyboard.type(name)  # keyboard only: the name field has focus, Enter submits
    page.keyboard.press("Enter")
    page.locator("#view-pick:not([hidden])").wait_for()


def signed_in_page(browser, run_server, viewport, path: str = "/", name: str = "Sanne"):
    """A fresh server and a page on it with a signed-in guest, at the picker."""
    server = run_server(rate_limit_per_minute=0)
    page = new_page(browser, server, viewport)
    page.goto(server.base_url + path)
    sign_in(page, name)
    return server, page


def choose_and_start(page, scenario: str | None = None, mode: str = "oefenen") -> None:
    if scenario:
        page.check(f"input[name=scenario][value='{scenario}']")
    page.check(f"input[name=mode][value={mode}]", force=True)
    page.click("#start-button")
    page.locator("#view-chat:not([hidden])").wait_for()


def send(page, text: str) -> None:
    before = page.locator("#log .msg.me").count()
    page.fill("#message", text)
    page.keyboard.press("Enter")
    page.locator("#log .msg.me").nth(before).wait_for(timeout=30_000)
    page.wait_for_function("() => !document.getElementById('send').disabled", timeout=30_000)


def rect(page, selector: str) -> dict:
    return page.eval_on_selector(selector, "e => { const r = e.getBoundingClientRect();"
                                 " return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,"
                                 " width: r.width, height: r.height}; }")


def visible_messages(page) -> int:
    """Messages whose bubble is wholly inside the visible part of the message list."""
    return page.evaluate("""() => {
        const log = document.getElementById('log').getBoundingClientRect();
        const vh = window.visualViewport ? window.visualViewport.height : window.innerHeight;
        const bottom = Math.min(log.bottom, vh);
        return [...document.querySelectorAll('#log .msg .bubble')].filter(b => {
            const r = b.getBoundingClientRect();
            return r.height > 0 && r.top >= log.top - 1 && r.bottom <= bottom + 1;
        }).length;
    }""")


def page_scrolls(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollHeight > window.innerHeight + 1")


def play_to_the_end(page, lines: list[str]) -> None:
    for line in lines:
        send(page, line)
        if page.locator("#finished:not([hidden])").count():
            return
    raise AssertionError("the customer never ended the conversation")


def test_phone_student_plays_reloads_and_reads_the_report(browser, run_server, axe):
    server = run_server(rate_limit_per_minute=0)
    page = new_page(browser, server, PHONE)
    page.goto(server.base_url + "/")
    page.locator("#view-login:not([hidden])").wait_for()
    axe.check(page, "aanmelden")
    shot(page, "phone-1-aanmelden")
    sign_in(page)

    # the picker: compact cards, the Start button on the first screen without scrolling
    cards = page.locator("#scenario-list .scenario")
    assert cards.count() >= 10
    assert "Werkproces" in cards.first.inner_text()
    assert page.evaluate("window.scrollY") == 0
    start = rect(page, "#start-button")
    assert 0 <= start["top"] and start["bottom"] <= PHONE["height"], start
    assert page.is_visible("#start-button")
    # details on demand: the briefing of a card shows only when asked for
    first_more = cards.first.locator("details.scenario-more")
    assert not first_more.evaluate("d => d.open")
    first_more.locator("summary").click()
    assert first_more.locator("p").nth(2).is_visible()
    axe.check(page, "kiezer")
    shot(page, "phone-2-kiezer")
    # scrolled down to the last card, Start is still on screen (sticky bar)
    cards.last.scroll_into_view_if_needed()
    start = rect(page, "#start-button")
    assert 0 <= start["top"] and start["bottom"] <= PHONE["height"], start

    choose_and_start(page, INBOUND)
    # the briefing: open at the start, collapsible to the one line "Je opdracht"
    assert page.locator("#briefing").evaluate("d => d.open")
    assert page.locator("#briefing summary").inner_text().strip() == "Je opdracht"
    assert page.locator("#chat-briefing").inner_text().strip()
    axe.check(page, "briefing")
    shot(page, "phone-3-briefing")
    page.click("#briefing-close")
    assert not page.locator("#briefing").evaluate("d => d.open")
    assert rect(page, "#briefing summary")["height"] < 40

    lines = story_lines(INBOUND)
    for line in lines[:4]:
        send(page, line)
    send(page, EVIL)
    mine = page.locator("#log .msg.me .text")
    assert mine.nth(mine.count() - 1).text_content() == EVIL, "typed HTML shows as text"
    assert page.locator("img").count() == 0
    # practice mode: what the recogniser heard sits under the student's own turn
    assert "Herkend" in page.locator("#log .msg.me").first.locator(".hint").inner_text()

    # a messaging app: one scroll area (the messages), the composer on screen
    assert not page_scrolls(page), "the page itself must not scroll in the chat"
    composer = rect(page, "#composer")
    assert composer["bottom"] <= PHONE["height"] and composer["top"] > PHONE["height"] / 2, composer
    shown = visible_messages(page)
    assert shown >= 3, f"only {shown} messages visible at 375 × 667"
    axe.check(page, "gesprek")
    shot(page, "phone-4-gesprek")

    # the briefing stays reachable and does not push the conversation away
    log_before = rect(page, "#log")
    page.click("#briefing summary")
    assert page.locator("#chat-briefing").is_visible()
    assert rect(page, "#log") == log_before
    shot(page, "phone-5-briefing-tijdens-gesprek")
    page.keyboard.press("Escape")
    assert not page.locator("#briefing").evaluate("d => d.open")

    # the on-screen keyboard: the visual viewport shrinks to 667 - 290 px
    keyboard = 290
    page.evaluate("""(k) => {
        const vv = window.visualViewport;
        Object.defineProperty(vv, 'height', {configurable: true, get: () => window.innerHeight - k});
        vv.dispatchEvent(new Event('resize'));
    }""", keyboard)
    page.focus("#message")
    page.wait_for_timeout(100)
    composer = rect(page, "#composer")
    assert composer["bottom"] <= PHONE["height"] - keyboard + 1, composer
    assert visible_messages(page) >= 1
    shot(page, "phone-6-toetsenbord")
    # the layout viewport resized by the keyboard (interactive-widget=resizes-content)
    page.evaluate("() => { delete window.visualViewport.height; window.visualViewport.dispatchEvent(new Event('resize')); }")
    page.set_viewport_size({"width": 375, "height": PHONE["height"] - keyboard})
    page.wait_for_timeout(100)
    composer = rect(page, "#composer")
    assert composer["bottom"] <= PHONE["height"] - keyboard + 1, composer
    assert visible_messages(page) >= 1
    page.set_viewport_size(PHONE)

    # a reload continues the conversation
    count_before = page.locator("#log .msg").count()
    texts_before = page.locator("#log .msg .text").all_text_contents()
    page.reload()
    page.locator("#view-chat:not([hidden])").wait_for()
    assert page.locator("#log .msg").count() == count_before
    assert page.locator("#log .msg .text").all_text_contents() == texts_before

    # the customer says goodbye: the last line stays readable, then one clear step
    play_to_the_end(page, lines[4:])
    last = page.locator("#log .msg").last
    assert "them" in (last.get_attribute("class") or "")
    box, log = rect(page, "#log .msg:last-child .bubble"), rect(page, "#log")
    assert box["top"] >= log["top"] - 1 and box["bottom"] <= log["bottom"] + 1, "last customer line visible"
    assert page.locator("#composer").is_hidden()
    assert page.locator("#to-report").inner_text() == "Bekijk je beoordeling"
    assert rect(page, "#to-report")["bottom"] <= PHONE["height"]
    assert page.locator("#view-chat").is_visible(), "no jump to the report"
    axe.check(page, "einde gesprek")
    shot(page, "phone-7-einde")

    page.click("#to-report")
    page.locator("#view-report:not([hidden])").wait_for(timeout=30_000)
    assert "Totaalscore" in page.locator("#report-score").inner_text()
    tracks = page.eval_on_selector_all("#chart .track", "ts => ts.map(t => t.getBoundingClientRect().width)")
    assert len(tracks) >= 2 and max(tracks) - min(tracks) <= 1, f"bars of unequal length: {tracks}"
    assert min(tracks) >= 200, tracks
    values = page.eval_on_selector_all("#chart .value", "vs => vs.map(v => [v.scrollWidth, v.clientWidth,"
                                       " parseFloat(getComputedStyle(v).fontSize)])")
    assert all(sw <= cw and size >= 14 for sw, cw, size in values), values
    groups = page.locator("#feedback details.fb-group")
    assert groups.count() >= 1
    assert not groups.first.evaluate("d => d.open"), "feedback collapsed per competency on a phone"
    groups.first.locator("summary").click()
    assert groups.first.locator("li").first.is_visible()
    assert EVIL in page.locator("#transcript").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "no sideways scrolling"
    axe.check(page, "beoordeling")
    shot(page, "phone-8-beoordeling")

    # back to the picker: the finished conversation is listed, progress per competency shown
    page.click("#again")
    page.locator("#view-pick:not([hidden])").wait_for()
    page.locator("#history-list li").first.wait_for(timeout=10_000)
    assert "afgerond" in page.locator("#history-list").inner_text()
    page.locator("#progress:not([hidden])").wait_for(timeout=10_000)
    assert "1 afgerond gesprek" in page.locator("#progress-summary").inner_text()
    axe.check(page, "kiezer met voortgang")
    assert axe.source is None or len(axe.checked) == 7
    assert page.problems == [], page.problems  # type: ignore[attr-defined]
    page.context.close()


def test_desktop_layout(browser, run_server, axe):
    server, page = signed_in_page(browser, run_server, DESKTOP)
    start = rect(page, "#start-button")
    assert start["bottom"] <= DESKTOP["height"], start
    shot(page, "desktop-1-kiezer")
    choose_and_start(page, INBOUND)
    for line in story_lines(INBOUND)[:5]:
        send(page, line)
    assert not page_scrolls(page)
    assert rect(page, "#composer")["bottom"] <= DESKTOP["height"]
    assert visible_messages(page) >= 4
    # the tip beside the turn, not under it
    turn = page.locator("#log .msg.me").first
    hint, bubble = turn.locator(".hint").bounding_box(), turn.locator(".bubble").bounding_box()
    assert hint["x"] >= bubble["x"] + bubble["width"] - 1
    axe.check(page, "gesprek (desktop)")
    shot(page, "desktop-2-gesprek")
    page.click("#end")
    page.click("#end-yes")
    page.locator("#view-report:not([hidden])").wait_for(timeout=30_000)
    tracks = page.eval_on_selector_all("#chart .track", "ts => ts.map(t => t.getBoundingClientRect().width)")
    assert len(tracks) >= 2 and max(tracks) - min(tracks) <= 1, tracks
    assert page.locator("#feedback details.fb-group").first.evaluate("d => d.open")
    axe.check(page, "beoordeling (desktop)")
    shot(page, "desktop-3-beoordeling")

    # the teacher's review as the API gives it (bot.teaching.review): the student reads it in the report
    def with_review(route):
        response = route.fetch()
        view = response.json()
        view["teacher_feedback"] = {
            "comments": [{"turn": 2, "text": "Goede open vraag: je laat de klant vertellen.", "teacher": "Jan Smit",
                          "at": "2026-12-07T10:00:00+00:00"}],
            "adjusted_score": {"score": 72, "reason": "Je vroeg goed door.", "teacher": "Jan Smit",
                               "at": "2026-12-07T10:05:00+00:00", "machine_score": view["report"]["score"]},
        }
        route.fulfill(response=response, json=view)

    page.route("**/api/v1/sessions/*", lambda route: with_review(route) if route.request.method == "GET"
               else route.continue_())
    page.reload()
    page.locator("#teacher-box:not([hidden])").wait_for(timeout=30_000)
    assert "aangepast door je docent" in page.locator("#report-score").inner_text()
    teacher = page.locator("#teacher-box").inner_text()
    assert "72 van 100" in teacher and "Je vroeg goed door." in teacher and "Jan Smit" in teacher
    assert "Goede open vraag" in teacher and page.locator("#teacher-box a[href='#beurt-2']").count() == 1
    axe.check(page, "beoordeling met docent (desktop)")
    shot(page, "desktop-4-beoordeling-docent")
    page.goto(server.base_url + "/docs")
    page.locator("#endpoints .endpoint").first.wait_for()
    axe.check(page, "API-documentatie")
    assert page.problems == [], page.problems  # type: ignore[attr-defined]
    page.context.close()


def test_counter_errors_beside_the_composer_and_safe_retries(browser, run_server, axe):
    _, page = signed_in_page(browser, run_server, PHONE)
    choose_and_start(page, INBOUND)
    page.click("#briefing-close")
    send(page, story_lines(INBOUND)[0])

    # the counter says the limit while typing; a long paste is kept whole and not sent
    page.fill("#message", "woord " * 10)
    assert page.locator("#counter").inner_text() == "59 / 2000 tekens"
    long_text = ("Dit is een heel lange zin over printers " * 60).strip()
    page.fill("#message", long_text)
    counter = page.locator("#counter").inner_text()
    assert f"{len(long_text)} / 2000 tekens" in counter and "te veel" in counter
    assert page.locator("#message").get_attribute("aria-invalid") == "true"
    mine_before = page.locator("#log .msg.me").count()
    page.keyboard.press("Enter")
    error = page.locator("#chat-error")
    assert "maximaal 2000" in error.inner_text() and "niets verstuurd" in error.inner_text()
    assert page.input_value("#message") == long_text, "never a silent cut"
    assert page.locator("#log .msg.me").count() == mine_before
    assert error.get_attribute("role") == "alert"
    box, composer = rect(page, "#chat-error"), rect(page, "#message")
    assert 0 <= box["top"] and box["bottom"] <= composer["top"] + 1 and composer["top"] - box["bottom"] < 60, (box, composer)
    assert box["bottom"] <= PHONE["height"]
    axe.check(page, "fout bij het versturen")
    shot(page, "phone-9-teller-en-fout")

    # the server unreachable: retried with the same Idempotency-Key, then a clear message
    keys: list[str | None] = []

    def offline(route):
        keys.append(route.request.headers.get("idempotency-key"))
        route.abort("connectionrefused")

    page.route("**/messages", offline)
    page.fill("#message", "Waarvoor gebruikt u de printer vooral?")
    page.keyboard.press("Enter")
    page.locator("#send:enabled").wait_for(timeout=15_000)
    assert len(keys) == 3 and keys[0] and len(set(keys)) == 1, keys
    text = error.inner_text()
    assert "niet verstuurd" in text and "Geen verbinding" in text and "opnieuw" in text, text
    assert page.input_value("#message") == "Waarvoor gebruikt u de printer vooral?"
    box = rect(page, "#chat-error")
    assert 0 <= box["top"] and box["bottom"] <= rect(page, "#message")["top"] + 1
    shot(page, "phone-10-geen-verbinding")

    # the connection is back: the retry of the same message carries the same key
    sent: list[str | None] = []
    page.unroute("**/messages")
    page.route("**/messages", lambda route: (sent.append(route.request.headers.get("idempotency-key")), route.continue_()))
    send(page, "Waarvoor gebruikt u de printer vooral?")
    assert sent == [keys[0]]
    assert error.inner_text() == ""
    # a new message gets a new key
    send(page, "Kunt u daar wat meer over vertellen?")
    assert len(sent) == 2 and sent[1] != sent[0]
    assert page.locator("#log .msg.me").count() == mine_before + 2

    # ending while the server is down: no "wordt beoordeeld…" left next to the error
    page.route("**/end", lambda route: route.abort("connectionrefused"))
    page.click("#end")
    page.click("#end-yes")
    page.locator("#end-yes:enabled").wait_for(timeout=15_000)
    assert "nog niet beëindigd" in error.inner_text() and "bewaard" in error.inner_text()
    assert page.locator("#working").inner_text() == ""
    assert "beoordeeld" not in page.locator("#view-chat").inner_text()
    shot(page, "phone-11-beeindigen-mislukt")
    page.unroute("**/end")
    page.click("#end-yes")
    page.locator("#view-report:not([hidden])").wait_for(timeout=30_000)
    assert page.problems == [], page.problems  # type: ignore[attr-defined]
    page.context.close()


def test_reload_while_the_server_is_down_explains_it(browser, run_server, axe):
    server = run_server(rate_limit_per_minute=0)
    context = browser.new_context(viewport=PHONE, locale="nl-NL")
    page = context.new_page()
    page.goto(server.base_url + "/")
    sign_in(page)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now the service worker controls the page and has its copy
    page.locator("#view-pick:not([hidden])").wait_for()
    assert page.evaluate("!!navigator.serviceWorker.controller")
    server.process.terminate()
    server.process.wait(timeout=15)
    page.reload()
    page.locator("#view-offline:not([hidden])").wait_for(timeout=15_000)
    text = page.locator("#view-offline").inner_text()
    assert "niet bereikbaar" in text and "probeer het" in text.lower()
    assert page.is_visible("#offline-retry")
    axe.check(page, "server niet bereikbaar")
    shot(page, "phone-12-server-onbereikbaar")
    context.close()


def test_sign_out_clears_the_student_for_the_next_one(browser, run_server):
    _, page = signed_in_page(browser, run_server, PHONE, name="Eerste")
    choose_and_start(page)
    assert page.locator("#logout").is_visible() and page.locator("#logout").inner_text() == "Afmelden"
    assert rect(page, "#logout")["bottom"] <= PHONE["height"]
    page.click("#logout")
    page.locator("#view-login:not([hidden])").wait_for()
    assert page.input_value("#login-name") == ""
    assert page.evaluate("localStorage.getItem('oefengesprek.gesprek')") is None
    page.reload()
    page.locator("#view-login:not([hidden])").wait_for()  # the cookie is gone too
    sign_in(page, "Tweede")
    assert page.locator("#who-name").inner_text() == "Tweede"
    assert page.locator("#history").is_hidden(), "the next student does not see the first one's conversations"
    assert page.problems == [], page.problems  # type: ignore[attr-defined]
    page.context.close()


def test_locked_embed_goes_straight_to_the_briefing(browser, run_server, axe):
    # as the LTI launch sends it: locked scenario, level and mode
    server, page = signed_in_page(browser, run_server, PHONE,
                                  f"/embed?scenario={INBOUND}&vast=1&niveau=moeilijk&modus=toets")
    assert page.locator("#pick-title").inner_text() == "Je opdracht"
    assert page.input_value("#difficulty") == "moeilijk" and page.is_disabled("#difficulty")
    assert page.is_checked("input[name=mode][value=toets]") and page.is_disabled("input[name=mode][value=oefenen]")
    assert page.locator("#scenario-list .scenario").count() == 1
    assert page.locator("#scenario-list .scenario-more").evaluate("d => d.open")
    assert "Bakkerij De Vries" in page.locator("#scenario-list").inner_text()
    assert rect(page, "#start-button")["bottom"] <= PHONE["height"]
    axe.check(page, "vaste opdracht (embed)")
    shot(page, "phone-13-embed-vast")
    page.click("#start-button")
    page.locator("#view-chat:not([hidden])").wait_for()
    assert "Ingrid de Vries" in page.locator("#chat-persona").inner_text()
    assert page.locator("#chat-mode").inner_text() == "Toets: zonder tips"
    axe.check(page, "gesprek (embed)")
    page.click("#new-conversation")
    page.locator("#view-pick:not([hidden])").wait_for()
    assert page.locator("#scenario-list .scenario").count() == 1
    # unlocked, the preselected scenario comes first and is chosen
    page.goto(f"{server.base_url}/embed?scenario=3.3-service-watertap")
    page.locator("#view-chat:not([hidden]), #view-pick:not([hidden])").first.wait_for()
    page.click("#new-conversation")
    first = page.locator("#scenario-list input[name=scenario]").first
    assert first.get_attribute("value") == "3.3-service-watertap" and first.is_checked()
    assert page.locator("#scenario-list .scenario").count() >= 10
    assert page.problems == [], page.problems  # type: ignore[attr-defined]
    page.context.close()


def test_class_code_and_assigned_scenarios_first(browser, run_server, axe):
    """The student enters the teacher's class code; the teacher's assignment comes first with
    its level and mode. The klassen API is stubbed in the page, so this checks the widget."""
    import json

    server = run_server(rate_limit_per_minute=0)
    page = new_page(browser, server, PHONE)
    mine = {"groups": [], "assignments": []}
    joined = {"groups": [{"id": "g1", "name": "CMB2A"}],
              "assignments": [{"scenario": "3.1-klacht-koffieautomaat", "difficulty": "moeilijk", "mode": "toets",
                               "deadline": "2026-12-18T16:00:00+00:00", "group": "CMB2A"}]}
    codes: list[str] = []

    def klassen(route):
        if route.request.method == "POST":
            codes.append(json.loads(route.request.post_data or "{}")["code"])
            mine.update(joined)
        route.fulfill(status=201 if route.request.method == "POST" else 200,
                      content_type="application/json", body=json.dumps(mine))

    page.route("**/api/v1/klassen", klassen)
    page.goto(server.base_url + "/")
    sign_in(page)
    first = page.locator("#scenario-list input[name=scenario]").first
    assert first.get_attribute("value") != "3.1-klacht-koffieautomaat"
    page.click("#join summary")
    page.fill("#join-code", "klas-7q4m")
    page.click("#join-button")
    page.get_by_text("Je zit in: CMB2A.").wait_for()
    assert codes == ["KLAS-7Q4M"]
    first = page.locator("#scenario-list .scenario").first
    assert first.locator("input").get_attribute("value") == "3.1-klacht-koffieautomaat"
    assert "Opdracht van je docent, vóór 18 december" in first.inner_text()
    first.locator("input").check()
    assert page.input_value("#difficulty") == "moeilijk"
    assert page.is_checked("input[name=mode][value=toets]")
    axe.check(page, "kiezer met klas")
    shot(page, "phone-14-klascode")
    assert page.problems == [], page.problems  # type: ignore[attr-defined]
    page.context.close()


def test_widget_js_embeds_the_chat_in_an_lms_page(browser, run_server, tmp_path):
    lms_port = free_port()
    lms_origin = f"http://127.0.0.1:{lms_port}"
    server = run_server(frame_ancestors=lms_origin)
    (tmp_path / "lms").mkdir()
    (tmp_path / "lms" / "index.html").write_text(
        f'<!doctype html><html lang="nl"><body><h1>Cursus verkoop</h1>'
        f'<script src="{server.base_url}/widget.js" data-height="600px"></script>'
        f'<div id="opdracht"></div><script src="{server.base_url}/widget.js" data-target="#opdracht"'
        f' data-scenario="{INBOUND}" data-vast="1"></script></body></html>',
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
        frames = page.locator("iframe")
        frames.nth(1).wait_for()
        assert frames.nth(0).get_attribute("src") == server.base_url + "/embed"
        assert frames.nth(1).get_attribute("src") == f"{server.base_url}/embed?scenario={INBOUND}&vast=1"
        assert frames.nth(0).get_attribute("title")
        frame = page.frame_locator("iframe >> nth=0")
        frame.locator("#login-name").wait_for(timeout=30_000)
        assert "embed" in (frame.locator("body").get_attribute("class") or "")
        page.close()
    finally:
        lms.shutdown()
