"""The play, chat and validate commands on the project's real content."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.engine import session
from bot.scenarios.models import OUTCOMES

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = "2.3-inbound-printer"
TURNS = ["Goedemorgen, u spreekt met Sanne van Kantoorgemak.", "Waarmee kan ik u helpen?",
         "Hoeveel pagina's print u per maand?", "Zal ik de bestelling voor u vastleggen?",
         "Bedankt voor uw tijd en nog een fijne dag."]


def cli(*args: str, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin.encode("utf-8"), cwd=ROOT,
                          capture_output=True, timeout=120, env=env)


def run_cli(capsys, monkeypatch, *args: str, stdin: str = "") -> tuple[int, str, str]:
    """The command in this process (fast); stdout/stderr as text."""
    import io

    from bot.cli import main
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture()
def played(capsys, monkeypatch) -> dict:
    code, out, err = run_cli(capsys, monkeypatch, "play", "--scenario", SCENARIO, "--seed", "3", "--json",
                             stdin="\n".join(TURNS) + "\n")
    assert code == 0, err
    return json.loads(out)


def test_play_json_has_transcript_outcome_and_report(played):
    assert {"transcript", "outcome", "report"} <= set(played)
    student = [t["text"] for t in played["transcript"] if t["speaker"] == "student"]
    assert student == TURNS[:len(student)] and student
    assert played["transcript"][0]["speaker"] in ("klant", "leverancier")  # the customer opens
    assert all(set(t) == {"speaker", "text", "labels"} for t in played["transcript"] if t["speaker"] == "student")
    customer = [t for t in played["transcript"] if t["speaker"] != "student"]
    assert all(set(t) == {"speaker", "text", "labels", "reason"} for t in customer)
    assert customer[0]["reason"] == "opening"
    assert "begroeting" in played["transcript"][1]["labels"]
    assert played["outcome"] in OUTCOMES
    assert isinstance(played["report"], dict)


def snapshot(tmp_path: Path) -> Path:
    """A frozen copy of the content, so edits elsewhere cannot change a run halfway."""
    content = tmp_path / "content"
    for part in ("domain", "stories", "profile"):
        shutil.copytree(ROOT / part, content / part)
    return content


def test_play_same_seed_same_transcript(tmp_path):
    import os
    content = snapshot(tmp_path)
    procs = [subprocess.Popen([sys.executable, "-m", "bot", "play", "--scenario", SCENARIO, "--seed", "4", "--json"],
                              cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env={**os.environ, "PYTHONHASHSEED": str(h), "OEFENGESPREK_CONTENT_DIR": str(content)})
             for h in (1, 2)]
    outputs = [p.communicate(("\n".join(TURNS) + "\n").encode("utf-8"), timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err.decode() for _, err in outputs]
    first, second = (json.loads(out.decode("utf-8")) for out, _ in outputs)
    assert first["transcript"] == second["transcript"] and first["outcome"] == second["outcome"]


def test_same_seed_same_state_in_process():
    def run(seed):
        r = session.start(SCENARIO, seed=seed)
        for text in TURNS:
            r = session.step(r.state, text)
            if r.finished:
                break
        return session.transcript(r.state["events"])
    assert run(12) == run(12)


def test_play_can_include_the_events_with_their_rules(capsys, monkeypatch):
    code, out, err = run_cli(capsys, monkeypatch, "play", "--scenario", SCENARIO, "--seed", "3", "--json", "--events",
                             stdin=TURNS[0] + "\n")
    assert code == 0, err
    events = json.loads(out)["events"]
    chosen = [e for e in events if e["event"] == "action" and (e.get("metadata") or {}).get("plaats")]
    assert chosen and chosen[0]["metadata"]["plaats"].startswith("stories/")


def test_unknown_scenario_is_a_dutch_error_with_exit_2():
    result = cli("play", "--scenario", "bestaat-niet", "--json")
    assert result.returncode == 2
    assert "onbekend scenario 'bestaat-niet'" in result.stderr.decode("utf-8")
    assert result.stdout == b""


def test_bad_briefing_file_is_a_clear_error(tmp_path, capsys, monkeypatch):
    bad = tmp_path / "briefing.yml"
    bad.write_text("- alleen\n- een lijst\n", encoding="utf-8")
    code, out, err = run_cli(capsys, monkeypatch, "play", "--scenario", SCENARIO, "--briefing", str(bad), "--json")
    assert code == 2 and out == ""
    assert "de briefing moet een mapping met antwoorden zijn" in err


def test_briefing_answers_reach_the_session_start(tmp_path, capsys, monkeypatch):
    answers = {"doel": "Een printer verkopen", "vragen": ["Hoeveel print u?"]}
    r = session.start(SCENARIO, seed=1, briefing=answers)
    metadata = next(e["value"] for e in r.state["events"]
                    if e["event"] == "slot" and e["name"] == "session_started_metadata")
    assert metadata["briefing"] == answers and metadata["seed"] == 1 and metadata["scenario"] == SCENARIO
    briefing_file = tmp_path / "briefing.json"
    briefing_file.write_text(json.dumps(answers), encoding="utf-8")
    code, out, err = run_cli(capsys, monkeypatch, "play", "--scenario", SCENARIO, "--seed", "1", "--briefing",
                             str(briefing_file), "--json", stdin=TURNS[0] + "\n")
    assert code == 0, err
    assert json.loads(out)["transcript"][1]["text"] == TURNS[0]


def test_chat_plays_interactively_and_shows_the_report(capsys, monkeypatch):
    code, out, err = run_cli(capsys, monkeypatch, "chat", "--scenario", SCENARIO, "--seed", "3",
                             stdin=TURNS[0] + "\nstop\n")
    assert code == 0, err
    assert "Typ je antwoord" in out and "klant: " in out
    assert "Rapport" in out or "geen rapport" in out


def test_session_facade_contract():
    r = session.start(SCENARIO, seed=9, mode="toets")
    assert r.messages and r.analysis is None and r.finished is False
    json.dumps(r.state)
    before = json.dumps(r.state, sort_keys=True)
    nxt = session.step(r.state, TURNS[0])
    assert json.dumps(r.state, sort_keys=True) == before  # the given state is not modified
    assert nxt.analysis["intent"] == "begroeting"
    assert nxt.hint is None  # never hints in toets mode
    assert len(nxt.state["events"]) > len(r.state["events"])
    resumed = session.step(json.loads(json.dumps(nxt.state)), TURNS[1])  # another worker, from JSON
    assert resumed.messages == session.step(nxt.state, TURNS[1]).messages
    with pytest.raises(session.UnknownScenario) as exc:
        session.start("nope")
    assert "onbekend scenario 'nope'" in str(exc.value) and isinstance(exc.value, KeyError)
    with pytest.raises(session.InvalidArgument):
        session.start(SCENARIO, difficulty="extreem")
    with pytest.raises(session.InvalidArgument):
        session.step(r.state, "   ")
    with pytest.raises(session.InvalidState):
        session.step({"events": "kapot"}, "hallo")


def test_validate_passes_on_the_project():
    result = cli("validate")
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()
    assert result.stdout.decode("utf-8").startswith("Alles in orde:")


def test_validate_reports_broken_content_with_file_and_line(tmp_path):
    content = snapshot(tmp_path)
    rules = content / "stories" / "kapot.yml"
    rules.write_text('version: "3.1"\nrules:\n  - rule: kapot\n    steps:\n      - intent: bestaat_niet\n'
                     '      - action: utter_bestaat_ook_niet\n', encoding="utf-8")
    env = {**__import__("os").environ, "OEFENGESPREK_CONTENT_DIR": str(content)}
    result = cli("validate", env=env)
    out = result.stdout.decode("utf-8")
    assert result.returncode == 1
    assert "stories/kapot.yml:5: regel 'kapot': onbekende intent 'bestaat_niet'" in out
    assert "stories/kapot.yml:6: regel 'kapot': onbekende actie of response 'utter_bestaat_ook_niet'" in out


def test_play_numbers_hints_like_the_report_without_the_briefing_answers(capsys, monkeypatch):
    """2.1 with the briefing answered in the chat: the tip for the student's n-th sentence to the
    customer is numbered n, as the report's evidence and its turn count are."""
    briefing = ["Een afspraak voor een gratis proefplaatsing.",
                "Eerst vragen stellen over de situatie, dan het voordeel koppelen en afsluiten met een voorstel.",
                "De ProRol Touchless als proefplaatsing, tegen lege dispensers en papier op de vloer.",
                "Hoe gaat het bijvullen nu, en hoeveel dozen gebruikt u per maand?"]
    call = ["hoi met fenna van hygieneplus. wil je nieuwe dispensers kopen?", "ok dan niet. doei"]
    code, out, _ = run_cli(capsys, monkeypatch, "play", "--scenario", "2.1-voorbereiding-dispensers", "--seed", "1",
                           "--difficulty", "gemiddeld", "--json", stdin="\n".join(briefing + call) + "\n")
    assert code == 0
    data = json.loads(out)
    assert data["report"]["turns"] == 2
    assert data["hints"] and all(1 <= h["turn"] <= 2 for h in data["hints"]), data["hints"]
    numbered = [c["evidence_turn"] for c in data["report"]["checks"] if c["evidence_turn"] is not None]
    assert numbered and set(numbered) <= {1, 2}
