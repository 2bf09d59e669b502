"""Shared fixtures of the browser tests (imported by the test modules; not a conftest.py, so that
`from conftest import …` keeps meaning tests/conftest.py): Debian's chromium through the `playwright` package
(never `playwright install`), axe-core from npm, screenshots under tests/.tmp/screenshots/.

axe-core is installed by `.ci/run` (`npm install --prefix tests/.tmp/node axe-core@…`, a
git-ignored folder) or found at OEFENGESPREK_AXE_JS. Missing: the accessibility checks are
skipped locally and fail under CI, like chromium itself."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import IN_CI, chromium_path

ROOT = Path(__file__).resolve().parent.parent.parent
SHOTS = ROOT / "tests" / ".tmp" / "screenshots"
AXE_DEFAULT = ROOT / "tests" / ".tmp" / "node" / "node_modules" / "axe-core" / "axe.min.js"

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The chat's findings named in issue 11 (landmark-unique is only "moderate" in axe): never again.
NAMED_FINDINGS = {"listitem", "scrollable-region-focusable", "landmark-unique"}
PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1366, "height": 768}


# Module scope, not session: while sync_playwright is open an asyncio loop runs in this
# thread, and later tests that call asyncio.run() would fail.
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


@pytest.fixture(scope="session")
def axe_source() -> str | None:
    """The text of axe.min.js, or None (local run without it: the checks are skipped)."""
    path = Path(os.environ.get("OEFENGESPREK_AXE_JS") or AXE_DEFAULT)
    if path.is_file():
        return path.read_text(encoding="utf-8")
    if IN_CI:
        pytest.fail(f"axe-core is required under CI and missing at {path} (.ci/run installs it with npm)")
    return None


class Axe:
    """Runs axe-core in a page and collects serious and critical violations per view."""

    def __init__(self, source: str | None) -> None:
        self.source = source
        self.checked: list[str] = []

    def check(self, page_or_frame, view: str) -> None:
        if self.source is None:
            return
        if not page_or_frame.evaluate("() => typeof window.axe !== 'undefined'"):
            page_or_frame.evaluate(self.source)
        result = page_or_frame.evaluate(
            "() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ("
            "{id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"
        )
        bad = [v for v in result if v["impact"] in ("serious", "critical") or v["id"] in NAMED_FINDINGS]
        others = [v for v in result if v not in bad]
        if others:  # kept for a person to read, not a failure
            SHOTS.mkdir(parents=True, exist_ok=True)
            with open(SHOTS / "axe-minor.txt", "a", encoding="utf-8") as out:
                out.write(f"{view}: {others}\n")
        assert not bad, f"axe-core, view {view}: {bad}"
        self.checked.append(view)


@pytest.fixture()
def axe(axe_source) -> Axe:
    return Axe(axe_source)


def shot(page, name: str) -> None:
    """A screenshot of the visible screen, kept for a person to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))
