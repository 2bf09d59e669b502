"""The recogniser: text (+ previous utterance) → Analysis with labels, evidence, reaction.

Steps, each data-driven (domain/nlu/):
  1. run the spaCy pipeline (normalise, match rules, split sentences, detect questions);
  2. keep rule hits that fit the speaker, the sentence form (`vorm`), and no `tenzij`
     pattern or blokkade in the same sentence (a rule with `zinsgrens: over` may read on into
     the next sentence; its tenzij then holds in every sentence it reads);
  3. student questions: every question gets open_vraag/gesloten_vraag unless a more
     specific question move applies; doorvragen without a previous utterance becomes
     open_vraag; one question move per utterance (vraag_voorrang in domain/labels.yml);
  4. exclusions between labels (beslisregels.yml), then intent, entities, reaction.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.labels import SPEAKERS, STUDENT, label_contract
from bot.nlu.analysis import INTENT_FALLBACK, INTENT_INFORM, Analysis, Entity, Evidence
from bot.nlu.docdata import BLOCKS_KEY, HITS_KEY, SENTENCES_KEY, SPEAKER_KEY, UNLESS_KEY, words_of
from bot.nlu.entities import EntityExtractor
from bot.nlu.matching import FilteredMatcher
from bot.nlu.pipeline import ModelInfo, build_pipeline
from bot.nlu.reaction import ReactionJudge
from bot.nlu.resources import Resources, resources as load_resources
from bot.nlu.textcat import MODEL_RULE, load as load_textcat

QUESTION_MOVES_OPEN = "open_vraag"
QUESTION_MOVES_CLOSED = "gesloten_vraag"
PROBE = "doorvragen"
SHARES_WORD = "sluit_aan_bij_vorige"  # built-in helper move (resources.BUILTIN_HELPERS)
CONTRAST = "maar"  # starts a new part of a sentence for exclusions with bereik: zinsdeel
SUMMARY = "samenvatten"
# in a yes/no question these usually point at the student's own words ("heeft u die al bekeken?")
CLOSED_NOT_POINTING = frozenset({"die", "deze", "dit", "zo", "zoal", "toen", "verder", "hem", "haar", "hij", "zij"})
PREVIOUS_CACHE_SIZE = 4096
TEXTCAT_ENV = "OEFENGESPREK_TEXTCAT"
BUTTON = re.compile(r"^\s*/([A-Za-z_][\w.-]*)\s*(\{.*\})?\s*$", re.DOTALL)


@dataclass(frozen=True)
class PreviousLine:
    """What the recogniser reads in the customer's previous utterance (cached by its text)."""

    signals: tuple[str, ...]  # as recognised in the text (used when the caller gives no labels)
    words: frozenset[tuple[str, str]]  # content words, for doorvragen
    facts: frozenset[str]  # `vorige_uiting` facts for the verdict (an order, a discount asked)


@dataclass
class Hit:
    label: str
    rule: str
    start: int
    end: int
    sentence: int
    text: str
    part: int = 0  # how many "maar" come before it in its sentence (bereik: zinsdeel)


