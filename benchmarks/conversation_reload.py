"""Why the web keeps live conversations (bot.store.conversation_cache): the cost of rebuilding one.

    .venv/bin/python benchmarks/conversation_reload.py [--rounds 20]

Without the cache, every turn would rebuild the conversation from its stored state
(`Conversation.load`: the tracker and the feedback's reading replay every event) before it
steps. This plays every test story to its end and reports, per story length, the CPU time of
that rebuild next to the CPU time of a step, both medians over `--rounds` (reading the
events from the database comes on top of the rebuild and is not counted here).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.engine import session  # noqa: E402
from tests.replay_cases import story_cases  # noqa: E402


def _cpu(fn) -> float:  # noqa: ANN001
    began = time.thread_time()
    fn()
    return time.thread_time() - began


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)
    rows = []
    for case in story_cases():
        conversation = session.Conversation.start(case.scenario, difficulty=case.difficulty, seed=case.seed).conversation
        steps = []
        for line in case.lines:
            if conversation.finished:
                break
            steps.append(_cpu(lambda line=line: conversation.step(line)))
        state = conversation.state
        reloads = [_cpu(lambda: session.Conversation.load(state)) for _ in range(args.rounds)]
        rows.append((conversation.student_turns, len(state["events"]), statistics.median(reloads), statistics.median(steps)))
    rows.sort()
    print("| turns | events | rebuild (ms CPU) | step (ms CPU) | rebuild / step |")
    print("|---:|---:|---:|---:|---:|")
    for turns, events, reload, step in rows[:: max(1, len(rows) // 8)] + rows[-1:]:
        print(f"| {turns} | {events} | {reload * 1000:.2f} | {step * 1000:.2f} | {reload / step:.0%} |")
    share = statistics.median(r[2] / r[3] for r in rows)
    print(f"\n{len(rows)} stories; median rebuild/step ratio {share:.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
