"""`oefengesprek serve`: the web service (uvicorn), SQLite in ./data by default."""

from __future__ import annotations

import argparse
import errno
import os
import socket
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

    try:
        sock = listening_socket(args.host, args.port)
    except OSError as exc:
        print(bind_error(args.host, args.port, exc), file=sys.stderr)
        return 1
    config = uvicorn.Config(
        "bot.web.asgi:app",
        workers=max(1, args.workers),
        log_config=log_config(settings.log_level),
        access_log=False,
        proxy_headers=True,
        server_header=False,  # no "Server: uvicorn" in every answer
    )
    url = f"http://{args.host if ':' not in args.host else f'[{args.host}]'}:{args.port}/"
    announcement = f"Oefengesprek draait op {url} (stoppen: Ctrl+C)"
    try:
        if config.workers > 1:
            from uvicorn.supervisors import Multiprocess

            # the socket listens already; the workers take over the connections as they start
            print(f"{announcement}; {config.workers} werkprocessen starten", file=sys.stderr, flush=True)
            Multiprocess(config, sockets=[sock]).run()
        else:
            AnnouncingServer(config, announcement).run(sockets=[sock])
    finally:
        sock.close()
    return 0


def AnnouncingServer(config, announcement: str):  # noqa: ANN001, ANN201, N802 - a class, built on first use
    """A uvicorn.Server that says "draait op" once the app has started and listens (uvicorn is
    imported only when serving)."""
    import uvicorn

    class Server(uvicorn.Server):
        async def startup(self, sockets=None) -> None:  # noqa: ANN001
            await super().startup(sockets=sockets)
            if not self.should_exit:
                print(announcement, file=sys.stderr, flush=True)

    return Server(config)


def listening_socket(host: str, port: int) -> socket.socket:
    """Bind and listen here, before uvicorn starts, so a taken port gets a Dutch message."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
        sock.set_inheritable(True)  # the worker processes serve from this socket
    except OSError:
        sock.close()
        raise
    return sock


def bind_error(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (f"Poort {port} op {host} is al in gebruik (draait Oefengesprek al, of een ander programma?). "
                f"Stop dat programma of kies een andere poort met --port.")
    if exc.errno == errno.EACCES:
        return f"Geen toestemming om op poort {port} te luisteren: poorten onder 1024 vragen beheerdersrechten. Kies bijvoorbeeld --port 8000."
    if isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:
        return f"Het adres {host} hoort niet bij deze computer. Gebruik bijvoorbeeld --host 127.0.0.1 of --host 0.0.0.0."
    return f"Kan niet luisteren op {host}:{port} (foutcode {exc.errno})."
