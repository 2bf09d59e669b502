"""Real Rasa 3.6 agrees with our engine: `rasa data validate`, `rasa train core` and
`rasa test core --stories tests/stories` on the repository's own folders, unchanged.

Rasa 3.6 needs Python 3.10 (the project runs on 3.11), so the test builds a Python 3.10
virtual environment with `rasa==3.6.21` once per machine, outside the repository
(`~/.cache/oefengesprek-rasa36/venv`, or OEFENGESPREK_RASA_VENV), and reuses it. Python 3.10
is found through OEFENGESPREK_RASA_PYTHON, pyenv (`pyenv root`, $PYENV_ROOT, ~/.pyenv,
/root/.pyenv: versions/3.10*/bin/python) or `python3.10` on PATH. Without it the test is
skipped, unless CI is set: then it fails. Building takes about 4 minutes, a run with the
environment in place about half a minute (README, engine section).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.engine.replay import load_test_stories
from bot.engine.replay import test_stories_dir as stories_under_test
from bot.paths import content_root
from conftest import IN_CI

RASA_REQUIREMENT = "rasa==3.6.21"
PYTHON_VERSION = (3, 10)
BUILD_TIMEOUT = 40 * 60  # seconds for `pip install rasa` on a cold cache
RUN_TIMEOUT = 10 * 60  # seconds for each rasa command
# The only warnings `rasa data validate` may give: our recogniser (bot/nlu/) reads the
# student's text, so the domain's intents have no Rasa NLU examples.
EXPECTED_WARNING = re.compile(r"The intent '[^']+' is listed in the domain file, but is not found in the NLU "
                              r"training data\.")
RASA_WARNING = re.compile(r"rasa/shared/utils/io\.py:\d+: (\w*Warning): (.*)")


# --- the environment -------------------------------------------------------------------------

def _is_python310(path: Path) -> bool:
    if not (path.is_file() and os.access(path, os.X_OK)):
        return False
    try:
        out = subprocess.run([str(path), "-c", "import sys; print(*sys.version_info[:2])"],
                             capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0 and tuple(int(x) for x in out.stdout.split()) == PYTHON_VERSION


def _pyenv_roots() -> list[Path]:
    roots = []
    if os.environ.get("PYENV_ROOT"):
        roots.append(Path(os.environ["PYENV_ROOT"]))
    pyenv = shutil.which("pyenv")
    if pyenv:
        try:
            out = subprocess.run([pyenv, "root"], capture_output=True, text=True, timeout=60)
            if out.returncode == 0 and out.stdout.strip():
                roots.append(Path(out.stdout.strip()))
        except (OSError, subprocess.TimeoutExpired):
            pass
    roots += [Path.home() / ".pyenv", Path("/root/.pyenv")]
    return roots


def find_python310() -> Path | None:
    """A Python 3.10 interpreter (see the module docstring for where it is looked for)."""
    given = os.environ.get("OEFENGESPREK_RASA_PYTHON")
    if given:
        return Path(given) if _is_python310(Path(given)) else None
    candidates: list[Path] = []
    for root in _pyenv_roots():
        candidates += sorted((root / "versions").glob("3.10*/bin/python"), reverse=True)
    on_path = shutil.which("python3.10")
    if on_path:
        candidates.append(Path(on_path))
    return next((c for c in candidates if _is_python310(c)), None)


def rasa_venv_dir() -> Path:
    if os.environ.get("OEFENGESPREK_RASA_VENV"):
        return Path(os.environ["OEFENGESPREK_RASA_VENV"])
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "oefengesprek-rasa36" / "venv"


def _stamp(python: Path) -> str:
    return f"{RASA_REQUIREMENT}\n{python.resolve()}\n"


def ensure_rasa_venv(python: Path, venv: Path) -> Path:
    """The venv's python, after building the venv if it is missing, unfinished or built for
    another Rasa version or interpreter. A lock file keeps two test runs on the machine from
    building it at the same time."""
    marker = venv / ".oefengesprek-rasa"
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.exists() and marker.read_text() == _stamp(python) and (venv / "bin" / "python").exists():
            return venv / "bin" / "python"
        shutil.rmtree(venv, ignore_errors=True)
        log = venv.parent / "build.log"
        with open(log, "w") as out:
            for command in ([str(python), "-m", "venv", str(venv)],
                            [str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check",
                             "-q", RASA_REQUIREMENT]):
                done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, timeout=BUILD_TIMEOUT,
                                      cwd=venv.parent)
                if done.returncode != 0:
                    pytest.fail(f"building the Rasa environment failed: {' '.join(command)} "
                                f"(exit {done.returncode}); log: {log}\n{log.read_text()[-3000:]}", pytrace=False)
        marker.write_text(_stamp(python))  # last: an interrupted build is rebuilt next time
        return venv / "bin" / "python"


@pytest.fixture(scope="module")
def rasa_python() -> Path:
    python = find_python310()
    if python is None:
        reason = ("Python 3.10 not found (OEFENGESPREK_RASA_PYTHON, pyenv versions/3.10*, python3.10): "
                  "real Rasa 3.6 needs it")
        if IN_CI:
            pytest.fail(f"{reason} (required because CI is set)", pytrace=False)
        pytest.skip(reason)
    return ensure_rasa_venv(python, rasa_venv_dir())


def rasa(python: Path, workdir: Path, *args: str) -> subprocess.CompletedProcess:
    """Run `python -m rasa ARGS` in `workdir` (Rasa writes its cache and files there, never
    into the repository), without telemetry."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(RASA_TELEMETRY_ENABLED="false", RASA_CACHE_DIRECTORY=str(workdir / ".rasa-cache"),
               TF_CPP_MIN_LOG_LEVEL="2", PYTHONWARNINGS="default")
    return subprocess.run([str(python), "-m", "rasa", *args], cwd=workdir, env=env, capture_output=True,
                          text=True, timeout=RUN_TIMEOUT)


