"""The turn path changes behaviour only on purpose (issue 10).

benchmarks/golden_turns.py replays every test story and trainer script (three seeds, both
modes) and compares a hash of each conversation's replies, analyses, hints, events and report
with benchmarks/golden/turns.json. A refactor leaves every hash as it was. A change of
content or rules changes some: record them with `python benchmarks/golden_turns.py --update`
in the same commit, after reading what changed (`--dump DIR` before and after, then diff).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _golden():
    spec = importlib.util.spec_from_file_location("golden_turns_benchmark", ROOT / "benchmarks" / "golden_turns.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_conversation_plays_as_recorded() -> None:
    golden = _golden()
    stored = json.loads(golden.GOLDEN.read_text(encoding="utf-8"))
    played = golden.run()
    assert len(played) >= 400
    assert sorted(played) == sorted(stored), "the replayed conversations differ from the recorded ones"
    changed = sorted(k for k in played if played[k] != stored[k])
    assert not changed, (
        f"{len(changed)} conversations play differently from benchmarks/golden/turns.json, e.g. {changed[:5]}; "
        "if that is intended, record it: python benchmarks/golden_turns.py --update"
    )
