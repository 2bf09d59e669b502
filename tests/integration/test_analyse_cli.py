"""`oefengesprek analyse` (python -m bot analyse): JSON lines in, one JSON line out per line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def run_cli(stdin: bytes, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "bot", "analyse", *args],
        input=stdin, capture_output=True, cwd=ROOT, env=env, timeout=120,
    )


def lines(result: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]


def test_good_and_bad_lines_each_get_one_answer():
    good = [
        {"speaker": "klant", "text": "wnnr kan t geleverd worden"},
        {"speaker": "student", "text": "Wat bedoelt u precies met te duur?", "previous": "Dat vind ik te duur."},
        {"speaker": "student", "text": "Ik geef u 5% korting voor 50 stuks."},
    ]
    raw = b"\n".join(
        [
            json.dumps(good[0]).encode(),
            b"",
            b"{dit is geen json",
            json.dumps(good[1]).encode(),
            json.dumps({"speaker": "robot", "text": "hoi"}).encode(),
            json.dumps({"speaker": "student", "text": "   "}).encode(),
            json.dumps({"speaker": "student"}).encode(),
            b"\xff\xfe\x00\x01binary",
            json.dumps({"speaker": "klant", "text": "x" * 2001}).encode(),
            json.dumps(["speaker", "klant"]).encode(),
            json.dumps({"speaker": "student", "text": "hoi", "previous": 5}).encode(),
            json.dumps(good[2]).encode(),
        ]
    ) + b"\n"
    result = run_cli(raw, "--datum", "2026-11-27")
    assert result.returncode == 0, result.stderr.decode()
    out = lines(result)
    assert len(out) == 12

    assert out[0]["labels"] == ["koopsignaal.levering"]
    assert out[0]["evidence"][0]["rule"]
    assert out[3]["labels"] == ["doorvragen"]
    assert out[3]["reaction"]["verdict"] == "goed"
    assert out[3]["reaction"]["competencies"]
    assert out[11]["labels"] == ["concessie"]
    assert {e["entity"] for e in out[11]["entities"]} == {"percentage", "aantal"}

    errors = {i: out[i] for i in (1, 2, 4, 5, 6, 7, 8, 9, 10)}
    for index, error in errors.items():
        assert set(error) == {"error", "line"}, error
        assert error["line"] == index + 1
        assert error["error"]
    assert "lege regel" in errors[1]["error"]
    assert "JSON" in errors[2]["error"]
    assert "speaker" in errors[4]["error"]
    assert "text" in errors[5]["error"] and "text" in errors[6]["error"]
    assert "UTF-8" in errors[7]["error"]
    assert "te lang" in errors[8]["error"]
    assert "previous" in errors[10]["error"]


def test_output_is_flushed_per_line():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "analyse"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, cwd=ROOT, env=env,
    )
    try:
        process.stdin.write(b'{"speaker": "klant", "text": "Dat is te duur."}\n')
        process.stdin.flush()
        first = json.loads(process.stdout.readline())  # answered before stdin is closed
        assert first["labels"] == ["weerstand.prijs"]
        process.stdin.write(b'{"speaker": "klant", "text": "Hoe snel kunnen jullie leveren?"}\n')
        process.stdin.flush()
        assert json.loads(process.stdout.readline())["labels"] == ["koopsignaal.levering"]
    finally:
        process.stdin.close()
        process.wait(timeout=60)
    assert process.returncode == 0


def test_bad_reference_date_is_a_clear_error():
    result = run_cli(b"", "--datum", "27-11-2026")
    assert result.returncode == 2
    assert "JJJJ-MM-DD" in result.stderr.decode()


def test_previous_labels_decide_the_verdict_instead_of_the_previous_text():
    # the previous line reads as a price objection, but the scenario annotates it as a
    # buying signal: the verdict answers the annotation (contract §1, previous_labels)
    line = {"speaker": "student", "text": "Ik begrijp het. Wat vindt u precies te duur?", "previous": "Dat vind ik te duur."}
    per_line = {**line, "previous_labels": ["klacht"]}
    raw = b"\n".join(json.dumps(item).encode() for item in (line, per_line)) + b"\n"
    result = run_cli(raw, "--previous-labels", "koopsignaal.levering, koopsignaal.voorwaarden")
    assert result.returncode == 0, result.stderr.decode()
    flag, own = lines(result)
    assert flag["reaction"]["signal"] in {"koopsignaal.levering", "koopsignaal.voorwaarden"}
    assert own["reaction"]["signal"] == "klacht"  # a line's own previous_labels win

    no_signal = run_cli(json.dumps(line).encode() + b"\n", "--previous-labels", "")
    assert no_signal.returncode == 0, no_signal.stderr.decode()
    assert lines(no_signal)[0].get("reaction") is None  # [] = the previous line had no signal

    without = run_cli(json.dumps(line).encode() + b"\n")
    assert lines(without)[0]["reaction"]["signal"] == "weerstand.prijs"  # recognised from the text


def test_unknown_previous_label_is_a_dutch_error():
    result = run_cli(b"", "--previous-labels", "weerstand.prijs,boos")
    assert result.returncode == 2
    err = result.stderr.decode()
    assert "onbekend signaal in previous_labels: boos" in err and "weerstand.prijs" in err
    bad_line = {"speaker": "student", "text": "Dat begrijp ik.", "previous_labels": ["weerstand.duur"]}
    wrong_type = {"speaker": "student", "text": "Dat begrijp ik.", "previous_labels": "klacht"}
    result = run_cli(json.dumps(bad_line).encode() + b"\n" + json.dumps(wrong_type).encode() + b"\n")
    assert result.returncode == 0
    first, second = lines(result)
    assert first == {"error": first["error"], "line": 1} and "onbekend signaal" in first["error"]
    assert second["error"] == "previous_labels moet een lijst van signaalnamen zijn"


def test_broken_content_is_reported_with_file_and_line(tmp_path):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(ROOT / "domain", content / "domain")
    shutil.copytree(ROOT / "profile", content / "profile")
    rules = content / "domain" / "nlu" / "regels" / "klacht.yml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("label: klacht", "label: klaagt", 1), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OEFENGESPREK_CONTENT_DIR": str(content)}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "analyse"], input=b'{"speaker": "klant", "text": "x"}\n',
        capture_output=True, cwd=ROOT, env=env, timeout=120,
    )
    assert result.returncode == 1
    assert "domain/nlu/regels/klacht.yml:" in result.stderr.decode()
    assert "onbekend label 'klaagt'" in result.stderr.decode()
