"""Replays the trainer-style scripts (tests/data/trainer_scripts/*.yml) and prints a table.

    .venv/bin/python benchmarks/trainer_scripts.py [--json] [--scenario ID]

Every scenario has three scripts written the way a sales trainer plays a student (a strong, a
weak and an off-script one), each turn written against the customer's actual reply. Each is
replayed through the session facade the CLI and the web use (bot.engine.session) and the table
shows, per scenario and kind: the outcome, the overall score, the number of customer lines and
the share of them that are clarifications or neutral fillers. That share comes from the customer
events' `metadata.reason` (opening, answer, question, objection, signal, move_reaction,
fact_correction, clarification, neutral, closing, after_deal); when the events carry no reason,
the share is "n/b". tests/integration/test_trainer_scripts.py holds the thresholds.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

SCRIPTS_DIR = ROOT / "tests" / "data" / "trainer_scripts"
KINDS = ("strong", "weak", "off_script")
KIND_NAMES = {"strong": "sterk", "weak": "zwak", "off_script": "afwijkend"}
FILLER_REASONS = frozenset({"clarification", "neutral"})
SCRIPT_KEYS = {"kind", "description", "difficulty", "seed", "mode", "turns", "briefing"}


@dataclass(frozen=True)
class TrainerScript:
    scenario: str
    kind: str
    description: str
    difficulty: str | None
    seed: int
    mode: str
    turns: tuple[str, ...]
    briefing: dict | None = None
    source: str = ""

    @property
    def id(self) -> str:
        return f"{self.scenario}-{self.kind}"


@dataclass
class Replay:
    script: TrainerScript
    outcome: str | None = None
    score: int | None = None
    finished: bool = False
    turns_played: int = 0
    customer_lines: list[dict] = field(default_factory=list)  # {"text", "reason"} per customer message
    unanswered_turns: list[int] = field(default_factory=list)  # student turns that got no reply at all
    report: dict = field(default_factory=dict)
    error: str | None = None

    @property
    def reasons_known(self) -> bool:
        return bool(self.customer_lines) and all(line["reason"] for line in self.customer_lines)

    @property
    def filler_share(self) -> float | None:
        """Share of customer lines that are clarifications or neutral fillers; None without reasons."""
        if not self.reasons_known:
            return None
        fillers = sum(line["reason"] in FILLER_REASONS for line in self.customer_lines)
        return fillers / len(self.customer_lines)


def _problem(path: Path, where: str, what: str) -> ValueError:
    return ValueError(f"{path.name}: {where}: {what}")


def load_file(path: Path) -> list[TrainerScript]:
    """The scripts of one file, validated: scenario, kinds, turns as non-empty strings."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or not isinstance(data.get("scenario"), str):
        raise _problem(path, "top level", "verwacht een mapping met 'scenario' en 'scripts'")
    scenario = data["scenario"]
    if path.stem != scenario:
        raise _problem(path, "scenario", f"'{scenario}' hoort gelijk te zijn aan de bestandsnaam")
    items = data.get("scripts")
    if not isinstance(items, list) or not items:
        raise _problem(path, "scripts", "verwacht een niet-lege lijst")
    scripts = []
    for index, item in enumerate(items):
        where = f"script {index + 1}"
        if not isinstance(item, dict):
            raise _problem(path, where, "verwacht een mapping")
        unknown = set(item) - SCRIPT_KEYS
        if unknown:
            raise _problem(path, where, f"onbekende sleutels {sorted(unknown)}")
        if item.get("kind") not in KINDS:
            raise _problem(path, where, f"kind moet een van {', '.join(KINDS)} zijn")
        turns = item.get("turns")
        if not isinstance(turns, list) or not turns or not all(isinstance(t, str) and t.strip() for t in turns):
            raise _problem(path, where, "turns moet een lijst met niet-lege zinnen zijn")
        if not isinstance(item.get("seed"), int):
            raise _problem(path, where, "seed moet een geheel getal zijn")
        briefing = item.get("briefing")
        if briefing is not None and not isinstance(briefing, dict):
            raise _problem(path, where, "briefing moet een mapping met antwoorden zijn")
        scripts.append(TrainerScript(
            scenario=scenario, kind=item["kind"], description=str(item.get("description") or ""),
            difficulty=item.get("difficulty"), seed=item["seed"], mode=item.get("mode") or "oefenen",
            turns=tuple(turns), briefing=briefing, source=path.name,
        ))
    kinds = [script.kind for script in scripts]
    if sorted(kinds) != sorted(KINDS):
        raise _problem(path, "scripts", f"verwacht precies één script per soort ({', '.join(KINDS)}), kreeg {kinds}")
    return scripts


