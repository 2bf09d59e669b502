"""`oefengesprek serve`: the web service (uvicorn), SQLite in ./data by default."""

from __future__ import annotations

import argparse
import os
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "serve",
        help="start de webservice (chat, API, REST-kanaal)",
        description=(
            "Start de webservice. Standaard SQLite in ./data (wordt aangemaakt en gemigreerd); "
            "OEFENGESPREK_DATABASE_URL=postgresql://... schakelt over naar PostgreSQL."
        ),
    )
    p.add_argument("--host", default="127.0.0.1", help="adres om op te luisteren (standaard 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="poort (standaard 8000)")
    p.add_argument("--workers", type=int, default=1, help="aantal werkprocessen (standaard 1)")
    p.add_argument("--data-dir", help="map voor de SQLite-database en de geheime sleutel (standaard ./data)")
    p.add_argument("--migrate-only", action="store_true", help="voer alleen de databasemigraties uit en stop")
    p.add_argument("--log-level", default=None, help="debug, info, warning, error")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.data_dir:
        os.environ["OEFENGESPREK_DATA_DIR"] = args.data_dir
    if args.log_level:
        os.environ["OEFENGESPREK_LOG_LEVEL"] = args.log_level

    from bot.store import migrate
    from bot.store.db import Database
    from bot.web.settings import Settings

    settings = Settings()
    db = Database(settings.resolved_database_url, pool_size=1)
    try:
        migrate.upgrade(db.engine)  # once, here, before any worker starts
    except Exception as exc:  # noqa: BLE001
        print(f"Kon de database niet bijwerken ({db.dialect}): {exc}", file=sys.stderr)
        return 1
    finally:
        db.dispose()
    if args.migrate_only:
        print(f"Database bijgewerkt tot revisie {migrate.head_revision()}.")
        return 0
    settings.resolved_secret_key  # noqa: B018 - create the key file before the workers race for it
    os.environ["OEFENGESPREK_MIGRATE_ON_START"] = "false"

    import uvicorn

    from bot.web.logs import log_config

    print(f"Oefengesprek draait op http://{args.host}:{args.port}/ (stoppen: Ctrl+C)", file=sys.stderr)
    uvicorn.run(
        "bot.web.asgi:app",
        host=args.host,
        port=args.port,
        workers=max(1, args.workers),
        log_config=log_config(settings.log_level),
        access_log=False,
        proxy_headers=True,
    )
    return 0
