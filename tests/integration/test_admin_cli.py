"""The administrator's commands against one data folder: teachers, retention, corrections, LTI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def run(data: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OEFENGESPREK_")}
    env.update({"OEFENGESPREK_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)})
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, capture_output=True, text=True, timeout=120)


def test_teacher_accounts_from_the_command_line(tmp_path) -> None:
    added = run(tmp_path, "docent", "add", "--email", "J.Smit@School.nl", "--naam", "Jan Smit")
    assert added.returncode == 0 and "/docent/wachtwoord?token=" in added.stdout
    again = run(tmp_path, "docent", "add", "--email", "j.smit@school.nl", "--naam", "Jan")
    assert again.returncode == 1 and "bestaat al" in again.stderr
    link = run(tmp_path, "docent", "link", "--email", "j.smit@school.nl")
    assert link.returncode == 0 and link.stdout.split("token=")[1] != added.stdout.split("token=")[1]
    assert "nog geen wachtwoord" in run(tmp_path, "docent", "list").stdout
    assert "0 sessie(s)" in run(tmp_path, "docent", "afmelden", "--email", "j.smit@school.nl").stdout
    missing = run(tmp_path, "docent", "afmelden", "--email", "niemand@school.nl")
    assert missing.returncode == 1 and "geen docent" in missing.stderr


def test_retention_and_corrections_from_the_command_line(tmp_path) -> None:
    assert run(tmp_path, "opschonen").returncode == 2  # no retention set: does nothing, says so
    dry = run(tmp_path, "opschonen", "--maanden", "12", "--proef")
    assert dry.returncode == 0 and "zou verwijderen" in dry.stdout
    out = tmp_path / "correcties.yml"
    exported = run(tmp_path, "correcties", "export", "--sinds", "2026-01-01", "--uit", str(out))
    assert exported.returncode == 0 and "utterances: []" in out.read_text()
    assert run(tmp_path, "correcties", "export", "--sinds", "gisteren").returncode == 2


def test_lti_platforms_from_the_command_line(tmp_path) -> None:
    args = ["lti", "add-platform", "--issuer", "https://lms.school.nl", "--client-id", "abc",
            "--deployment-id", "d1", "--deployment-id", "d2", "--auth-login-url", "https://lms.school.nl/auth",
            "--auth-token-url", "https://lms.school.nl/token", "--jwks-url", "https://lms.school.nl/jwks"]
    added = run(tmp_path, *args)
    assert added.returncode == 0 and "d1, d2" in added.stdout
    assert "deployments d1, d2" in run(tmp_path, "lti", "list-platforms").stdout
    bad = run(tmp_path, *args[:-1], "geen-url")
    assert bad.returncode == 1 and "volledige URL" in bad.stderr
    assert "/.well-known/jwks.json" in run(tmp_path, "lti", "urls").stdout
    assert run(tmp_path, "lti", "rotate-key").returncode == 0
    assert (tmp_path / "lti" / "keys.json").stat().st_mode & 0o077 == 0  # not readable by others
    assert run(tmp_path, "lti", "remove-platform", "--issuer", "https://lms.school.nl", "--client-id", "abc").returncode == 0
    assert run(tmp_path, "lti", "remove-platform", "--issuer", "https://lms.school.nl", "--client-id", "abc").returncode == 1