def load_scripts(directory: Path = SCRIPTS_DIR) -> list[TrainerScript]:
    return [script for path in sorted(directory.glob("*.yml")) for script in load_file(path)]


def _customer_lines(events: list[dict]) -> list[dict]:
    from bot.labels import SPEAKERS_WITH_SIGNALS

    lines = []
    for event in events:
        if event.get("event") != "bot" or not event.get("text"):
            continue
        metadata = event.get("metadata") or {}
        if metadata.get("speaker", "klant") in SPEAKERS_WITH_SIGNALS:
            lines.append({"text": event["text"], "reason": metadata.get("reason")})
    return lines


def replay(script: TrainerScript) -> Replay:
    """Plays the script through bot.engine.session until its turns run out or the call ends."""
    from bot.engine import session

    result = Replay(script)
    try:
        turn = session.start(script.scenario, difficulty=script.difficulty, seed=script.seed,
                             mode=script.mode, briefing=script.briefing)
        for number, text in enumerate(script.turns, start=1):
            if turn.finished:
                break
            turn = turn.conversation.step(text)
            result.turns_played = number
            if not any((m.get("text") or "").strip() for m in turn.messages):
                result.unanswered_turns.append(number)
        result.finished = turn.finished
        result.customer_lines = _customer_lines(turn.conversation.events)
        result.report = turn.conversation.report()
        result.outcome = result.report.get("outcome")
        result.score = result.report.get("score")
    except Exception as exc:  # noqa: BLE001 - a replay reports any failure instead of stopping the table
        result.error = f"{type(exc).__name__}: {exc}"
    return result


def _share(value: float | None) -> str:
    return "n/b" if value is None else f"{value:.0%}"


def markdown(replays: list[Replay]) -> str:
    lines = ["| scenario | student | uitkomst | score | klantregels | verduidelijking/neutraal |",
             "|---|---|---|---:|---:|---:|"]
    for r in replays:
        outcome = r.outcome if r.error is None else f"fout: {r.error}"
        ended = "" if r.finished or r.error else " (niet afgerond)"
        lines.append(f"| {r.script.scenario} | {KIND_NAMES[r.script.kind]} | {outcome}{ended} | "
                     f"{'' if r.score is None else r.score} | {len(r.customer_lines)} | {_share(r.filler_share)} |")
    known = [r for r in replays if r.reasons_known]
    if known:
        total = sum(len(r.customer_lines) for r in known)
        fillers = sum(sum(line["reason"] in FILLER_REASONS for line in r.customer_lines) for r in known)
        lines.append(f"\nVerduidelijkingen en neutrale zinnen samen: {fillers} van {total} klantregels ({fillers / total:.0%}).")
    else:
        lines.append("\nVerduidelijkingen en neutrale zinnen: n/b (de klantregels dragen nog geen `metadata.reason`).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", help="alleen de scripts van dit scenario")
    parser.add_argument("--json", action="store_true", help="machine-readable result per script")
    args = parser.parse_args(argv)
    scripts = [s for s in load_scripts() if args.scenario in (None, s.scenario)]
    if not scripts:
        print("geen trainerscripts gevonden", file=sys.stderr)
        return 1
    replays = [replay(script) for script in scripts]
    if args.json:
        for r in replays:
            print(json.dumps({"scenario": r.script.scenario, "kind": r.script.kind, "outcome": r.outcome,
                              "score": r.score, "finished": r.finished, "customer_lines": len(r.customer_lines),
                              "filler_share": r.filler_share, "error": r.error}, ensure_ascii=False))
    else:
        print(markdown(replays))
    return 1 if any(r.error for r in replays) else 0


if __name__ == "__main__":
    raise SystemExit(main())
