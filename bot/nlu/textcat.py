"""The trained helper beside the rules: a spaCy text classifier (textcat_multilabel, bag of
unigrams and bigrams) trained on our own labelled data (bot/nlu/training/textcat.py).

It only speaks where the rules are silent: a label is added when the rules found no label of
its family in the utterance (a signal group: koopsignaal, interessesignaal, weerstand, klacht;
for a student: any of the content moves it knows) and its score reaches SIGNAL_THRESHOLD (a
signal) or THRESHOLD (a student's move); then the best-scoring label of that family is added. Question moves (open/gesloten vraag, doorvragen,
afsluitvraag, bijverkoop) and informeel stay with the rules: they follow from sentence form,
context and single words. A label it adds carries Evidence with rule MODEL_RULE and no
pattern: the feedback says it was recognised by the trained model, without a rule.

The model ships inside the package (bot/nlu/model/textcat/, about 1 MB) and is loaded once
per process with the recogniser; nothing is downloaded. Without the folder the recogniser
runs on its rules alone.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path

from bot.nlu.docdata import words_of

COMPONENT = "textcat_multilabel"
MODEL_DIR = Path(__file__).resolve().parent / "model" / "textcat"
MODEL_RULE = "model:textcat"
THRESHOLD = 0.35  # a student's move: a wrong concessie or toezegging costs the student points
# A signal of the customer or supplier: 0.35 until 2026-12-07. Then, trained without development
# batches 7 and 8 (101 fresh items) and measured on them alone, the model's signals had
# precision 0.93 / recall 0.46 at 0.35 and 0.94 / 0.55 at 0.25 (0.90 / 0.63 at 0.15): 0.25
# gains recall at no cost in precision. Moves were not measured that way and keep 0.35.
SIGNAL_THRESHOLD = 0.25
SPEAKER_TOKENS = {"klant": "__klant__", "leverancier": "__klant__", "student": "__student__"}
MOVE_FAMILY = "zet"
# labels defined by a fixed form the rules read exactly: "ja, maar" and je/jij
FORM_LABELS = frozenset({"informeel", "ja_maar"})
MIN_WORDS = 3  # a reply of one or two words ("ja", "morgen") is left to the rules
# A signal of the other polarity than one the rules found needs a contrast in the utterance
# ("Klinkt goed, maar het is duur"); without one, "Die prijs is heel redelijk" stays positive.
POSITIVE_GROUPS = frozenset({"koopsignaal", "interessesignaal"})
CONTRASTS = frozenset({"maar", "alleen", "echter", "behalve", "hoewel", "toch"})


@lru_cache(maxsize=1)
def model_labels() -> tuple[str, ...]:
    """The labels the model learns: every signal, and the student moves that are not a
    question move and not informeel."""
    from bot.labels import label_contract

    contract = label_contract()
    left_to_rules = set(contract.vraag_voorrang) | FORM_LABELS
    return (*contract.signals, *(m for m in contract.moves if m not in left_to_rules))


def family_of(label: str) -> str:
    from bot.labels import label_contract

    contract = label_contract()
    return contract.group_of(label) if label in contract.signals else MOVE_FAMILY


def input_words(doc, speaker: str) -> list[str]:
    """What the model reads: a speaker token and the recogniser's normalised words."""
    return [SPEAKER_TOKENS[speaker], *(w.norm_ for w in words_of(doc) if not w.is_punct and w.norm_.strip())]


class TextClassifier:
    def __init__(self, folder: Path = MODEL_DIR, threshold: float = THRESHOLD,
                 signal_threshold: float = SIGNAL_THRESHOLD):
        from spacy.util import load_config, load_model_from_config

        nlp = load_model_from_config(load_config(folder / "config.cfg"), auto_fill=True)
        pipe = nlp.get_pipe(COMPONENT)
        pipe.from_disk(folder / COMPONENT, exclude=["vocab"])
        self.labels = tuple(pipe.labels)
        self.ngram_size = _ngram_size(pipe.model)
        # the bag-of-words model is extract_ngrams >> sparse_linear >> logistic; the words are
        # hashed here directly (as spaCy's ORTH ids), so no Doc and no string store grows
        self._sparse = next(node for node in pipe.model.walk() if node.name == "sparse_linear")
        self._sparse_forward = self._sparse._func
        self._ops = self._sparse.ops
        self.threshold = threshold
        self.signal_threshold = signal_threshold
        self.families = {label: family_of(label) for label in self.labels}
        self.signal_labels = frozenset(label for label in self.labels if self.families[label] != MOVE_FAMILY)
        self.move_labels = frozenset(self.labels) - self.signal_labels

    def scores_of_words(self, words: list[str]) -> dict[str, float]:
        """The model's score per label, computed as spaCy's textcat_multilabel does (same
        hashed unigrams and bigrams, same weights), without its per-call overhead."""
        import numpy
        from spacy.strings import hash_string

        unigrams = numpy.asarray([hash_string(word) for word in words], dtype="uint64")
        grams = unigrams.tolist()
        for n in range(2, self.ngram_size + 1):
            grams += self._ops.ngrams(n, unigrams).tolist()
        counts = Counter(grams)
        keys = numpy.fromiter(sorted(counts), dtype="uint64", count=len(counts))
        values = numpy.asarray([counts[key] for key in keys.tolist()], dtype="f")
        lengths = numpy.asarray([len(counts)], dtype="int32")
        linear, _ = self._sparse_forward(self._sparse, (keys, values, lengths), False)
        scores = numpy.exp(-numpy.logaddexp(0.0, -linear[0]))  # the Logistic output layer, without overflow
        return dict(zip(self.labels, scores.tolist()))

    def scores(self, doc, speaker: str) -> dict[str, float]:
        return self.scores_of_words(input_words(doc, speaker))

    def additions(self, doc, speaker: str, found: set[str]) -> list[tuple[str, float]]:
        """(label, score) the model adds: per family where the rules found nothing, the best
        label of the speaker's kind at or above the threshold."""
        student = speaker == "student"
        if student:
            open_families = set() if found & self.move_labels else {MOVE_FAMILY}
        else:
            taken = {self.families[label] for label in found if label in self.signal_labels}
            open_families = {self.families[label] for label in self.signal_labels} - taken
            if taken and CONTRASTS.isdisjoint(input_words(doc, speaker)):
                positive = any(family in POSITIVE_GROUPS for family in taken)
                negative = any(family not in POSITIVE_GROUPS for family in taken)
                open_families = {f for f in open_families
                                 if not ((f in POSITIVE_GROUPS and negative) or (f not in POSITIVE_GROUPS and positive))}
        words = input_words(doc, speaker)
        if not open_families or len(words) - 1 < MIN_WORDS:
            return []
        threshold = self.threshold if student else self.signal_threshold
        best: dict[str, tuple[str, float]] = {}
        for label, score in self.scores_of_words(words).items():
            family = self.families[label]
            if family not in open_families or score < threshold or (label in self.signal_labels) == student:
                continue
            if family not in best or score > best[family][1]:
                best[family] = (label, score)
        return list(best.values())


def _ngram_size(model) -> int:
    return int(next(node for node in model.walk() if node.name == "extract_ngrams").attrs["ngram_size"])


def load(folder: Path = MODEL_DIR) -> TextClassifier | None:
    """The shipped classifier, or None when the package has no trained model."""
    if not (folder / "config.cfg").exists():
        return None
    return TextClassifier(folder)
