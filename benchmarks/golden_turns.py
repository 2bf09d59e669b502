"""Byte-identity check of the turn path: every test story and trainer script, three seeds, both modes.

    .venv/bin/python benchmarks/golden_turns.py            # compare with benchmarks/golden/turns.json
    .venv/bin/python benchmarks/golden_turns.py --update   # record the current behaviour (on purpose only)
    .venv/bin/python benchmarks/golden_turns.py --dump DIR # write every conversation as JSON (to diff two runs)

Each conversation is played through the conversation object the CLI and the web use
(bot.engine.session.Conversation): the opening, then every student line until the conversation
ends, then the report; the new events of every turn must add up to the conversation's events. What is recorded per conversation: the customer's messages of every turn
(speaker, text, labels, reason), the analysis and the hint of every student turn, whether it
finished, every event (timestamps left out: they are the clock), and the report. The check
compares a SHA-256 of that record per conversation with the stored one, so a refactor that
changes no behaviour leaves every hash as it was; a change of behaviour (content, rules) is
recorded with --update in the same commit that makes it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.engine import session  # noqa: E402
from tests.replay_cases import MODES, SEED_OFFSETS, all_cases  # noqa: E402

GOLDEN = ROOT / "benchmarks" / "golden" / "turns.json"


def _without_clock(value):  # noqa: ANN001, ANN202
    if isinstance(value, dict):
        return {k: _without_clock(v) for k, v in value.items() if k != "timestamp"}
    if isinstance(value, list):
        return [_without_clock(v) for v in value]
    return value


def play(scenario: str, difficulty: str | None, seed: int, mode: str, lines: list[str]) -> dict:
    """One conversation as a JSON-able record (see the module docstring)."""
    result = session.start(scenario, difficulty=difficulty, seed=seed, mode=mode)
    conversation = result.conversation
    appended = list(result.events)  # what a store appends, turn by turn
    turns = [{"messages": result.messages, "finished": result.finished}]
    for line in lines:
        if result.finished:
            break
        result = conversation.step(line)
        appended += result.events
        turns.append({"student": line, "messages": result.messages, "analysis": result.analysis,
                      "hint": result.hint, "finished": result.finished})
    events = conversation.events
    assert appended == events, "the turns' new events do not add up to the conversation's events"
    return {"turns": turns, "events": _without_clock(events), "report": conversation.report()}


def digest(record: dict) -> str:
    text = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def run(dump: Path | None = None) -> dict[str, str]:
    hashes: dict[str, str] = {}
    for case in all_cases():
        for mode in MODES:
            for offset in SEED_OFFSETS:
                key = f"{case.name}|{mode}|{case.seed + offset}"
                record = play(case.scenario, case.difficulty, case.seed + offset, mode, case.lines)
                hashes[key] = digest(record)
                if dump is not None:
                    name = hashlib.sha1(key.encode()).hexdigest()[:16] + ".json"
                    (dump / name).write_text(json.dumps({"case": key, **record}, ensure_ascii=False, indent=1,
                                                        sort_keys=True), encoding="utf-8")
    return hashes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="record the current behaviour as the reference")
    parser.add_argument("--dump", type=Path, help="write every conversation as JSON into this folder")
    args = parser.parse_args(argv)
    if args.dump:
        args.dump.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    hashes = run(args.dump)
    took = time.perf_counter() - began
    if args.update:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"recorded {len(hashes)} conversations in {took:.0f} s -> {GOLDEN.relative_to(ROOT)}")
        return 0
    stored = json.loads(GOLDEN.read_text(encoding="utf-8"))
    changed = sorted(k for k in hashes if k in stored and stored[k] != hashes[k])
    new = sorted(set(hashes) - set(stored))
    gone = sorted(set(stored) - set(hashes))
    print(f"{len(hashes)} conversations replayed in {took:.0f} s: {len(hashes) - len(changed) - len(new)} identical, "
          f"{len(changed)} changed, {len(new)} new, {len(gone)} no longer played")
    for key in changed[:40]:
        print(f"  changed: {key}")
    for key in new[:10]:
        print(f"  new: {key}")
    for key in gone[:10]:
        print(f"  gone: {key}")
    return 1 if changed or new or gone else 0


if __name__ == "__main__":
    raise SystemExit(main())
