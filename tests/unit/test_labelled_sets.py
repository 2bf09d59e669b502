"""Checks on the labelled Dutch utterance sets for the recogniser (tests/data/nlu_*.yml).

Every set that follows the shared schema (the development set, the held-out set) is
checked against the label contract (bot.labels.label_contract()). The development set
is also checked for its size, its per-label minimums and its internal consistency with
the reaction table in section 3 of the contract. `nlu_regression*` files have another
schema and belong elsewhere; they are ignored here.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.labels import SPEAKERS, SPEAKERS_WITH_SIGNALS, STUDENT, VERDICTS, label_contract

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEV_SET = DATA_DIR / "nlu_dev.yml"

ITEM_KEYS = {"id", "speaker", "text", "labels", "previous", "previous_labels", "reaction"}
REQUIRED_KEYS = {"id", "speaker", "text", "labels"}

# Development-set requirements (from the brief for the set).
DEV_MIN_UTTERANCES = 450
DEV_MIN_PER_LABEL = 15
DEV_MIN_JUDGED_REACTIONS = 80
DEV_MIN_HARD_NEGATIVES = 60


def labelled_sets() -> list[Path]:
    return sorted(
        path
        for path in DATA_DIR.glob("nlu_*.yml")
        if not path.name.startswith("nlu_regression")
    )


def load_set(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _set_params() -> list:
    paths = labelled_sets()
    if not paths:
        return [pytest.param(None, marks=pytest.mark.skip(reason="no labelled sets in tests/data"))]
    return [pytest.param(path, id=path.name) for path in paths]


@pytest.fixture(scope="module")
def contract():
    return label_contract()


@pytest.fixture(scope="module")
def dev_set() -> dict:
    if not DEV_SET.exists():
        pytest.skip("tests/data/nlu_dev.yml is absent")
    return load_set(DEV_SET)


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


# --- schema: every labelled set -------------------------------------------------------


@pytest.mark.parametrize("path", _set_params())
def test_set_follows_the_schema(path: Path, contract) -> None:
    data = load_set(path)
    assert isinstance(data, dict), f"{path.name}: top level must be a mapping"
    assert data.get("version") == 1, f"{path.name}: version must be 1"
    utterances = data.get("utterances")
    assert isinstance(utterances, list) and utterances, f"{path.name}: 'utterances' must be a non-empty list"

    signals = set(contract.signals)
    moves = set(contract.moves)
    problems: list[str] = []
    seen_ids: set[str] = set()
    for index, item in enumerate(utterances):
        where = f"{path.name} item {index}"
        if not isinstance(item, dict):
            problems.append(f"{where}: not a mapping")
            continue
        where = f"{path.name} {item.get('id', f'item {index}')}"
        missing = REQUIRED_KEYS - item.keys()
        extra = item.keys() - ITEM_KEYS
        if missing:
            problems.append(f"{where}: missing {sorted(missing)}")
        if extra:
            problems.append(f"{where}: unknown keys {sorted(extra)}")
        if missing:
            continue

        if not isinstance(item["id"], str) or not item["id"]:
            problems.append(f"{where}: id must be a non-empty string")
        elif item["id"] in seen_ids:
            problems.append(f"{where}: duplicate id")
        seen_ids.add(item["id"])

        speaker = item["speaker"]
        if speaker not in SPEAKERS:
            problems.append(f"{where}: speaker {speaker!r} not in {SPEAKERS}")
        if not isinstance(item["text"], str) or not item["text"].strip():
            problems.append(f"{where}: text must be a non-empty string")

        labels = item["labels"]
        if not isinstance(labels, list):
            problems.append(f"{where}: labels must be a list")
            continue
        if len(set(labels)) != len(labels):
            problems.append(f"{where}: duplicate labels {labels}")
        unknown = [label for label in labels if label not in signals | moves]
        if unknown:
            problems.append(f"{where}: labels not in the contract: {unknown}")
        if speaker in SPEAKERS_WITH_SIGNALS and any(label in moves for label in labels):
            problems.append(f"{where}: a {speaker} carries signals only, got {labels}")
        if speaker == STUDENT and any(label in signals for label in labels):
            problems.append(f"{where}: a student carries moves only, got {labels}")

        has_previous = "previous" in item
        if has_previous != ("previous_labels" in item):
            problems.append(f"{where}: 'previous' and 'previous_labels' go together")
        previous_labels = item.get("previous_labels") or []
        if has_previous:
            if not isinstance(item["previous"], str) or not item["previous"].strip():
                problems.append(f"{where}: previous must be a non-empty string")
            if not isinstance(item["previous_labels"], list):
                problems.append(f"{where}: previous_labels must be a list")
                previous_labels = []
            elif any(label not in signals for label in previous_labels):
                problems.append(f"{where}: previous_labels must be signals, got {previous_labels}")

        needs_reaction = speaker == STUDENT and bool(previous_labels)
        if needs_reaction != ("reaction" in item):
            problems.append(
                f"{where}: 'reaction' is required exactly when a student answers a signal"
                f" (speaker {speaker}, previous_labels {previous_labels})"
            )
        if "reaction" in item and item["reaction"] not in VERDICTS:
            problems.append(f"{where}: reaction {item['reaction']!r} not in {VERDICTS}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", _set_params())
def test_set_has_no_duplicate_utterances(path: Path) -> None:
    seen: dict[tuple, str] = {}
    duplicates = []
    for item in load_set(path)["utterances"]:
        key = (item["speaker"], _normalise(item.get("previous", "")), _normalise(item["text"]))
        if key in seen:
            duplicates.append(f"{item['id']} repeats {seen[key]}: {item['text']!r}")
        seen.setdefault(key, item["id"])
    assert not duplicates, "\n".join(duplicates)


def _held_out_params() -> list:
    paths = sorted(DATA_DIR.glob("nlu_heldout*.yml"))
    if not paths:
        return [pytest.param(None, marks=pytest.mark.skip(reason="no held-out set in tests/data"))]
    return [pytest.param(path, id=path.name) for path in paths]


def _tuning_texts() -> set[str]:
    """Texts the rules were written from or the classifier was trained on: the development set,
    the training sets and the regression cases."""
    texts = {_normalise(item["text"]) for path in (DEV_SET, *DATA_DIR.glob("nlu_train_*.yml"))
             for item in load_set(path)["utterances"]}
    for path in DATA_DIR.glob("nlu_regression*.yml"):
        for case in load_set(path).get("cases") or []:
            text = case.get("text") if isinstance(case, dict) else case[1] if isinstance(case, list) and len(case) > 1 else None
            if isinstance(text, str):
                texts.add(_normalise(text))
    return texts


@pytest.mark.parametrize("held_out", _held_out_params())
def test_held_out_does_not_leak_into_what_the_rules_were_written_from(held_out: Path) -> None:
    """Longer sentences that the rules were written from would make a held-out score meaningless.
    (Only the ids are reported, so that the held-out text is not printed.)"""
    if not DEV_SET.exists():
        pytest.skip("needs tests/data/nlu_dev.yml")
    tuned = _tuning_texts()
    shared = [
        item["id"]
        for item in load_set(held_out)["utterances"]
        if len(_normalise(item["text"]).split()) >= 6 and _normalise(item["text"]) in tuned
    ]
    assert not shared, f"held-out utterances also in the development or regression data: {shared}"


# --- the development set ----------------------------------------------------------------


def test_dev_set_is_large_enough(dev_set) -> None:
    assert len(dev_set["utterances"]) >= DEV_MIN_UTTERANCES


def test_dev_set_has_every_label_often_enough(dev_set, contract) -> None:
    counts = Counter(label for item in dev_set["utterances"] for label in item["labels"])
    short = {
        label: counts[label]
        for label in (*contract.signals, *contract.moves)
        if counts[label] < DEV_MIN_PER_LABEL
    }
    assert not short, f"labels below {DEV_MIN_PER_LABEL} examples: {short}"


def test_dev_set_measures_reactions_across_verdicts_and_signal_groups(dev_set, contract) -> None:
    judged = [item for item in dev_set["utterances"] if "reaction" in item]
    assert len(judged) >= DEV_MIN_JUDGED_REACTIONS
    assert {item["reaction"] for item in judged} == set(VERDICTS)
    groups = {"koopsignaal", "interessesignaal", "weerstand", "klacht"}
    for group in groups:
        verdicts = {
            item["reaction"]
            for item in judged
            if any(contract.group_of(label) == group for label in item["previous_labels"])
        }
        assert verdicts == set(VERDICTS), f"reactions to {group}: only {sorted(verdicts)}"


def test_dev_set_has_hard_negatives_and_both_other_speakers(dev_set) -> None:
    utterances = dev_set["utterances"]
    negatives = [item for item in utterances if not item["labels"]]
    assert len(negatives) >= DEV_MIN_HARD_NEGATIVES
    assert sum(item["speaker"] == "leverancier" for item in utterances) >= 15
    assert any(item["speaker"] == "leverancier" and item["labels"] for item in utterances)
    assert any(item["speaker"] == "student" and not item["labels"] for item in utterances)


def _verdict_problems(item: dict, contract, settled: bool = False) -> list[str]:
    """Where a verdict contradicts the reaction table (section 3 of the contract).

    Only for replies to signals of a single group; the table gives necessary conditions
    for `goed` and the moves that make a reaction `fout`. The situations settled on
    2026-12-07 add good reactions (confirming an order, a later moment after weerstand.tijd);
    with `settled` their stricter rows are checked too (a concessie after a koopsignaal, or
    before any understanding, probing or summarising after a weerstand, is fout).
    """
    groups = {contract.group_of(label) for label in item["previous_labels"]}
    if len(groups) != 1:
        return []
    group = groups.pop()
    moves = set(item["labels"])
    verdict = item["reaction"]
    previous = set(item["previous_labels"])
    problems = []

    def expect(condition: bool, why: str) -> None:
        if not condition:
            problems.append(f"{item['id']} ({group}, {sorted(moves)}, {verdict}): {why}")

    listening = bool(moves & {"begrip_tonen", "doorvragen", "samenvatten"})
    if group == "koopsignaal":
        confirms_order = "koopsignaal.instemming" in previous and bool(
            moves & {"samenvatten", "toezegging", "bijverkoop"}
        )
        if verdict == "goed":
            expect("afsluitvraag" in moves or confirms_order, "goed needs an afsluitvraag (or confirming an order)")
        if "afsluitvraag" in moves and not moves & {"ja_maar", "tegenspreken", "concessie"}:
            expect(verdict == "goed", "an afsluitvraag after a koopsignaal is goed")
        if settled and "concessie" in moves:
            expect(verdict == "fout", "a concessie nobody asked for after a koopsignaal is fout")
    elif group == "interessesignaal":
        if moves & {"tegenspreken", "afsluitvraag"}:
            expect(verdict == "fout", "tegenspreken or pushing for the order is fout")
        if verdict == "goed":
            expect(bool(moves & {"voordeel_benoemen", "doorvragen"}), "goed needs voordeel_benoemen or doorvragen")
    elif group == "weerstand":
        later_moment = "weerstand.tijd" in previous and bool(moves & {"afsluitvraag", "toezegging"})
        if moves & {"ja_maar", "tegenspreken"}:
            expect(verdict == "fout", "ja_maar or tegenspreken is fout")
        if "concessie" in moves and "weerstand.prijs" in previous:
            expect(verdict == "fout", "a concessie on a price objection is fout")
        if settled and "concessie" in moves and not listening:
            expect(verdict == "fout", "a concessie as the first reaction to a weerstand is fout")
        if verdict == "goed":
            expect(listening or later_moment, "goed needs begrip/doorvragen/samenvatten (or a later moment after weerstand.tijd)")
    elif group == "klacht":
        if moves & {"ja_maar", "tegenspreken"}:
            expect(verdict == "fout", "ja_maar or tegenspreken is fout")
        if verdict == "goed":
            expect(
                bool(moves & {"excuses", "begrip_tonen"}) and bool(moves & {"doorvragen", "toezegging"}),
                "goed needs excuses/begrip_tonen and doorvragen/toezegging",
            )
    return problems


def test_dev_set_verdicts_follow_the_reaction_table(dev_set, contract) -> None:
    problems = [
        problem
        for item in dev_set["utterances"]
        if "reaction" in item
        for problem in _verdict_problems(item, contract)
    ]
    assert not problems, "\n".join(problems)


def test_dev_set_question_moves_exclude_each_other(dev_set, contract) -> None:
    """In the development set every student utterance holds at most one question move."""
    question_moves = set(contract.vraag_voorrang)
    clashes = [
        f"{item['id']}: {item['labels']}"
        for item in dev_set["utterances"]
        if len(question_moves & set(item["labels"])) > 1
    ]
    assert not clashes, "\n".join(clashes)


# --- the held-out sets ------------------------------------------------------------------


def _benchmark_sets() -> dict:
    """The named sets of benchmarks/nlu_accuracy.py (loaded from its file; benchmarks/ is no package)."""
    import importlib.util
    import sys

    path = DATA_DIR.parent.parent / "benchmarks" / "nlu_accuracy.py"
    spec = importlib.util.spec_from_file_location("nlu_accuracy_benchmark", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module.SETS


def test_every_held_out_set_can_be_measured_by_the_benchmark() -> None:
    known = {Path(path).resolve() for path in _benchmark_sets().values()}
    unknown = [path.name for path in DATA_DIR.glob("nlu_heldout*.yml") if path.resolve() not in known]
    assert not unknown, f"held-out sets without a --set name in benchmarks/nlu_accuracy.py: {unknown}"


# Held-out sets written for the situations settled on 2026-12-07 (section 3 of the contract).
SETTLED_HELD_OUT = ("nlu_heldout3.yml", "nlu_heldout4.yml", "nlu_heldout5.yml")


@pytest.fixture(scope="module", params=SETTLED_HELD_OUT)
def settled_held_out(request) -> dict:
    path = DATA_DIR / request.param
    if not path.exists():
        pytest.skip(f"tests/data/{request.param} is absent")
    return load_set(path)


def test_settled_held_out_measures_every_signal_and_move(settled_held_out, contract) -> None:
    """Recall per signal needs about fifteen items each; every move and both verdict groups occur."""
    counts = Counter(label for item in settled_held_out["utterances"] for label in item["labels"])
    short_signals = {label: counts[label] for label in contract.signals if counts[label] < 15}
    missing_moves = [label for label in contract.moves if counts[label] < 5]
    assert not short_signals, f"signals below 15 items: {short_signals}"
    assert not missing_moves, f"moves below 5 items: {missing_moves}"
    judged = [item for item in settled_held_out["utterances"] if "reaction" in item]
    assert {item["reaction"] for item in judged} == set(VERDICTS)
    assert sum(not item["labels"] for item in settled_held_out["utterances"]) >= 40


def test_settled_held_out_verdicts_follow_the_reaction_table(settled_held_out, contract) -> None:
    problems = [
        problem
        for item in settled_held_out["utterances"]
        if "reaction" in item
        for problem in _verdict_problems(item, contract, settled=True)
    ]
    assert not problems, "\n".join(problems)


def test_settled_held_out_question_moves_exclude_each_other(settled_held_out, contract) -> None:
    question_moves = set(contract.vraag_voorrang)
    clashes = [
        item["id"]
        for item in settled_held_out["utterances"]
        if len(question_moves & set(item["labels"])) > 1
    ]
    assert not clashes, f"utterances with more than one question move: {clashes}"
