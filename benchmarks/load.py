"""Load benchmark: N concurrent simulated students against `oefengesprek serve`.

    .venv/bin/python benchmarks/load.py [--students 50] [--think 1.0] [--seconds 20]
    .venv/bin/python benchmarks/load.py --postgres [URL] --workers 2    # PostgreSQL, two workers

What it does, all on 127.0.0.1, bounded in count and time:
1. starts `python -m bot serve` on a free loopback port with a fresh database: SQLite in a
   temp dir (default, one worker), or with --postgres a fresh PostgreSQL database created on
   that server (default postgresql://postgres@127.0.0.1:5432/postgres) and dropped at the end,
   served by --workers processes (rate limits switched off for the run: one address plays 50
   students); it reports the time to the first answer and to readiness (engine loaded);
2. latency phase: N students (starting spread over --ramp seconds, default 5) each sign in as
   a guest and play a full conversation (start, the student lines of a story from
   tests/stories/*.yml in that story's scenario, end) with a think time between turns
   (default 1.0 s +-50 %, a very fast typist); reports p50/p95/p99 of the message turns;
3. throughput phase: the same N students with no think time for --seconds → turns/s;
4. the floor: a bare FastAPI endpoint (in this file) that only stores the message in the same
   database (SQLite: WAL, BEGIN IMMEDIATE), served by as many workers and loaded the same
   way → turns/s; our throughput is printed as a ratio of that floor (for information: the
   capacity is stated as students per core, below);
5. server CPU per turn (all worker processes, from /proc) and from it the capacity: students
   per core at a realistic pace of one line per 15 s (PACE_S), with the core 100 % busy;
6. server memory: RSS and peak RSS of the server processes from /proc.

Exit code 0 when there were no errors (the targets are reported, not enforced).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pydantic import BaseModel

ROOT = Path(__file__).resolve().parent.parent

FALLBACK_LINES = [
    "Goedemorgen, u spreekt met Sanne van Kantoorgemak. Waarmee kan ik u helpen?",
    "Vervelend dat uw printer kapot is. Waar gebruikt u de printer vooral voor?",
    "Hoeveel pagina's print u ongeveer per week?",
    "Dus u zoekt een betrouwbare printer die ook kan scannen, klopt dat?",
    "Dan past de Printa MF 450 goed bij u: die print in kleur en scant snel.",
    "Die kost 649 euro exclusief btw en we leveren binnen twee werkdagen.",
    "Zal ik hem voor u bestellen?",
    "Dank u wel voor uw bestelling, fijne dag nog!",
]


# --- student lines ----------------------------------------------------------------------------

def student_scripts() -> list[tuple[str | None, list[str]]]:
    """(scenario, student lines) per story from tests/stories/*.yml (Rasa test stories), else a built-in script."""
    scripts: list[tuple[str | None, list[str]]] = []
    try:
        import yaml

        for path in sorted((ROOT / "tests" / "stories").glob("*.yml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for story in data.get("stories", []) or []:
                steps = story.get("steps", []) or []
                lines = [str(s["user"]).strip() for s in steps if isinstance(s, dict) and s.get("user")]
                lines = [line for line in lines if line and not line.startswith("/")]
                scenario = (story.get("metadata") or {}).get("scenario")
                if lines:
                    scripts.append((scenario, lines[:20]))
    except Exception as exc:  # noqa: BLE001 - fall back to the built-in script
        print(f"(tests/stories not usable: {exc})", file=sys.stderr)
    return scripts or [(None, FALLBACK_LINES)]


# --- the floor: a bare FastAPI endpoint that only stores the message ------------------------------

class FloorBody(BaseModel):
    text: str


def floor_app(database_url: str):  # noqa: ANN201
    from fastapi import FastAPI
    from sqlalchemy import Column, Integer, MetaData, String, Table, Text, insert, text

    from bot.store.db import Database

    metadata = MetaData()
    floor_messages = Table(
        "floor_messages", metadata,
        Column("id", Integer, primary_key=True), Column("conversation", String(36)), Column("text", Text),
    )
    db = Database(database_url)
    metadata.create_all(db.engine)
    app = FastAPI()

    @app.get("/readyz")
    def ready() -> dict:
        with db.read() as s:
            s.execute(text("SELECT 1"))
        return {"status": "ok"}

    @app.post("/floor/{conversation}/messages")
    def store(conversation: str, body: FloorBody) -> dict:
        with db.write() as s:
            s.execute(insert(floor_messages).values(conversation=conversation, text=body.text))
        return {"messages": [{"speaker": "klant", "text": "ok"}]}

    return app


def floor_from_env():  # noqa: ANN201 - uvicorn factory for the floor's worker processes
    return floor_app(os.environ["LOAD_FLOOR_DATABASE_URL"])


def serve_floor(port: int, database_url: str, workers: int = 1) -> None:
    import uvicorn

    os.environ["LOAD_FLOOR_DATABASE_URL"] = database_url
    floor_app(database_url)  # create the table once, before the workers
    uvicorn.run("load:floor_from_env", factory=True, app_dir=str(Path(__file__).resolve().parent), host="127.0.0.1",
                port=port, workers=workers, log_level="warning", access_log=False)


# --- servers ------------------------------------------------------------------------------------

def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(base: str, proc: subprocess.Popen, timeout: float = 180, log_path: Path | None = None) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log_path.read_text(errors="replace")[-3000:] if log_path else ""
            raise SystemExit(f"server stopped early (exit {proc.returncode})\n{tail}")
        try:
            if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise SystemExit(f"server at {base} not ready after {timeout}s")


def process_tree(pid: int) -> list[int]:
    """The process and all its descendants (uvicorn's worker processes)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo.extend(children.get(p, []))
    return tree


def rss_mb(pid: int) -> tuple[float, float]:
    """RSS and peak RSS, summed over the process tree (MB)."""
    total = {"VmRSS": 0.0, "VmHWM": 0.0}
    for p in process_tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith(("VmRSS:", "VmHWM:")):
                    key, val = line.split(":", 1)
                    total[key] += int(val.split()[0]) / 1024
        except OSError:
            pass
    return total["VmRSS"] or float("nan"), total["VmHWM"] or float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its workers (from /proc), independent of how busy
    the machine is."""
    total = 0.0
    for p in process_tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            pass
    return total


def postgres_cpu_seconds(database: str) -> float:
    """CPU time of the PostgreSQL backends serving `database` (their process title names it;
    the pool keeps them open for the whole run)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                if not title.startswith("postgres: ") or f" {database} " not in title:
                    continue
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            except (OSError, IndexError, ValueError):
                pass
    return total


# --- PostgreSQL: a fresh database per run ---------------------------------------------------------

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


def create_postgres_database(admin_url: str) -> str:
    import uuid

    import psycopg

    name = f"oefengesprek_load_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres_database(admin_url: str, url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_app_server(tmp: Path, log, database_url: str | None = None,  # noqa: ANN001
                     workers: int = 1) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OEFENGESPREK_")}
    env.update(
        OEFENGESPREK_DATA_DIR=str(tmp / "app"),
        OEFENGESPREK_RATE_LIMIT_PER_MINUTE="0",
        OEFENGESPREK_RATE_LIMIT_GUESTS_PER_HOUR="0",
        OEFENGESPREK_LOG_LEVEL="warning",
        PYTHONPATH=str(ROOT),
    )
    if database_url:
        env["OEFENGESPREK_DATABASE_URL"] = database_url
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    return proc, f"http://127.0.0.1:{port}"


def start_floor_server(tmp: Path, log, database_url: str | None = None,  # noqa: ANN001
                       workers: int = 1) -> tuple[subprocess.Popen, str]:
    port = free_port()
    url = database_url or f"sqlite:///{tmp / 'floor.sqlite3'}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--serve-floor", str(port), url, str(workers)],
        cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    return proc, f"http://127.0.0.1:{port}"


def wait_first_answer(base: str, proc: subprocess.Popen, timeout: float = 180) -> None:
    """Until the server answers anything at all (/healthz), ready or not."""
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            httpx.get(base + "/healthz", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.02)


# --- a minimal HTTP/1.1 keep-alive client -------------------------------------------------------
# httpx.AsyncClient itself becomes the bottleneck at 50 connections (about 36 req/s against a
# bare endpoint that serves 550 req/s to this client), so the students speak HTTP directly.

class Response:
    def __init__(self, status_code: int, body: bytes) -> None:
        self.status_code = status_code
        self.body = body

    def json(self):  # noqa: ANN201
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


class Connection:
    def __init__(self, base: str) -> None:
        hostport = base.split("://", 1)[1]
        host, port = hostport.rsplit(":", 1)
        assert host in ("127.0.0.1", "localhost"), "loopback only"
        self.host, self.port = host, int(port)
        self.reader = self.writer = None
        self.last_used = 0.0

    async def _open(self) -> None:
        self.close()
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    IDLE_REOPEN = 4.0  # uvicorn closes idle keep-alive connections after 5 s; browsers reconnect too

    async def request(self, method: str, path: str, body=None, headers: dict | None = None) -> Response:  # noqa: ANN001
        if self.writer is None or time.monotonic() - self.last_used > self.IDLE_REOPEN:
            await self._open()
        data = json.dumps(body).encode() if body is not None else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(data)}"]
        if body is not None:
            lines.append("Content-Type: application/json")
        for k, v in (headers or {}).items():
            lines.append(f"{k}: {v}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + data)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:].strip())
        payload = await self.reader.readexactly(length) if length else b""
        self.last_used = time.monotonic()
        return Response(status, payload)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = self.reader = None


async def get_json(base: str, path: str):  # noqa: ANN201
    conn = Connection(base)
    try:
        return (await conn.request("GET", path)).json()
    finally:
        conn.close()


# --- simulated students -------------------------------------------------------------------------

class Stats:
    def __init__(self) -> None:
        self.turn_latencies: list[float] = []
        self.other_latencies: list[float] = []
        self.turns = 0
        self.conversations = 0
        self.errors: list[str] = []

    def summary(self, seconds: float) -> dict:
        lat = sorted(self.turn_latencies)

        def pct(p: float) -> float:
            if not lat:
                return float("nan")
            return lat[min(len(lat) - 1, int(round(p / 100 * (len(lat) - 1))))] * 1000

        return {
            "turns": self.turns,
            "conversations": self.conversations,
            "seconds": round(seconds, 2),
            "turns_per_s": round(self.turns / seconds, 1) if seconds else 0.0,
            "p50_ms": round(pct(50), 1),
            "p95_ms": round(pct(95), 1),
            "p99_ms": round(pct(99), 1),
            "mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else float("nan"),
            "errors": len(self.errors),
        }


async def timed(stats: Stats, coro, *, turn: bool):  # noqa: ANN001, ANN202
    t0 = time.perf_counter()
    r = await coro
    dt = time.perf_counter() - t0
    (stats.turn_latencies if turn else stats.other_latencies).append(dt)
    return r


async def student(i: int, base: str, scenario: str, scripts, stats: Stats, deadline: float, think: float,  # noqa: ANN001
                  max_conversations: int, ramp: float = 0.0) -> None:
    client = Connection(base)
    try:
        await _student(i, client, scenario, scripts, stats, deadline, think, max_conversations, ramp)
    except Exception as exc:  # noqa: BLE001
        stats.errors.append(f"connection: {exc!r}")
    finally:
        client.close()


async def _student(i: int, client: Connection, scenario: str, scripts, stats: Stats, deadline: float,  # noqa: ANN001
                   think: float, max_conversations: int, ramp: float = 0.0) -> None:
    rng = random.Random(i)
    if ramp:
        await asyncio.sleep(ramp * rng.random())  # a class does not all press "Start" in the same millisecond
    r = await client.request("POST", "/api/v1/guest", {"display_name": f"Student {i}"})
    if r.status_code != 201:
        stats.errors.append(f"guest {r.status_code} {r.text[:200]}")
        return
    headers = {"Authorization": f"Bearer {r.json()['token']}"}
    done = 0
    while time.monotonic() < deadline and done < max_conversations:
        story_scenario, lines = scripts[(i + done) % len(scripts)]
        body = {"scenario": story_scenario or scenario}
        r = await timed(stats, client.request("POST", "/api/v1/sessions", body, headers), turn=False)
        if r.status_code != 201:
            stats.errors.append(f"start {r.status_code} {r.text[:200]}")
            return
        conv = r.json()
        finished = conv.get("finished", False)
        for line in lines:
            if finished or time.monotonic() >= deadline:
                break
            if think:
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))
            r = await timed(stats, client.request("POST", f"/api/v1/sessions/{conv['id']}/messages",
                                                  {"text": line}, headers), turn=True)
            if r.status_code != 200:
                stats.errors.append(f"turn {r.status_code} {r.text[:200]}")
                break
            stats.turns += 1
            finished = r.json().get("finished", False)
        r = await timed(stats, client.request("POST", f"/api/v1/sessions/{conv['id']}/end", None, headers), turn=False)
        if r.status_code != 200:
            stats.errors.append(f"end {r.status_code} {r.text[:200]}")
            return
        stats.conversations += 1
        done += 1


async def floor_student(i: int, base: str, lines: list[str], stats: Stats, deadline: float, think: float) -> None:
    client = Connection(base)
    try:
        await _floor_student(i, client, lines, stats, deadline, think)
    except Exception as exc:  # noqa: BLE001
        stats.errors.append(f"connection: {exc!r}")
    finally:
        client.close()


async def _floor_student(i: int, client: Connection, lines: list[str], stats: Stats, deadline: float,
                         think: float) -> None:
    rng = random.Random(i)
    conv = f"floor-{i}"
    k = 0
    while time.monotonic() < deadline:
        if think:
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
        r = await timed(stats, client.request("POST", f"/floor/{conv}/messages", {"text": lines[k % len(lines)]}), turn=True)
        k += 1
        if r.status_code != 200:
            stats.errors.append(f"floor {r.status_code} {r.text[:200]}")
            continue
        stats.turns += 1


async def run_phase(base: str, n: int, seconds: float, think: float, scripts, scenario: str | None,  # noqa: ANN001
                    max_conversations: int = 1000, ramp: float = 0.0) -> dict:
    stats = Stats()
    t0 = time.monotonic()
    deadline = t0 + seconds
    if scenario is None:
        lines = [line for _, s in scripts for line in s]
        tasks = [floor_student(i, base, lines, stats, deadline, think) for i in range(n)]
    else:
        tasks = [student(i, base, scenario, scripts, stats, deadline, think, max_conversations, ramp) for i in range(n)]
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - t0
    out = stats.summary(elapsed)
    if stats.errors:
        out["first_errors"] = stats.errors[:3]
    return out


PACE_S = 15.0  # a realistic student: one line every 15 s (reading the reply, thinking, typing)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=50)
    ap.add_argument("--think", type=float, default=1.0, help="mean think time between turns in the latency phase (s)")
    ap.add_argument("--latency-seconds", type=float, default=30.0, help="cap on the latency phase")
    ap.add_argument("--conversations", type=int, default=1, help="conversations per student in the latency phase")
    ap.add_argument("--ramp", type=float, default=5.0, help="students start spread over this many seconds (latency phase)")
    ap.add_argument("--seconds", type=float, default=15.0, help="length of each throughput phase")
    ap.add_argument("--postgres", nargs="?", const=DEFAULT_POSTGRES, default=None, metavar="ADMIN_URL",
                    help=f"run on a fresh PostgreSQL database created through ADMIN_URL (default {DEFAULT_POSTGRES})")
    ap.add_argument("--workers", type=int, default=1, help="server worker processes (several need --postgres)")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--serve-floor", nargs="+", metavar="ARG", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.serve_floor:
        port, url, *rest = args.serve_floor
        serve_floor(int(port), url, int(rest[0]) if rest else 1)
        return 0
    if args.workers > 1 and not args.postgres:
        ap.error("--workers > 1 needs --postgres (SQLite is the one-process default)")

    sys.path.insert(0, str(ROOT))
    n = max(1, min(args.students, 500))
    workers = max(1, args.workers)
    scripts = student_scripts()
    database = "PostgreSQL" if args.postgres else "SQLite"
    results: dict = {"students": n, "think_s": args.think, "scripts": len(scripts), "database": database,
                     "workers": workers}
    app_db = floor_db = None
    with tempfile.TemporaryDirectory(prefix="oefengesprek-load-") as tmpdir:
        tmp = Path(tmpdir)
        log = open(tmp / "server.log", "wb")
        try:
            if args.postgres:
                app_db = create_postgres_database(args.postgres)
                floor_db = create_postgres_database(args.postgres)
            app, base = start_app_server(tmp, log, app_db, workers)
            try:
                t0 = time.monotonic()
                wait_first_answer(base, app)
                results["first_answer_s"] = round(time.monotonic() - t0, 2)
                results["first_answer_cpu_s"] = round(cpu_seconds(app.pid), 2)
                wait_ready(base, app, log_path=tmp / "server.log")
                results["startup_s"] = round(time.monotonic() - t0, 2)
                known = [sc["id"] for sc in asyncio.run(get_json(base, "/api/v1/scenarios"))["scenarios"]]
                scenario = known[0]
                scripts = [(sc, lines) for sc, lines in scripts if sc is None or sc in known] or [(None, FALLBACK_LINES)]
                results["scenario"] = scenario
                results["scripts"] = len(scripts)
                results["scenarios_played"] = sorted({sc or scenario for sc, _ in scripts})
                results["rss_idle_mb"] = round(rss_mb(app.pid)[0], 1)
                results["latency_phase"] = asyncio.run(
                    run_phase(base, n, args.latency_seconds, args.think, scripts, scenario, args.conversations, args.ramp)
                )
                app_dbname = app_db.rsplit("/", 1)[1] if app_db else ""
                cpu0, db0 = cpu_seconds(app.pid), postgres_cpu_seconds(app_dbname) if app_db else 0.0
                results["throughput_phase"] = asyncio.run(run_phase(base, n, args.seconds, 0.0, scripts, scenario))
                tp = results["throughput_phase"]
                tp["server_cpu_ms_per_turn"] = round((cpu_seconds(app.pid) - cpu0) * 1000 / max(1, tp["turns"]), 2)
                if app_db:
                    db_cpu = postgres_cpu_seconds(app_dbname) - db0
                    tp["database_cpu_ms_per_turn"] = round(db_cpu * 1000 / max(1, tp["turns"]), 2)
                rss, peak = rss_mb(app.pid)
                results["rss_mb"], results["rss_peak_mb"] = round(rss, 1), round(peak, 1)
            finally:
                app.terminate()
                app.wait(timeout=20)
            floor, floor_base = start_floor_server(tmp, log, floor_db, workers)
            try:
                wait_ready(floor_base, floor, log_path=tmp / "server.log")
                results["floor_latency_phase"] = asyncio.run(
                    run_phase(floor_base, n, min(args.latency_seconds, 15.0), args.think, scripts, None)
                )
                cpu0 = cpu_seconds(floor.pid)
                results["floor_throughput_phase"] = asyncio.run(run_phase(floor_base, n, args.seconds, 0.0, scripts, None))
                ft = results["floor_throughput_phase"]
                ft["server_cpu_ms_per_turn"] = round((cpu_seconds(floor.pid) - cpu0) * 1000 / max(1, ft["turns"]), 2)
            finally:
                floor.terminate()
                floor.wait(timeout=20)
        finally:
            log.close()
            for url in (app_db, floor_db):
                if url:
                    drop_postgres_database(args.postgres, url)
        if any(results[k]["errors"] for k in ("latency_phase", "throughput_phase")):
            print((tmp / "server.log").read_text(errors="replace")[-3000:], file=sys.stderr)

    ours = results["throughput_phase"]["turns_per_s"]
    floor_tps = results["floor_throughput_phase"]["turns_per_s"]
    results["ratio_of_floor"] = round(ours / floor_tps, 3) if floor_tps else None
    ours_cpu = results["throughput_phase"].get("server_cpu_ms_per_turn")
    floor_cpu = results["floor_throughput_phase"].get("server_cpu_ms_per_turn")
    results["cpu_ratio_of_floor"] = round(floor_cpu / ours_cpu, 3) if ours_cpu and floor_cpu else None
    # Capacity: one core does 1000 / (CPU ms per turn) turns per second; a student at PACE_S needs
    # 1 / PACE_S of them. Start, sign-in and end are included (amortised over the turns).
    per_turn = (ours_cpu or 0) + (results["throughput_phase"].get("database_cpu_ms_per_turn") or 0)
    results["students_per_core_at_15s"] = int(PACE_S * 1000 / per_turn) if per_turn else None
    try:
        results["load_average"] = round(os.getloadavg()[0], 2)
    except OSError:
        results["load_average"] = None
    lat = results["latency_phase"]
    results["targets"] = {
        "p95_le_50ms": lat["p95_ms"] <= 50,
        "first_answer_le_3s": results["first_answer_s"] <= 3,
        "zero_errors": lat["errors"] == 0 and results["throughput_phase"]["errors"] == 0,
    }
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        fl = results["floor_latency_phase"]
        tp = results["throughput_phase"]
        ft = results["floor_throughput_phase"]
        print(f"Oefengesprek load test: {n} concurrent students, {database}, {workers} worker(s), {results['scripts']} "
              f"scripted conversations over {len(results['scenarios_played'])} scenarios")
        print(f"  latency phase (think {args.think}s): {lat['turns']} turns, {lat['conversations']} conversations, "
              f"{lat['turns_per_s']} turns/s, p50 {lat['p50_ms']} ms, p95 {lat['p95_ms']} ms, p99 {lat['p99_ms']} ms, "
              f"errors {lat['errors']}")
        print(f"  floor, same load:           p50 {fl['p50_ms']} ms, p95 {fl['p95_ms']} ms, p99 {fl['p99_ms']} ms")
        print(f"  throughput (no think time): {tp['turns_per_s']} turns/s (p95 {tp['p95_ms']} ms, errors {tp['errors']})")
        print(f"  floor throughput:           {ft['turns_per_s']} turns/s (p95 {ft['p95_ms']} ms)")
        print(f"  ratio of floor:             {results['ratio_of_floor']} (turns/s); "
              f"server CPU per turn {tp.get('server_cpu_ms_per_turn')} ms vs floor {ft.get('server_cpu_ms_per_turn')} ms "
              f"(ratio {results['cpu_ratio_of_floor']})"
              + (f"; PostgreSQL CPU per turn {tp['database_cpu_ms_per_turn']} ms" if "database_cpu_ms_per_turn" in tp else ""))
        print(f"  capacity: {results['students_per_core_at_15s']} students per core at one line per {PACE_S:.0f} s "
              f"(core 100 % busy; plan for about half)")
        print(f"  machine load average at the end: {results['load_average']} (on {os.cpu_count()} cores)")
        print(f"  server RSS: idle {results['rss_idle_mb']} MB, after {results['rss_mb']} MB, peak {results['rss_peak_mb']} MB; "
              f"first answer {results['first_answer_s']} s ({results['first_answer_cpu_s']} s CPU), "
              f"ready {results['startup_s']} s")
        print(f"  targets: {results['targets']}")
        for key in ("latency_phase", "throughput_phase", "floor_latency_phase", "floor_throughput_phase"):
            if results[key].get("first_errors"):
                print(f"  first errors ({key}): {results[key]['first_errors']}")
    return 0 if results["targets"]["zero_errors"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
