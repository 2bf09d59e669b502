"""In-process cost of one conversation turn: NLU + policy + actions (Conversation.step).

    .venv/bin/python benchmarks/turn_latency.py [--rounds 20] [--clock cpu|wall] [--json]

Plays every test story in tests/stories/ and a scripted conversation for every scenario,
`--rounds` times each (after one warm-up round), and reports the median and p99 of a
student turn on the live conversation (bot.engine.session.Conversation.step, as the CLI and
the web run it); the same step without the time spent in the NLU (the analyse call inside
the step, timed apart); session.start and the report (Conversation.report) per conversation; and the parts: NLU alone, engine alone (engine.handle_message), engine
without the actions' own code. The default clock is the CPU time of this thread
(time.thread_time), which other processes on a shared machine disturb less than wall time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.engine import session  # noqa: E402
from bot.engine.engine import get_engine  # noqa: E402

SCRIPT = [
    "Goedemorgen, u spreekt met Sanne van Kantoorgemak.",
    "Waarmee kan ik u helpen?",
    "Kunt u daar wat meer over vertellen?",
    "Als ik u goed begrijp, zoekt u iets dat snel geleverd kan worden.",
    "Ik begrijp dat dat vervelend is.",
    "Daardoor bespaart u veel tijd.",
    "Wat bedoelt u precies met te duur?",
    "Zal ik de bestelling voor u vastleggen?",
    "U ontvangt de bevestiging vandaag nog per mail.",
    "Bedankt voor uw tijd en nog een fijne dag.",
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def scripts() -> list[tuple[str, str, list[str], int]]:
    """(label, scenario id, student turns, seed)."""
    from bot.engine.replay import load_test_stories
    from bot.scenarios import load_scenarios
    out = []
    for story in load_test_stories():
        turns = [s.text or f"/{s.name}" for s in story.steps if s.kind == "user"]
        out.append((f"teststory {story.name}", story.metadata["scenario"], turns, int(story.metadata.get("seed", 0))))
    for scenario_id in load_scenarios():
        out.append((f"script {scenario_id}", scenario_id, SCRIPT, 1))
    return out


def measure(rounds: int, clock=time.thread_time) -> dict:
    import bot.engine.actions as runner_module

    engine = get_engine()
    step_ms: list[float] = []
    step_without_nlu_ms: list[float] = []
    start_ms: list[float] = []
    finish_ms: list[float] = []
    engine_ms: list[float] = []
    own_ms: list[float] = []
    nlu_ms: list[float] = []
    per_script = {}
    in_actions = [0.0]
    in_nlu = [0.0]
    original = runner_module._run_coroutine
    analyse = engine.nlu

    def timed(make):  # time spent inside custom action code (rasa_sdk executor)
        t0 = clock()
        try:
            return original(make)
        finally:
            in_actions[0] += clock() - t0

    def timed_nlu(*args, **kwargs):  # the analyse call inside session.step
        t0 = clock()
        try:
            return analyse(*args, **kwargs)
        finally:
            in_nlu[0] += clock() - t0

    for label, scenario_id, turns, seed in scripts():
        own: list[float] = []
        for round_no in range(rounds + 1):
            engine._nlu = timed_nlu
            r = None  # the previous conversation is freed here, not inside the timed start
            try:
                t0 = clock()
                r = session.start(scenario_id, seed=seed + round_no, mode="oefenen")
                started = (clock() - t0) * 1000
                for text in turns:
                    if r.finished:
                        break
                    in_nlu[0] = 0.0
                    t0 = clock()
                    r = r.conversation.step(text)
                    elapsed = clock() - t0
                    if round_no:
                        own.append(elapsed * 1000)
                        step_without_nlu_ms.append((elapsed - in_nlu[0]) * 1000)
                t0 = clock()
                r.conversation.report()
                finished = (clock() - t0) * 1000
            finally:
                engine._nlu = analyse
            if not round_no:
                continue
            start_ms.append(started)
            finish_ms.append(finished)
            # the parts: NLU alone, engine alone (policy + actions), engine without action code
            tracker = engine.new_tracker("bench")
            engine.start_session(tracker, {"scenario": scenario_id, "seed": seed, "mode": "oefenen",
                                           "difficulty": None, "briefing": None})
            runner_module._run_coroutine = timed
            try:
                for text in turns:
                    previous = (tracker.latest_bot_utterance() or {}).get("text")
                    t0 = clock()
                    parse = engine.nlu(text, speaker="student", previous=previous).to_parse_data()
                    nlu_ms.append((clock() - t0) * 1000)
                    in_actions[0] = 0.0
                    t0 = clock()
                    engine.handle_message(tracker, text, parse)
                    elapsed = clock() - t0
                    engine_ms.append(elapsed * 1000)
                    own_ms.append((elapsed - in_actions[0]) * 1000)
                    if tracker.slots.get("uitkomst") not in (None, "lopend"):
                        break
            finally:
                runner_module._run_coroutine = original
        step_ms.extend(own)
        if own:
            per_script[label] = round(statistics.median(own), 3)

    def summary(values: list[float]) -> dict:
        return {"median_ms": round(statistics.median(values), 3), "p99_ms": round(percentile(values, 99), 3)}

    return {
        "clock": "cpu" if clock is time.thread_time else "wall",
        "turns_measured": len(step_ms),
        "conversations_measured": len(start_ms),
        "step": summary(step_ms),
        "step_without_nlu": summary(step_without_nlu_ms),
        "start": summary(start_ms),
        "finish": summary(finish_ms),
        "nlu": summary(nlu_ms),
        "engine": summary(engine_ms),
        "engine_without_action_code": summary(own_ms),
        "per_script_step_median_ms": per_script,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                        help="cpu: CPU time of this thread (default); wall: elapsed time")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.rounds, time.thread_time if args.clock == "cpu" else time.perf_counter)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(f"{result['turns_measured']} beurten en {result['conversations_measured']} gesprekken gemeten "
              f"({'CPU-tijd' if result['clock'] == 'cpu' else 'verstreken tijd'})")
        for key, text in (("step", "session.step (NLU + policy + acties + tip)"),
                          ("step_without_nlu", "session.step zonder de NLU"),
                          ("start", "session.start (per gesprek)"),
                          ("finish", "session.finish, het rapport (per gesprek)"),
                          ("nlu", "alleen NLU"),
                          ("engine", "alleen engine (policy + acties)"),
                          ("engine_without_action_code", "engine zonder de code van de acties")):
            print(f"{text:45} mediaan {result[key]['median_ms']:7.3f} ms   p99 {result[key]['p99_ms']:7.3f} ms")
        for label, ms in result["per_script_step_median_ms"].items():
            print(f"  {label}: mediaan {ms} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
