"""Speed of the recogniser: load time and utterances per second (single process, warm).

    python benchmarks/nlu_speed.py [--rounds 5] [--json]
    OEFENGESPREK_TEXTCAT=uit python benchmarks/nlu_speed.py    # rules only, without the trained classifier

Utterances: the development set (tests/data/nlu_dev.yml) plus the regression cases, each
with its speaker and previous utterance, as the engine calls analyse() in a conversation.
Reports wall-clock and CPU-time throughput (the CPU figure is steadier on a busy machine);
the best round counts, after one warm-up round. The 1-minute load average is printed with
them: on a shared machine compare figures measured at similar load only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402


def utterances() -> list[tuple[str, str, str | None]]:
    items = []
    dev = ROOT / "tests/data/nlu_dev.yml"
    if dev.exists():
        for item in yaml.safe_load(dev.read_text(encoding="utf-8"))["utterances"]:
            items.append((item["text"], item["speaker"], item.get("previous")))
    from bot.nlu.testing import load_cases

    for case in load_cases():
        items.append((case["text"], case["speaker"], case.get("previous")))
    return items


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    from bot.nlu import analyse, get_recogniser

    recogniser = get_recogniser()
    load_seconds = time.perf_counter() - started
    items = utterances()
    for text, speaker, previous in items:  # warm-up (also fills the previous-utterance cache)
        analyse(text, speaker=speaker, previous=previous)
    best_wall = best_cpu = 0.0
    for _ in range(args.rounds):
        recogniser._previous_cache.clear()  # each customer line is new in a real conversation
        wall, cpu = time.perf_counter(), time.process_time()
        for text, speaker, previous in items:
            analyse(text, speaker=speaker, previous=previous)
        best_wall = max(best_wall, len(items) / (time.perf_counter() - wall))
        best_cpu = max(best_cpu, len(items) / max(time.process_time() - cpu, 1e-9))
    result = {
        "model": recogniser.model.name,
        "textcat": recogniser.textcat is not None,
        "load_seconds": round(load_seconds, 2),
        "utterances": len(items),
        "per_second_wall": round(best_wall),
        "per_second_cpu": round(best_cpu),
        "load_average": round(os.getloadavg()[0], 2),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"model: {result['model']}; trained classifier: {'on' if result['textcat'] else 'off'}; "
              f"load: {result['load_seconds']} s; {result['utterances']} utterances")
        print(f"throughput (warm, best of {args.rounds}): {result['per_second_wall']}/s wall clock, "
              f"{result['per_second_cpu']}/s CPU time (load average {result['load_average']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