def _output(done: subprocess.CompletedProcess) -> str:
    return (done.stdout + done.stderr)[-4000:]


# --- the content, unchanged ----------------------------------------------------------------------

ROOT = content_root()
DOMAIN = ROOT / "domain" / "rasa"
STORIES = ROOT / "stories"
CONFIG = ROOT / "config.yml"


@pytest.mark.rasa
def test_rasa_validates_the_content(rasa_python: Path, tmp_path: Path):
    done = rasa(rasa_python, tmp_path, "data", "validate", "--domain", str(DOMAIN), "--data", str(STORIES),
                "--config", str(CONFIG))
    assert done.returncode == 0, f"rasa data validate failed (exit {done.returncode}):\n{_output(done)}"
    unexpected = [f"{kind}: {text}" for kind, text in RASA_WARNING.findall(done.stdout + done.stderr)
                  if not EXPECTED_WARNING.search(text)]
    assert not unexpected, "rasa data validate warns:\n" + "\n".join(unexpected)


@pytest.mark.rasa
def test_rasa_trains_and_passes_every_test_story(rasa_python: Path, tmp_path: Path):
    wanted = len(load_test_stories())
    if not wanted:
        pytest.skip("no test stories in tests/stories/")
    models = tmp_path / "models"
    done = rasa(rasa_python, tmp_path, "train", "core", "--config", str(CONFIG), "--domain", str(DOMAIN),
                "--stories", str(STORIES), "--out", str(models), "--fixed-model-name", "core")
    model = models / "core.tar.gz"
    assert done.returncode == 0 and model.exists(), f"rasa train core failed (exit {done.returncode}):\n{_output(done)}"

    results = tmp_path / "results"
    done = rasa(rasa_python, tmp_path, "test", "core", "--model", str(model), "--stories", str(stories_under_test()),
                "--out", str(results))
    assert done.returncode == 0, f"rasa test core failed (exit {done.returncode}):\n{_output(done)}"
    report = json.loads((results / "story_report.json").read_text(encoding="utf-8"))
    stories = report.get("conversation_accuracy") or {}
    failed = results / "failed_test_stories.yml"
    shown = failed.read_text(encoding="utf-8")[:8000] if failed.exists() else _output(done)
    assert stories.get("total") == wanted and stories.get("correct") == wanted, (
        f"rasa test core: {stories.get('correct')} of {stories.get('total')} test stories right "
        f"(tests/stories has {wanted}); Rasa's failed stories, with `# predicted:` where it differs:\n{shown}")


def test_the_finder_refuses_an_interpreter_that_is_not_python310(monkeypatch):
    monkeypatch.setenv("OEFENGESPREK_RASA_PYTHON", sys.executable)  # the suite's own Python 3.11
    assert find_python310() is None
