"""The spaCy pipeline: which Dutch model, plus our registered rule components.

Model choice (once per process):
  1. env OEFENGESPREK_SPACY_MODEL (an installed package name or a path to a saved pipeline);
  2. else `nl_core_news_sm` when installed (adds POS, lemmas from a trained lemmatizer and
     dependencies, used by the question rules);
  3. else spacy.blank("nl") with the lookup lemmatizer from spacy-lookups-data.
Nothing is ever downloaded.

Our components (registered factories) run after the model's own:
  oefengesprek_normaliseer  token NORM = standard spelling (domain/nlu/normalisatie.yml)
  oefengesprek_zinnen       sentence split + question detection → doc._.oefen_zinnen
  oefengesprek_regels       Matcher over all label rules → doc._.oefen_hits
(the values live in doc.user_data, see bot.nlu.docdata)
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from bot.content import ContentError, ContentErrors
from bot.nlu.docdata import BLOCKS_KEY, HITS_KEY, SENTENCES_KEY, SPEAKER_KEY, TOKENS_KEY, UNLESS_KEY, Word
from bot.nlu.matching import NORMS_KEY, WORDS_KEY, FilteredMatcher
from bot.nlu.normalise import Normaliser
from bot.nlu.questions import QuestionDetector
from bot.nlu.resources import Resources

MODEL_ENV = "OEFENGESPREK_SPACY_MODEL"
DEFAULT_MODEL = "nl_core_news_sm"

@dataclass(frozen=True)
class ModelInfo:
    source: str  # "env" | "installed" | "blank"
    name: str  # package name, path or "blank:nl"
    has_pos: bool
    has_deps: bool
    meta_name: str


def _load_base_model() -> tuple[Language, str, str]:
    requested = os.environ.get(MODEL_ENV, "").strip()
    if requested:
        try:
            return spacy.load(requested), "env", requested
        except OSError as exc:
            raise RuntimeError(
                f"spaCy-model '{requested}' uit {MODEL_ENV} kan niet geladen worden: {exc}"
            ) from None
    if importlib.util.find_spec(DEFAULT_MODEL) is not None:
        return spacy.load(DEFAULT_MODEL), "installed", DEFAULT_MODEL
    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp, "blank", "blank:nl"


# --- components ---------------------------------------------------------------------------


class NormaliseComponent:
    def __init__(self, normaliser: Normaliser):
        self.normaliser = normaliser
        # Set by the Recogniser when it folds spaCy's lookup lemmatizer into this loop (one
        # pass over the tokens instead of two; the same lemma: the lower-cased text looked
        # up in the table, for tokens without a lemma).
        self.lemma_lookup: dict | None = None
        self._lemma_cache: dict[str, str] = {}

    def __call__(self, doc: Doc) -> Doc:
        norm = self.normaliser.norm
        norms, lemmas, words = [], set(), []
        table = self.lemma_lookup
        cache = self._lemma_cache
        for i, token in enumerate(doc):
            text = token.text
            if table is not None and token.lemma == 0:
                lemma = cache.get(text)
                if lemma is None:
                    lower = text.lower()
                    lemma = table.get(lower, lower)
                    if len(cache) < 50000:
                        cache[text] = lemma
                token.lemma_ = lemma
            else:
                lemma = token.lemma_
            lemmas.add(lemma)
            value = norm(text)
            token.norm_ = value
            norms.append(value)
            words.append(Word(i, text, value, lemma, token.pos_, token.is_punct))
        doc.user_data[WORDS_KEY] = (set(norms), lemmas, " " + " ".join(norms))
        doc.user_data[NORMS_KEY] = norms
        doc.user_data[TOKENS_KEY] = words
        return doc


class RuleMatcherComponent:
    """Matches every label rule, its `tenzij` patterns and the blocks, per speaker group."""

    def __init__(self, nlp: Language, resources: Resources):
        self.rules = resources.rules
        self.blocks = resources.blocks
        errors: list[ContentError] = []
        self.matchers: dict[str, FilteredMatcher] = {}
        self.unless: dict[str, FilteredMatcher] = {}
        self.block_matchers: dict[str, FilteredMatcher] = {}
        for group in ("signalen", "zetten"):
            self.matchers[group] = FilteredMatcher(nlp.vocab)
            self.unless[group] = FilteredMatcher(nlp.vocab)
            self.block_matchers[group] = FilteredMatcher(nlp.vocab)
        for index, rule in enumerate(self.rules):
            group = "zetten" if "student" in rule.speakers else "signalen"
            self._add(self.matchers[group], index, rule.patterns, rule.source, rule.id, errors)
            if rule.unless:
                self._add(self.unless[group], index, rule.unless, rule.source, rule.id, errors)
        for index, block in enumerate(self.blocks):
            group = "zetten" if "student" in block.speakers else "signalen"
            self._add(self.block_matchers[group], index, block.patterns, block.id, block.id, errors)
        if errors:
            raise ContentErrors(errors)

    @staticmethod
    def _add(matcher: FilteredMatcher, key: int, patterns, source: str, rule_id: str, errors: list[ContentError]) -> None:
        for pattern in patterns:
            try:
                matcher.add(key, [pattern])
            except (ValueError, KeyError) as exc:  # spaCy's MatchPatternError is a ValueError
                path, _, line = source.rpartition(":")
                errors.append(
                    ContentError(path or source, int(line) if line.isdigit() else None,
                                 f"regel {rule_id}: ongeldig spaCy-patroon {pattern!r}: {exc}".splitlines()[0])
                )

    def __call__(self, doc: Doc) -> Doc:
        data = doc.user_data
        group = "zetten" if data.get(SPEAKER_KEY) == "student" else "signalen"
        words = FilteredMatcher.doc_words(doc)
        hits = self.matchers[group](doc, words)
        data[HITS_KEY] = hits
        hit_rules = {key for key, _, _ in hits}
        data[UNLESS_KEY] = self.unless[group](doc, words, only=hit_rules) if hit_rules else []
        data[BLOCKS_KEY] = self.block_matchers[group](doc, words) if hit_rules else []
        return doc


class SentenceComponent:
    def __init__(self, detector: QuestionDetector):
        self.detector = detector

    def __call__(self, doc: Doc) -> Doc:
        # also records the clause and sentence starts that "^"/"^^" in patterns check
        doc.user_data[SENTENCES_KEY] = self.detector.sentences(doc)
        return doc


# The factories take their (non-serialisable) resources from this registry, filled by
# build_pipeline just before nlp.add_pipe; spaCy's config stays a plain string key.
_RESOURCES: dict[str, Any] = {}


@Language.factory("oefengesprek_normaliseer", default_config={"key": "default"})
def make_normaliser(nlp: Language, name: str, key: str) -> NormaliseComponent:
    res: Resources = _RESOURCES[key]
    return NormaliseComponent(Normaliser(res.normalisation.vervangingen, res.normalisation.herhaalde_letters))


@Language.factory("oefengesprek_regels", default_config={"key": "default"})
def make_rule_matcher(nlp: Language, name: str, key: str) -> RuleMatcherComponent:
    return RuleMatcherComponent(nlp, _RESOURCES[key])


@Language.factory("oefengesprek_zinnen", default_config={"key": "default"})
def make_sentences(nlp: Language, name: str, key: str) -> SentenceComponent:
    return SentenceComponent(QuestionDetector(nlp, _RESOURCES[key]))


def _add_special_cases(nlp: Language, resources: Resources) -> None:
    for word, parts in resources.normalisation.splitsingen.items():
        for variant in {word, word.lower(), word.capitalize()}:
            pieces, offset = [], 0
            for part in parts:
                pieces.append({"ORTH": variant[offset: offset + len(part)]})
                offset += len(part)
            nlp.tokenizer.add_special_case(variant, pieces)


def build_pipeline(resources: Resources, key: str = "default") -> tuple[Language, ModelInfo]:
    nlp, source, name = _load_base_model()
    _RESOURCES[key] = resources
    _add_special_cases(nlp, resources)
    for component in ("oefengesprek_normaliseer", "oefengesprek_zinnen", "oefengesprek_regels"):
        nlp.add_pipe(component, config={"key": key})
    has_pos = any(n in ("tagger", "morphologizer", "attribute_ruler") for n in nlp.pipe_names)
    has_deps = "parser" in nlp.pipe_names
    info = ModelInfo(source, name, has_pos, has_deps, f"{nlp.meta.get('lang', 'nl')}_{nlp.meta.get('name', '')}")
    return nlp, info
