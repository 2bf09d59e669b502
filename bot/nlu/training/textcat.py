"""Train the text classifier that backs up the rules (spaCy textcat_multilabel, bag of words).

    python -m bot.nlu.training.textcat [--seed 1] [--out bot/nlu/model/textcat] [--check]

Data: the labelled development set (tests/data/nlu_dev.yml), the exact-label regression
cases (tests/data/nlu_regression.yml) and the training sets (tests/data/nlu_train_*.yml: written
blind for the classifier on 2026-12-07, never used to write rules nor to measure); never a
held-out set. Each utterance becomes the
recogniser's normalised words (chat spelling fixed, lower case, no accents) after a speaker
token, so the model reads what the rules read. CPU only, seeded: the same data and seed give
a byte-identical model (`--check` trains twice and compares). The result is small (hashed
unigrams and bigrams) and ships inside the package; bot/nlu/textcat.py loads it once.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "model" / "textcat"
DEV = ROOT / "tests" / "data" / "nlu_dev.yml"
TRAINING_SETS = "nlu_train_*.yml"  # in tests/data
HELD_OUT_MARK = "heldout"

# hyper-parameters (chosen by cross-validation on the development data, see README)
EPOCHS = 12
BATCH = 16
LENGTH = 2 ** 14  # hash buckets of the bag of words: keeps the model about 1 MB
NGRAMS = 2
LEARN_RATE = 0.005


def training_items() -> list[dict]:
    """(speaker, text, labels) of the development set, the training sets and the exact-label
    regression cases."""
    import yaml

    from bot.nlu.testing import load_cases

    items = []
    for path in (DEV, *sorted(DEV.parent.glob(TRAINING_SETS))):
        items += [{"speaker": i["speaker"], "text": i["text"], "labels": list(i["labels"])}
                  for i in yaml.safe_load(path.read_text(encoding="utf-8"))["utterances"]]
    items += [{"speaker": c["speaker"], "text": c["text"], "labels": list(c["labels"])}
              for c in load_cases() if "labels" in c]
    return items


def model_words(recogniser, text: str, speaker: str) -> list[str]:
    from bot.nlu.textcat import input_words

    return input_words(recogniser.doc(text, speaker), speaker)


def build(items: list[dict], seed: int, recogniser=None, epochs: int = EPOCHS, learn_rate: float = LEARN_RATE):
    """A trained spaCy pipeline with one textcat_multilabel component."""
    import spacy
    from spacy.tokens import Doc
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch

    from bot.nlu.recogniser import Recogniser
    from bot.nlu.textcat import COMPONENT, model_labels

    recogniser = recogniser or Recogniser(use_model=False)
    labels = model_labels()
    fix_random_seed(seed)
    nlp = spacy.blank("nl")
    nlp.add_pipe("textcat_multilabel", name=COMPONENT, config={
        "threshold": 0.5,
        "model": {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False,
                  "ngram_size": NGRAMS, "no_output_layer": False, "length": LENGTH},
    })
    examples = []
    for item in items:
        doc = Doc(nlp.vocab, words=model_words(recogniser, item["text"], item["speaker"]))
        cats = {label: float(label in item["labels"]) for label in labels}
        examples.append(Example.from_dict(doc, {"cats": cats}))
    optimizer = nlp.initialize(lambda: examples)
    optimizer.learn_rate = learn_rate
    order = random.Random(seed)
    for _ in range(epochs):
        batch_order = list(examples)
        order.shuffle(batch_order)
        for batch in minibatch(batch_order, size=BATCH):
            nlp.update(batch, sgd=optimizer, drop=0.0)
    return nlp


def save(nlp, out: Path) -> None:
    """Config, meta and the component's weights; no vocabulary or tokenizer (the model reads
    hashed words, and the recogniser gives it the words)."""
    import shutil

    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out, exclude=["tokenizer", "vocab"])


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="train twice and check the bytes are equal")
    args = parser.parse_args(argv)
    items = training_items()
    nlp = build(items, args.seed)
    save(nlp, args.out)
    print(f"{len(items)} utterances -> {args.out} (sha256 {digest(args.out)[:16]})")
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            save(build(items, args.seed), Path(tmp))
            same = digest(Path(tmp)) == digest(args.out)
        print("deterministic: " + ("yes" if same else "NO"))
        return 0 if same else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
