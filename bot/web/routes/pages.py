"""The student's chat page, the LMS embed (iframe URL and widget.js) and the local API docs."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse

STATIC = Path(__file__).resolve().parent.parent / "static"

router = APIRouter(include_in_schema=False)


# The chat page exists once (index.html); /embed serves the same markup with `class="embed"`
# on <body> (compact layout in app.css) and without the footer that links out of the iframe.
EMBED_BODY = '<body class="embed">'
FOOTER_START = '<footer class="foot">'


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


@router.api_route("/", methods=["GET", "HEAD"])
def index() -> HTMLResponse:
    return _page("index.html")


@router.api_route("/embed", methods=["GET", "HEAD"])
def embed() -> HTMLResponse:
    """The iframe URL for an LMS: the same chat, compact."""
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    return HTMLResponse(embed_variant(html), headers={"cache-control": "no-cache"})


@router.get("/widget.js")
def widget_js() -> FileResponse:
    return FileResponse(STATIC / "widget.js", media_type="text/javascript", headers={"cache-control": "no-cache"})


@router.get("/docs")
def docs() -> HTMLResponse:
    return _page("docs.html")
