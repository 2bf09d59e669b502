"""Accuracy of the recogniser on a labelled set: P/R/F1 per label, micro/macro, verdicts.

    python benchmarks/nlu_accuracy.py [--set dev|heldout|heldout2|heldout3|heldout4|heldout5|all] [--file PATH] [--errors] [--json]

Prints a Markdown table. Sets: tests/data/nlu_dev.yml (tuned on), tests/data/nlu_heldout.yml,
tests/data/nlu_heldout2.yml, tests/data/nlu_heldout3.yml, tests/data/nlu_heldout4.yml and
tests/data/nlu_heldout5.yml (never
tuned on; written by people who had seen neither the rules nor the other sets; heldout3 and
heldout4 weight the situations settled in the label contract on 2026-12-07; heldout4 and heldout5
are measured once, by the coordinator, after the issue-9 recogniser work; do not use --errors on them while
writing rules); --file PATH
measures any other file in the same format instead of a set.
Labels follow the label contract; every contract label gets a row.

Student replies are analysed as the product does: with the previous customer line and its
annotated signals (`previous_labels`, as the engine passes the scenario's annotation). The
verdict is also measured with the signals recognised from the previous line's text instead
("verdicts, previous recognised"), the figure reported before 2026-12-07.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from bot.labels import label_contract  # noqa: E402

SETS = {
    "dev": ROOT / "tests/data/nlu_dev.yml",
    "heldout": ROOT / "tests/data/nlu_heldout.yml",
    "heldout2": ROOT / "tests/data/nlu_heldout2.yml",
    "heldout3": ROOT / "tests/data/nlu_heldout3.yml",
    "heldout4": ROOT / "tests/data/nlu_heldout4.yml",
    "heldout5": ROOT / "tests/data/nlu_heldout5.yml",
}


@dataclass
class Result:
    name: str
    n: int = 0
    tp: dict = field(default_factory=dict)
    fp: dict = field(default_factory=dict)
    fn: dict = field(default_factory=dict)
    exact: int = 0
    verdicts: int = 0
    verdicts_right: int = 0
    verdicts_right_recognised: int = 0  # verdict with the previous line's signals recognised from its text
    model_labels: int = 0  # labels added by the trained classifier (evidence rule model:textcat)
    model_labels_right: int = 0
    errors: list = field(default_factory=list)

    def prf(self, label: str) -> tuple[float, float, float, int]:
        tp, fp, fn = self.tp.get(label, 0), self.fp.get(label, 0), self.fn.get(label, 0)
        p = tp / (tp + fp) if tp + fp else (1.0 if not fn else 0.0)
        r = tp / (tp + fn) if tp + fn else (1.0 if not fp else 0.0)
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f, tp + fn

    def labels(self) -> list[str]:
        contract = label_contract()
        return [*contract.signals, *contract.moves]

    def macro_f1(self) -> float:
        rows = [self.prf(label) for label in self.labels() if self.prf(label)[3] or self.fp.get(label)]
        return sum(r[2] for r in rows) / len(rows) if rows else 0.0

    def micro(self) -> tuple[float, float, float]:
        tp, fp, fn = sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values())
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def verdict_accuracy(self) -> float:
        return self.verdicts_right / self.verdicts if self.verdicts else 0.0

    def verdict_accuracy_recognised(self) -> float:
        return self.verdicts_right_recognised / self.verdicts if self.verdicts else 0.0


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)["utterances"]


def _accepts_previous_labels(analyse) -> bool:
    import inspect

    return "previous_labels" in inspect.signature(analyse).parameters


def evaluate(name: str, items: list[dict]) -> Result:
    from bot.nlu import analyse
    from bot.nlu.textcat import MODEL_RULE

    pass_previous_labels = _accepts_previous_labels(analyse)
    result = Result(name)
    for item in items:
        analysis = analyse(item["text"], speaker=item["speaker"], previous=item.get("previous"),
                           previous_labels=item.get("previous_labels") if pass_previous_labels else None)
        got, want = set(analysis.labels), set(item["labels"])
        result.n += 1
        from_model = {e.label for e in analysis.evidence if e.rule == MODEL_RULE}
        result.model_labels += len(from_model)
        result.model_labels_right += len(from_model & want)
        result.exact += got == want
        for label in got & want:
            result.tp[label] = result.tp.get(label, 0) + 1
        for label in got - want:
            result.fp[label] = result.fp.get(label, 0) + 1
        for label in want - got:
            result.fn[label] = result.fn.get(label, 0) + 1
        verdict_wrong = False
        if "reaction" in item:
            result.verdicts += 1
            mine = analysis.reaction.verdict if analysis.reaction else None
            result.verdicts_right += mine == item["reaction"]
            recognised = analyse(item["text"], speaker=item["speaker"], previous=item.get("previous")).reaction
            result.verdicts_right_recognised += (recognised.verdict if recognised else None) == item["reaction"]
            verdict_wrong = mine != item["reaction"]
        if got != want or verdict_wrong:
            result.errors.append({
                "id": item["id"], "speaker": item["speaker"], "text": item["text"],
                "previous": item.get("previous"), "want": sorted(want), "got": sorted(got),
                "missing": sorted(want - got), "extra": sorted(got - want),
                "reaction": item.get("reaction"),
                "got_reaction": analysis.reaction.verdict if analysis.reaction else None,
                "evidence": [f"{e.label}<-{e.rule}:{e.text!r}" for e in analysis.evidence],
            })
    return result


def markdown(result: Result) -> str:
    lines = [f"**{result.name}**: {result.n} utterances, exact label-set match {result.exact / max(result.n, 1):.1%}", "",
             "| label | support | precision | recall | F1 |", "|---|---:|---:|---:|---:|"]
    for label in result.labels():
        p, r, f, support = result.prf(label)
        if support or result.fp.get(label):
            lines.append(f"| `{label}` | {support} | {p:.2f} | {r:.2f} | {f:.2f} |")
    mp, mr, mf = result.micro()
    lines.append(f"| **micro** | {sum(result.tp.values()) + sum(result.fn.values())} | {mp:.2f} | {mr:.2f} | {mf:.2f} |")
    lines.append(f"| **macro F1** | | | | {result.macro_f1():.2f} |")
    lines.append("")
    lines.append(f"Labels added by the trained model (no rule): {result.model_labels} of "
                 f"{sum(result.tp.values()) + sum(result.fp.values())} given, {result.model_labels_right} of them right")
    lines.append("")
    lines.append(f"Reaction verdict accuracy: {result.verdict_accuracy():.1%} ({result.verdicts_right}/{result.verdicts}); "
                 f"with the previous line's signals recognised from its text: {result.verdict_accuracy_recognised():.1%} "
                 f"({result.verdicts_right_recognised}/{result.verdicts})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=[*SETS, "all"], default="dev")
    parser.add_argument("--file", type=Path, help="measure this labelled file instead of a named set")
    parser.add_argument("--errors", action="store_true", help="list every wrong utterance")
    parser.add_argument("--json", action="store_true", help="machine-readable summary")
    args = parser.parse_args(argv)
    if args.file is not None:
        sets = {args.file.stem: args.file}
    else:
        sets = {name: SETS[name] for name in (list(SETS) if args.set == "all" else [args.set])}
    started = time.perf_counter()
    for name, path in sets.items():
        if not path.exists():
            print(f"{path} ontbreekt", file=sys.stderr)
            return 1
        result = evaluate(name, load(path))
        if args.json:
            print(json.dumps({"set": name, "n": result.n, "macro_f1": result.macro_f1(),
                              "micro_f1": result.micro()[2], "verdict_accuracy": result.verdict_accuracy(),
                              "verdict_accuracy_recognised": result.verdict_accuracy_recognised(),
                              "model_labels": result.model_labels, "model_labels_right": result.model_labels_right}))
        else:
            print(markdown(result))
            print()
        if args.errors:
            for error in result.errors:
                print(json.dumps(error, ensure_ascii=False))
    print(f"({time.perf_counter() - started:.1f}s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
