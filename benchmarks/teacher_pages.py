"""Speed of the teacher's review list, class overview and transcript for a group of 30 students
with 20 finished conversations each (600 conversations, real reports and messages).

    .venv/bin/python benchmarks/teacher_pages.py [--database-url URL] [--rounds 20]

The data is made by playing one real conversation through the web app and copying its rows
(messages, events, report) 600 times with other students, dates and scores. Prints the median
and the 95th percentile per page, over the TestClient (the full FastAPI stack, no network).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select, text  # noqa: E402

from bot.store.models import Conversation, ConversationEvents, Message, Student, utcnow  # noqa: E402
from bot.store.teacher_models import GroupMember  # noqa: E402


def build(app, students: int, per_student: int) -> tuple[str, str]:  # noqa: ANN001
    from tests.teacher_support import TeacherClient, converse, student_client

    teacher = TeacherClient(app, "bench@school.nl", "Bench Docent")
    group_id, code = teacher.create_group("Benchmarkklas")
    first = student_client(app, "Student 00")
    first.post("/api/v1/klassen", json={"code": code})
    template_id = converse(first)
    conv_t, msg_t, ev_t = Conversation.__table__, Message.__table__, ConversationEvents.__table__
    rng = random.Random(7)
    with app.state.db.transaction() as conn:
        conv = dict(conn.execute(select(conv_t).where(conv_t.c.id == template_id)).first()._mapping)
        messages = [dict(r._mapping) for r in conn.execute(select(msg_t).where(msg_t.c.conversation_id == template_id))]
        events = [dict(r._mapping) for r in conn.execute(select(ev_t).where(ev_t.c.conversation_id == template_id))]
        now = utcnow()
        for s in range(students):
            sid = first.student_id if s == 0 else f"bench-student-{s:03d}"
            if s:
                conn.execute(Student.__table__.insert().values(id=sid, display_name=f"Student {s:02d}", kind="guest",
                                                               created_at=now))
                conn.execute(GroupMember.__table__.insert().values(group_id=group_id, student_id=sid, joined_at=now))
            for n in range(per_student if s else per_student - 1):
                cid = f"bench-{s:03d}-{n:02d}"
                score = rng.randint(15, 95)
                summary = dict(conv["summary"] or {})
                summary["competencies"] = {k: (None if v is None else max(0, min(100, v + rng.randint(-30, 30))))
                                           for k, v in (summary.get("competencies") or {}).items()}
                conn.execute(conv_t.insert().values({**conv, "id": cid, "student_id": sid, "score": score,
                                                     "summary": summary,
                                                     "created_at": now - timedelta(hours=rng.randint(1, 2000))}))
                conn.execute(msg_t.insert(), [{**m, "id": None, "conversation_id": cid} for m in messages])
                conn.execute(ev_t.insert(), [{**e, "conversation_id": cid} for e in events])
    return teacher, group_id


def timed(client, url: str, rounds: int) -> tuple[float, float]:  # noqa: ANN001
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--per-student", type=int, default=20)
    args = parser.parse_args()
    from fastapi.testclient import TestClient

    from bot.web.app import create_app
    from bot.web.settings import Settings

    tmp = Path(tempfile.mkdtemp())
    url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    app = create_app(Settings(data_dir=tmp, database_url=url, rate_limit_per_minute=0))
    with TestClient(app):
        teacher, group_id = build(app, args.students, args.per_student)
        with app.state.db.read() as session:
            total = session.execute(text("SELECT count(*) FROM conversations")).scalar_one()
            some = session.execute(text("SELECT id FROM conversations ORDER BY id LIMIT 1")).scalar_one()
        print(f"{args.students} studenten × {args.per_student} gesprekken = {total} gesprekken ({app.state.db.dialect})")
        pages = {
            "lijst (klas, nieuwste eerst)": f"/docent/gesprekken?klas={group_id}",
            "lijst (gefilterd op werkproces, score 50-100, op score)":
                f"/docent/gesprekken?klas={group_id}&werkproces=2.3&min=50&max=100&sorteer=score",
            "lijst (pagina 20)": f"/docent/gesprekken?klas={group_id}&pagina=20",
            "klasoverzicht": f"/docent/klassen/{group_id}/overzicht",
            "geannoteerd transcript": f"/docent/gesprekken/{some}",
            "resultaten.csv": f"/docent/klassen/{group_id}/resultaten.csv",
        }
        for name, url in pages.items():
            timed(teacher.client, url, 2)  # warm
            median, p95 = timed(teacher.client, url, args.rounds)
            print(f"{name:58s} mediaan {median:6.1f} ms   p95 {p95:6.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
