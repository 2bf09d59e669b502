"""The student's chat page, the LMS embed (iframe URL and widget.js) and the local API docs."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse

STATIC = Path(__file__).resolve().parent.parent / "static"

router = APIRouter(include_in_schema=False)


# The chat page exists once (index.html); /embed serves the same markup with `class="embed"`
# on <body> (compact layout in app.css) and without the footer that links out of the iframe.
EMBED_BODY = '<body class="embed">'
FOOTER_START = '<footer class="foot">'
# app.js reads the message limit from this tag, so the counter says the server's own limit.
MAX_LENGTH_META = '<meta name="oefengesprek-max-message-length" content="2000">'


def _page(name: str) -> HTMLResponse:
    return HTMLResponse((STATIC / name).read_text(encoding="utf-8"), headers={"cache-control": "no-cache"})


def embed_variant(html: str) -> str:
    """index.html as the LMS iframe page: body class `embed`, no footer."""
    if "<body>" not in html:
        raise ValueError("index.html mist <body>")
    html = html.replace("<body>", EMBED_BODY, 1)
    start = html.find(FOOTER_START)
    if start != -1:
        end = html.index("</footer>", start) + len("</footer>")
        html = html[:start] + html[end:]
    return html


def with_max_length(html: str, max_length: int) -> str:
    """index.html with the server's message limit in its meta tag."""
    if MAX_LENGTH_META not in html:
        raise ValueError("index.html mist de meta-tag oefengesprek-max-message-length")
    return html.replace(MAX_LENGTH_META, MAX_LENGTH_META.replace('"2000"', f'"{int(max_length)}"'), 1)


def _chat_page(request: Request, *, embed: bool) -> HTMLResponse:
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    html = with_max_length(html, request.app.state.settings.max_message_length)
    if embed:
        html = embed_variant(html)
    return HTMLResponse(html, headers={"cache-control": "no-cache"})


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    return _chat_page(request, embed=False)


@router.api_route("/embed", methods=["GET", "HEAD"], response_class=HTMLResponse)
def embed(request: Request) -> HTMLResponse:
    """The iframe URL for an LMS: the same chat, compact. `?scenario=<id>` preselects a scenario,
    `&vast=1` locks the widget to it (app.js reads both)."""
    return _chat_page(request, embed=True)


@router.get("/sw.js")
def service_worker() -> FileResponse:
    """The chat page's service worker (served from the root so that its scope covers / and /embed)."""
    return FileResponse(STATIC / "sw.js", media_type="text/javascript", headers={"cache-control": "no-cache"})


@router.get("/widget.js")
def widget_js() -> FileResponse:
    return FileResponse(STATIC / "widget.js", media_type="text/javascript", headers={"cache-control": "no-cache"})


@router.get("/docs", response_class=HTMLResponse)
def docs() -> HTMLResponse:
    return _page("docs.html")