class Recogniser:
    def __init__(self, res: Resources | None = None, use_model: bool | None = None):
        """use_model: add the trained classifier's labels where the rules are silent
        (bot/nlu/textcat.py); default on, off when OEFENGESPREK_TEXTCAT=uit."""
        started = time.perf_counter()
        self.res = res or load_resources()
        self.nlp, self.model = build_pipeline(self.res)
        contract = label_contract()
        self.contract = contract
        self.order = {label: i for i, label in enumerate((*contract.signals, *contract.moves))}
        self.question_precedence = list(contract.vraag_voorrang)
        self.question_move_set = set(contract.vraag_voorrang)
        self.yields_to = {r.id: r.yields_to for r in self.res.rules if r.yields_to}  # rule id -> labels it gives way to
        self.signals = set(contract.signals)
        self.moves = set(contract.moves)
        self.entities = EntityExtractor(self.res.lexicon)
        self.judge = ReactionJudge(self.res.reactions, contract)
        self.helpers = FilteredMatcher(self.nlp.vocab)
        for name, patterns in self.res.helper_moves.items():
            self.helpers.add(name, patterns)
        self.previous_facts = FilteredMatcher(self.nlp.vocab)
        for name, patterns in self.res.previous_context.items():
            self.previous_facts.add(name, patterns)
        self.signal_topics = {key: frozenset(words) for key, words in self.res.questions.signaal_onderwerpen.items()}
        self.probe_after_any = tuple(self.res.questions.doorvragen_na_elk)
        stop = set(self.nlp.Defaults.stop_words)
        self.overlap_ignore = stop | set(self.res.questions.overlap_negeer)
        self.back_references = frozenset(self.res.questions.doorvraag_verwijzers)
        self.not_pointing_before = frozenset(self.res.questions.verwijzer_niet_voor)
        self.rhetorical = frozenset(self.res.questions.retorisch)
        self.question_subjects = frozenset(self.res.questions.onderwerpen) | {"de", "die", "mijn", "onze", "uw"}
        self._procs = self._fold_lookup_lemmatizer([proc for _, proc in self.nlp.pipeline])
        self._previous_cache: dict[str, PreviousLine] = {}
        if use_model is None:
            use_model = os.environ.get(TEXTCAT_ENV, "").strip().lower() not in ("uit", "off", "0", "nee")
        self.textcat = load_textcat() if use_model else None
        self.load_seconds = time.perf_counter() - started

    # --- the pipeline ----------------------------------------------------------------

    @staticmethod
    def _fold_lookup_lemmatizer(procs: list) -> list:
        """Let the normaliser set the lemmas when the only lemmatizer is spaCy's Dutch lookup
        lemmatizer right before it (the blank model): same lemmas, one pass fewer."""
        from spacy.lang.nl.lemmatizer import DutchLemmatizer

        from bot.nlu.pipeline import NormaliseComponent

        for i, proc in enumerate(procs[:-1]):
            after = procs[i + 1]
            if (type(proc) is DutchLemmatizer and proc.mode == "lookup" and not proc.overwrite
                    and isinstance(after, NormaliseComponent)):
                after.lemma_lookup = proc.lookups.get_table("lemma_lookup", {})  # .get(str) as spaCy's
                return procs[:i] + procs[i + 1:]
        return procs

    def doc(self, text: str, speaker: str):
        doc = self.nlp.make_doc(text)
        doc.user_data[SPEAKER_KEY] = speaker
        for proc in self._procs:
            doc = proc(doc)
        return doc

    @staticmethod
    def _sentence_of(sentences, token_index: int) -> int:
        for i, sentence in enumerate(sentences):
            if sentence.start <= token_index < sentence.end:
                return i
        return max(len(sentences) - 1, 0)

    def hits(self, doc, speaker: str) -> tuple[list[Hit], list, set[str]]:
        """The rule hits that hold (one per label and sentence), the sentences, and the labels
        whose rules matched but were vetoed (tenzij, blokkade)."""
        data = doc.user_data
        sentences = data[SENTENCES_KEY]
        rules = self.res.rules
        vetoed = {(r, self._sentence_of(sentences, s)) for r, s, _ in data[UNLESS_KEY]}
        blocked = {
            (label, self._sentence_of(sentences, s))
            for b, s, _ in data[BLOCKS_KEY]
            for label in self.res.blocks[b].labels
        }
        found: dict[tuple[str, int], Hit] = {}
        declined: set[str] = set()
        norms = [w.norm_ for w in words_of(doc)]
        for index, start, end in sorted(data[HITS_KEY], key=lambda h: (h[1], h[2] - h[1])):
            rule = rules[index]
            if speaker not in rule.speakers:
                continue
            sentence_index = self._sentence_of(sentences, start)
            last_sentence = self._sentence_of(sentences, end - 1)
            if last_sentence != sentence_index and not rule.across_sentences:
                continue  # a rule reads one sentence; no matches across a full stop
            sentence = sentences[sentence_index] if sentences else None
            if rule.form == "vraag" and not (sentence and sentence.question):
                continue
            if rule.form == "bewering" and sentence and sentence.question:
                continue
            spanned = range(sentence_index, last_sentence + 1)  # a tenzij in any sentence it reads
            if any((index, i) in vetoed for i in spanned) or (rule.label, sentence_index) in blocked:
                declined.add(rule.label)  # the rules saw it and decided against it
                continue
            key = (rule.label, sentence_index)
            if key not in found:
                part = norms[sentence.start:start].count(CONTRAST) if sentence else 0
                found[key] = Hit(rule.label, rule.id, start, end, sentence_index, doc[start:end].text, part)
        return list(found.values()), sentences, declined

    # --- student questions -----------------------------------------------------------

    def _content_words(self, tokens) -> frozenset[tuple[str, str]]:
        """(form, lemma) of each content word: no stop word or very short word. A number
        counts ("twintig" toners ~ "er zijn er twintig achtergebleven")."""
        words = set()
        for token in tokens:
            if token.is_punct or len(token.norm_) < 3:
                continue
            if token.norm_ in self.overlap_ignore or token.lemma_.lower() in self.overlap_ignore:
                continue
            words.add((token.norm_, token.lemma_.lower() or token.norm_))
            if "-" in token.norm_:  # a compound with a hyphen counts with its parts: "flex-bureaus" ~ "bureaus"
                words.update((part, part) for part in token.norm_.split("-") if len(part) >= 3)
        return frozenset(words)

    @staticmethod
    def _shared(a: frozenset, b: frozenset) -> bool:
        """Same lemma, or the same stem of at least 5 letters (duurzame ~ duurzaamheid)."""
        for form_a, lemma_a in a:
            for form_b, lemma_b in b:
                if lemma_a == lemma_b or form_a == form_b:
                    return True
                if len(form_a) >= 5 and len(form_b) >= 5 and form_a[:5] == form_b[:5]:
                    return True
        return False

    def _takes_up_signal(self, words, signals: tuple[str, ...]) -> bool:
        """Does the question name the subject of a signal in the previous utterance
        (vragen.yml `signaal_onderwerpen`)? After a `doorvragen_na_elk` signal any question does."""
        norms = {t.norm_ for t in words} | {t.lemma_.lower() for t in words}
        for signal in signals:
            keys = (signal, f"{self.contract.group_of(signal)}.*")
            if any(key in self.probe_after_any for key in keys):
                return True
            for key in keys:
                topic = self.signal_topics.get(key)
                if topic and not topic.isdisjoint(norms):
                    return True
        return False

    def _probes(self, tokens, previous: str, signals: tuple[str, ...]) -> str | None:
        """Why an open question (its Words) after `previous` is doorvragen (rule id), or None.
        It must take something up: the subject of the previous utterance's signal, a word of
        it, a pointing word ("daar", "dat", "precies"), or be a short echo ("sinds wanneer?")."""
        words = [t for t in tokens if not t.is_punct]
        if signals and self._takes_up_signal(words, signals):
            return "vraag.doorvragen_na_signaal"
        previous_words = self._previous_words(previous)
        if self.res.questions.doorvraag_overlap and self._shared(self._content_words(tokens), previous_words):
            return "vraag.doorvragen_op_woord_van_klant"
        if any(self._points_back(words, i) for i in range(len(words))):
            return "vraag.doorvragen_verwijst_terug"
        if previous_words and len(words) <= self.res.questions.doorvraag_kort:
            return "vraag.doorvragen_echo"
        return None

    def _points_back(self, words, i: int) -> bool:
        """words[i] is a pointing word that refers back; "dit"/"deze" before a time word
        ("op dit moment", "deze week") names the present, not what the other said."""
        if words[i].norm_ not in self.back_references:
            return False
        after = words[i + 1].norm_ if i + 1 < len(words) else ""
        return not (words[i].norm_ in ("dit", "deze") and after in self.not_pointing_before)

    def _closed_probes(self, tokens, previous: str) -> str | None:
        """A yes/no or either/or question probes when it refers back to what the other just
        said: a word of it ("Is die storing er elke dag?") or a pointing word ("Is dat vooral
        de prijs?"); "dat" opening a clause ("wilt u dat ik ...") does not point back."""
        words = [t for t in tokens if not t.is_punct]
        if any(t.norm_ in self.rhetorical for t in words):
            return None
        if self.res.questions.doorvraag_overlap and self._shared(self._content_words(tokens), self._previous_words(previous)):
            return "vraag.doorvragen_op_woord_van_klant"
        if any(t.norm_ in self.rhetorical for t in words):
            return None
        for i, word in enumerate(words):
            if not self._points_back(words, i) or word.norm_ in CLOSED_NOT_POINTING:
                continue
            after = words[i + 1].norm_ if i + 1 < len(words) else ""
            if word.norm_ == "dat" and after in self.question_subjects:
                continue
            return "vraag.doorvragen_verwijst_terug"
        return None

    def _previous_words(self, previous: str) -> frozenset[tuple[str, str]]:
        return self._previous_info(previous).words

    def _previous_info(self, previous: str) -> PreviousLine:
        """Signals, content words and verdict facts of the customer's previous utterance (one
        pipeline run, cached: the same customer line is often judged against several replies)."""
        cached = self._previous_cache.get(previous)
        if cached is None:
            doc = self.doc(previous, "klant")
            hits = self._label_hits(doc, "klant", None, (), use_model=False)
            signals = tuple(dict.fromkeys(h.label for h in hits if h.label in self.signals))
            facts = frozenset(key for key, _, _ in self.previous_facts(doc)) if len(self.previous_facts) else frozenset()
            cached = PreviousLine(signals, self._content_words(words_of(doc)), facts)
            if len(self._previous_cache) >= PREVIOUS_CACHE_SIZE:
                self._previous_cache.clear()
            self._previous_cache[previous] = cached
        return cached

    def question_moves(self, doc, hits: list[Hit], sentences, previous: str | None,
                       previous_signals: tuple[str, ...] = ()) -> list[Hit]:
        out = [h for h in hits if h.label not in self.question_move_set]
        question_hits = [h for h in hits if h.label in self.question_move_set]
        for i, sentence in enumerate(sentences):
            if not sentence.question:
                continue
            if any(h.sentence == i for h in question_hits):
                continue
            span = doc[sentence.start: sentence.end]
            if previous and not sentence.new_topic:
                tokens = words_of(doc)[sentence.start: sentence.end]
                if sentence.open:
                    rule = self._probes(tokens, previous, previous_signals)
                elif any(h.label == SUMMARY and h.sentence <= i for h in hits):
                    rule = None  # checking a summary ("..., klopt dat?", "Klopt dat zo?") does not probe
                else:
                    rule = self._closed_probes(tokens, previous)
                if rule:
                    question_hits.append(Hit(PROBE, rule, sentence.start, sentence.end, i, span.text))
                    continue
            label = QUESTION_MOVES_OPEN if sentence.open else QUESTION_MOVES_CLOSED
            how = sentence.how if sentence.open else "vraag.gesloten"
            if sentence.new_topic and sentence.open:
                how = "vraag.nieuw_onderwerp"
            question_hits.append(Hit(label, how, sentence.start, sentence.end, i, span.text))
        if not previous:
            for hit in question_hits:
                if hit.label == PROBE:
                    hit.label = QUESTION_MOVES_OPEN
                    hit.rule = f"{hit.rule}(zonder_vorige_uiting)"
        if question_hits:
            present = {h.label for h in question_hits}
            question_hits = [h for h in question_hits
                             if not set(self.yields_to.get(h.rule, ())) & (present - {h.label})] or question_hits
            best = min(question_hits, key=lambda h: (self.question_precedence.index(h.label), h.start))
            out.append(best)
        return out

    # --- exclusions, intent ----------------------------------------------------------

    def exclusions(self, hits: list[Hit]) -> list[Hit]:
        for rule in self.res.decisions.uitsluitingen:
            triggers = [h for h in hits if h.label in rule.als]
            if not triggers:
                continue
            if rule.bereik == "uiting":
                hits = [h for h in hits if h.label not in rule.vervalt]
            elif rule.bereik == "zinsdeel":
                parts = {(h.sentence, h.part) for h in triggers}
                hits = [h for h in hits if not (h.label in rule.vervalt and (h.sentence, h.part) in parts)]
            else:
                sentences = {h.sentence for h in triggers}
                hits = [h for h in hits if not (h.label in rule.vervalt and h.sentence in sentences)]
        return hits

    def intent(self, labels: tuple[str, ...], entities: tuple[Entity, ...]) -> str:
        for name in self.res.decisions.intent_voorrang:
            if name in labels:
                return name
        for label in labels:
            return label
        return INTENT_INFORM if entities else INTENT_FALLBACK

    # --- public ----------------------------------------------------------------------

    def analyse(
        self,
        text: str,
        speaker: str = STUDENT,
        previous: str | None = None,
        catalogue: list[dict[str, Any]] | None = None,
        reference_date: date | None = None,
        previous_labels: list[str] | tuple[str, ...] | None = None,
    ) -> Analysis:
        if speaker not in SPEAKERS:
            raise ValueError(f"onbekende spreker '{speaker}': kies uit {', '.join(SPEAKERS)}")
        if not isinstance(text, str):
            raise TypeError("text moet tekst (str) zijn")
        previous = previous.strip() if isinstance(previous, str) and previous.strip() else None
        previous_signals = self._previous_signals(previous, previous_labels) if speaker == STUDENT else ()
        button = BUTTON.match(text)
        if button:
            return self._button(text, speaker, button, previous, previous_signals)
        doc = self.doc(text, speaker)
        hits = self._label_hits(doc, speaker, previous, previous_signals)
        labels: list[str] = []
        evidence: list[Evidence] = []
        for hit in hits:
            if hit.label not in labels:
                labels.append(hit.label)
                evidence.append(Evidence(hit.label, hit.rule, hit.text))
        entities = tuple(self.entities.extract(text, catalogue, reference_date))
        labels_t = tuple(labels)
        reaction = None
        if previous_signals:
            helpers = {key for key, _, _ in self.helpers(doc)} if len(self.helpers) else set()
            if previous and self._shared(self._content_words(words_of(doc)), self._previous_words(previous)):
                helpers.add(SHARES_WORD)
            facts = self._previous_info(previous).facts if previous else frozenset()
            reaction = self.judge.judge(previous_signals, labels_t, helpers, facts)
        return Analysis(
            text=text,
            speaker=speaker,
            labels=labels_t,
            intent=self.intent(labels_t, entities),
            entities=entities,
            evidence=tuple(evidence),
            reaction=reaction,
            previous_signals=previous_signals,
        )

    def _previous_signals(self, previous: str | None, previous_labels) -> tuple[str, ...]:
        """The signals the reply answers: the given labels of the previous customer line (the
        scenario's annotation), else those recognised in its text."""
        if previous_labels is None:
            return self.signals_of(previous) if previous else ()
        if isinstance(previous_labels, str):
            previous_labels = [previous_labels]
        unknown = [label for label in previous_labels if label not in self.signals]
        if unknown:
            raise ValueError(f"previous_labels: geen signaal uit het labelcontract: {', '.join(map(str, unknown))}")
        return tuple(dict.fromkeys(previous_labels))

    def _label_hits(self, doc, speaker: str, previous: str | None, previous_signals: tuple[str, ...],
                    use_model: bool = True) -> list[Hit]:
        hits, sentences, declined = self.hits(doc, speaker)
        if speaker == STUDENT:
            hits = self.question_moves(doc, hits, sentences, previous, previous_signals)
        hits = self.exclusions(hits)
        if use_model and self.textcat is not None and len(doc):
            # the model is heard where the rules are silent: not for a family they found or
            # declined, and its label never pushes a rule's label out (exclusions)
            for label, _ in self.textcat.additions(doc, speaker, {h.label for h in hits} | declined):
                guess = Hit(label, MODEL_RULE, 0, len(doc), 0, doc.text)
                if guess in self.exclusions([*hits, guess]):
                    hits.append(guess)
        hits.sort(key=lambda h: (self.order[h.label], h.start))
        return hits

    def signals_of(self, previous: str) -> tuple[str, ...]:
        """The signals the rules find in a customer's utterance (analyse(previous,
        speaker="klant") without the trained model's additions: a verdict is not built on a
        statistical guess about the line it answers; in the product the scenario's annotation
        gives those signals anyway)."""
        return self._previous_info(previous).signals

    def _button(self, text: str, speaker: str, match: re.Match, previous: str | None,
                previous_signals: tuple[str, ...]) -> Analysis:
        intent = match.group(1)
        entities: list[Entity] = []
        raw = match.group(2)
        if raw:
            try:
                payload = json.loads(raw)
            except json.JSONDecodeError:
                payload = None
            if isinstance(payload, dict):
                for key, value in payload.items():
                    entities.append(Entity(str(key), value, json.dumps(value, ensure_ascii=False), 0, 0))
        labels = (intent,) if intent in self.order else ()
        if labels and (speaker == STUDENT) != (intent in self.moves):
            labels = ()
        facts = self._previous_info(previous).facts if previous else frozenset()
        reaction = self.judge.judge(previous_signals, labels, context=facts) if previous_signals else None
        return Analysis(
            text=text,
            speaker=speaker,
            labels=labels,
            intent=intent,
            entities=tuple(entities),
            evidence=tuple(Evidence(label, "knop", text) for label in labels),
            reaction=reaction,
            previous_signals=previous_signals,
            explicit_intent=True,
        )
