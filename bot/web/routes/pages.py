"""The student's chat page, the LMS embed (iframe URL and widget.js) and the local API docs."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse

STATIC = Path(__file__).resolve().parent.parent / "static"

router = APIRouter(include_in_schema=False)


def _page(name: str) -> HTMLResponse:
    return HTMLResponse((STATIC / name).read_text(encoding="utf-8"), headers={"cache-control": "no-cache"})


@router.api_route("/", methods=["GET", "HEAD"])
def index() -> HTMLResponse:
    return _page("index.html")


@router.api_route("/embed", methods=["GET", "HEAD"])
def embed() -> HTMLResponse:
    """The iframe URL for an LMS: the same chat, compact (the page reads ?embed=1 from its own URL)."""
    return _page("embed.html")


@router.get("/widget.js")
def widget_js() -> FileResponse:
    return FileResponse(STATIC / "widget.js", media_type="text/javascript", headers={"cache-control": "no-cache"})


@router.get("/docs")
def docs() -> HTMLResponse:
    return _page("docs.html")
