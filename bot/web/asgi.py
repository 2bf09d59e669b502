"""ASGI entry point for uvicorn/gunicorn: `uvicorn bot.web.asgi:app` (settings from the environment)."""

from bot.web.app import create_app

app = create_app()
