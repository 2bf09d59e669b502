"""The engine's NLU call for a student turn: the previous customer line and its annotated
signals (docs/contracts.md §2), so a verdict never depends on re-reading a scripted line."""

from __future__ import annotations

from bot.engine.nlu_turn import analyse_student_turn, previous_customer_line


def bot(text, speaker=None, labels=None):
    metadata = {}
    if speaker is not None:
        metadata["speaker"] = speaker
    if labels is not None:
        metadata["labels"] = labels
    return {"event": "bot", "text": text, "metadata": metadata}


def user(text):
    return {"event": "user", "text": text}


class RecordingNlu:
    def __init__(self):
        self.calls = []

    def __call__(self, text, **kwargs):
        self.calls.append((text, kwargs))
        return kwargs


def test_the_last_customer_line_and_its_annotated_labels():
    events = [bot("Goedemorgen.", "klant", []), user("Hallo"),
              bot("Dat vind ik eigenlijk te duur.", "klant", ["weerstand.prijs"])]
    assert previous_customer_line(events) == ("Dat vind ik eigenlijk te duur.", ["weerstand.prijs"])


def test_coach_lines_never_count():
    events = [bot("Wij leveren al jaren via een ander.", "leverancier", ["weerstand.concurrent"]),
              bot("Tip: vraag door.", "coach", [])]
    assert previous_customer_line(events) == ("Wij leveren al jaren via een ander.", ["weerstand.concurrent"])
    assert previous_customer_line([bot("Wat is uw doel?", "coach", [])]) == (None, None)


def test_a_line_without_annotation_is_left_to_the_recogniser():
    assert previous_customer_line([bot("Te duur.", "klant")]) == ("Te duur.", None)
    assert previous_customer_line([bot("Te duur.")]) == ("Te duur.", None)  # content without speakers


def test_the_nlu_gets_previous_labels_only_when_they_are_known():
    nlu = RecordingNlu()
    analyse_student_turn(nlu, [bot("Tja.", "klant", ["weerstand.uitstel"])], "Waar twijfelt u over?", None)
    analyse_student_turn(nlu, [bot("Tja.", "klant")], "Waar twijfelt u over?", None)
    assert nlu.calls[0][1] == {"speaker": "student", "previous": "Tja.", "catalogue": None,
                               "previous_labels": ["weerstand.uitstel"]}
    assert "previous_labels" not in nlu.calls[1][1]


def test_a_session_turn_is_judged_against_the_annotated_signals():
    from bot.engine.session import start, step

    first = start("3.1-klacht-koffieautomaat", seed=3)
    customer = [m for m in first.messages if m["speaker"] in ("klant", "leverancier")][-1]
    assert customer["labels"] == ["klacht"]
    turn = step(first.state, "Wat vervelend, excuses daarvoor. Sinds wanneer doet hij het niet meer?")
    assert turn.analysis["reaction"]["signal"] == "klacht" and turn.analysis["reaction"]["verdict"] == "goed"
    # the verdict follows the annotation, not a second reading of the scripted text
    events = [dict(e) for e in first.state["events"]]
    last = next(e for e in reversed(events) if e.get("event") == "bot")
    last["metadata"] = {**last["metadata"], "labels": ["weerstand.prijs"]}
    relabelled = step({**first.state, "events": events}, "Wat vervelend, excuses daarvoor. Sinds wanneer doet hij het niet meer?")
    assert relabelled.analysis["reaction"]["signal"] == "weerstand.prijs"
