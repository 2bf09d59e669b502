"""Sentences and questions: is a sentence a question, and does it invite an open answer?

Word lists live in domain/nlu/vragen.yml. A sentence is a question when
  - it ends with "?";
  - it starts with a question word ("wanneer kunt u leveren") or preposition + question
    word ("op welke manier ..."), and is not closed with "." or "!";
  - it starts with verb + subject ("kunt u", "heeft u", "zijn jullie"): inversion. With a
    tagging model the first word must be a verb (POS VERB/AUX); without one it must not
    be a known non-verb (domain/nlu/vragen.yml `geen_werkwoord`);
  - it ends in a tag ("..., toch?", "of niet");
  - it matches an open invitation ("vertelt u eens", "ik ben benieuwd hoe ...").
A question is open when it invites more than yes/no: it starts with a question word,
embeds one after a verb of asking or telling ("mag ik vragen hoe ...", "kunt u vertellen
wat ..."), or is an open invitation ("kunt u daar meer over vertellen").
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from bot.nlu.docdata import Word, words_of
from bot.nlu.matching import NORMS_KEY, SENTENCE_STARTS_KEY, STARTS_KEY, FilteredMatcher
from bot.nlu.resources import Resources

SENTENCE_END = {".", "!", "?", ";"}
CONDITIONS = frozenset({"als", "zodra", "indien", "mits", "wanneer"})
ASKING_SUBJECTS = frozenset({"ik", "we", "wij"})


@dataclass(frozen=True)
class Sentence:
    start: int  # token index
    end: int  # token index (exclusive), includes the closing punctuation
    question: bool
    open: bool
    how: str  # which question rule decided (for evidence), "" for statements
    new_topic: bool = False  # marks a change of subject ("los daarvan", "ordernummer")


class QuestionDetector:
    def __init__(self, nlp: Language, resources: Resources):
        q = resources.questions
        self.question_words = set(q.vraagwoorden)
        self.prepositions = set(q.voorzetsels)
        self.embedding = set(q.inbeddend)
        self.tell_verbs = set(q.vertel_werkwoorden)
        self.subjects = set(q.onderwerpen)
        self.determiners = set(q.lidwoorden)
        self.not_verbs = set(q.geen_werkwoord)
        self.front_verbs = set(q.werkwoorden_vooraan)
        self.tags = [tuple(t.split()) for t in q.staartvragen]
        # one matcher, three keys: open invitations, non-questions, new-subject markers
        self.matcher = FilteredMatcher(nlp.vocab)
        self.matcher.add("open", resources.open_invitations)
        self.matcher.add("geen", resources.not_questions)
        self.matcher.add("nieuw", resources.new_topic)
        self.openers = set(q.inleiders)
        self.trailing = set(q.na_vraagwoord)

    @staticmethod
    def _texts(doc: Doc) -> list[str]:
        norms = doc.user_data.get(NORMS_KEY)
        return norms if norms is not None and len(norms) == len(doc) else [t.text for t in doc]

    def split(self, doc: Doc) -> list[tuple[int, int]]:
        texts = self._texts(doc)  # punctuation keeps its form as norm
        spans, start, size = [], 0, len(texts)
        for i, text in enumerate(texts):
            if text in SENTENCE_END or "\n" in text:
                if i + 1 > start:
                    # "??" or "?!" belong to the same sentence
                    if i + 1 < size and texts[i + 1] in SENTENCE_END:
                        continue
                    spans.append((start, i + 1))
                start = i + 1
        if start < size:
            spans.append((start, size))
        return spans

    def sentences(self, doc: Doc) -> list[Sentence]:
        spans = self.split(doc)
        # "^" in a pattern: the first word of a sentence or of a clause after a comma
        sentence_starts = {s for s, _ in spans}
        starts = sentence_starts | {i + 1 for i, text in enumerate(self._texts(doc)) if text in (",", ":", "-")}
        starts.discard(len(doc))
        doc.user_data[STARTS_KEY] = starts
        doc.user_data[SENTENCE_STARTS_KEY] = sentence_starts
        found = self.matcher(doc)
        invitations = [(s, e) for key, s, e in found if key == "open"]
        negatives = [(s, e) for key, s, e in found if key == "geen"]
        topics = [s for key, s, _ in found if key == "nieuw"]
        tokens = words_of(doc)
        sentences = []
        for s, e in spans:
            sentence = self._classify(tokens, s, e, invitations, negatives)
            if any(s <= t < e for t in topics):
                sentence = Sentence(sentence.start, sentence.end, sentence.question, sentence.open, sentence.how, True)
            sentences.append(sentence)
        return sentences

    def _is_verb(self, token: Word) -> bool:
        if token.pos_:  # a tagging model is loaded
            return token.pos_ in ("VERB", "AUX")
        norm = token.norm_
        if norm in self.front_verbs:
            return True
        if norm in self.not_verbs or len(norm) < 2 or not norm.isalpha():
            return False
        participle = "ge" in norm[1:-2] or (norm.startswith("ge") and norm.endswith(("d", "n")))
        return not participle and norm.endswith(("t", "en"))

    def _first(self, norms: list[str]) -> int:
        """Index of the first word after openers ("en", "oke", "ja") and a preposition."""
        i = 0
        while i < len(norms) - 1 and norms[i] in self.openers:
            i += 1
        if norms[i] in self.prepositions and i + 1 < len(norms):
            i += 1
        return i

    def _classify(self, doc_tokens: list[Word], start: int, end: int, invitations, negatives) -> Sentence:
        tokens = doc_tokens[start:end]
        words = [t for t in tokens if not t.is_punct]
        last = tokens[-1].text if end > start else ""
        if not words:
            return Sentence(start, end, False, False, "")
        norms = [t.norm_ for t in words]
        closed_with_stop = last in (".", "!", ";")
        inside = [(s, e) for s, e in invitations if start <= s < end]
        if any(start <= s < end for s, _ in negatives) and last != "?":
            return Sentence(start, end, False, False, "")

        is_open, open_how = self._open(tokens, words, norms, inside)
        if last == "?":
            return Sentence(start, end, True, is_open, open_how or "vraag.vraagteken")
        if closed_with_stop:
            # "Vertelt u eens." still invites an answer; "Wat fijn." does not.
            if inside:
                return Sentence(start, end, True, True, "vraag.open_uitnodiging")
            return Sentence(start, end, False, False, "")
        if inside:
            return Sentence(start, end, True, True, "vraag.open_uitnodiging")
        first = self._first(norms)
        if norms[first] in self.question_words and not self._conditional(norms, first, tokens):
            return Sentence(start, end, True, True, "vraag.vraagwoord_vooraan")
        v = first if norms[first] not in self.prepositions else 0
        if len(words) > v + 1 and norms[v] not in self.not_verbs and words[v].i + 1 == words[v + 1].i:
            strong = norms[v + 1] in ("ik", "u", "jullie", "je", "jij", "we", "wij") and norms[v].isalpha()
            if norms[v + 1] in self.subjects and (self._is_verb(words[v]) or (strong and not words[v].pos_)):
                return Sentence(start, end, True, is_open, "vraag.inversie")
            known_verb = words[v].pos_ in ("VERB", "AUX") if words[v].pos_ else norms[v] in self.front_verbs
            if norms[v + 1] in self.determiners and known_verb:
                return Sentence(start, end, True, is_open, "vraag.inversie")
        # "ff checken, wilt u de zwarte of de grijze": inversion after a comma (known verbs
        # only); "even los daarvan, hoeveel werkplekken ...": a question word after a comma
        for i, token in enumerate(tokens[:-2]):
            if token.text == ",":
                verb, subject = tokens[i + 1], tokens[i + 2]
                if verb.norm_ in self.question_words and subject.norm_ not in self.subjects:
                    return Sentence(start, end, True, True, "vraag.vraagwoord_na_komma")
                known = verb.pos_ in ("VERB", "AUX") if verb.pos_ else verb.norm_ in self.front_verbs
                if known and subject.norm_ in self.subjects:
                    return Sentence(start, end, True, is_open, "vraag.inversie_na_komma")
        for tag in self.tags:
            if len(norms) > len(tag) and tuple(norms[-len(tag):]) == tag:
                return Sentence(start, end, True, False, "vraag.staartvraag")
        if self._asks_after_condition(words, norms):
            return Sentence(start, end, True, is_open, "vraag.inversie_na_bijzin")
        if self._main_clause_question_word(words, norms) is not None:
            return Sentence(start, end, True, True, "vraag.vraagwoord_hoofdzin")
        return Sentence(start, end, False, False, "")

    def _asks_after_condition(self, words, norms) -> bool:
        """"als ik vandaag bestel heb ik ze dan morgen": a condition, then a known verb with
        the speaker as subject ("heb ik", "krijgen we"). The speaker asks about his own
        outcome; "als u vandaag bestelt heeft u ze morgen" states one."""
        first = self._first(norms)
        if norms[first] not in CONDITIONS:
            return False
        for i in range(first + 2, len(norms) - 1):
            if norms[i + 1] in ASKING_SUBJECTS and norms[i] in self.front_verbs and words[i].i + 1 == words[i + 1].i:
                return True
        return False

    def _main_clause_question_word(self, words, norms) -> int | None:
        """A question word later in the sentence that opens a main-clause question: it is
        followed by a finite verb and then the subject ("dan iets anders: hoe bestelt u nu
        ...", "even iets anders hoeveel mensen werken er"). An embedded question puts the
        subject first ("weet u hoe u bestelt"), a relative clause too ("wat u zoekt")."""
        for i in range(1, len(norms) - 2):
            if norms[i] not in self.question_words:
                continue
            # "hoeveel mensen werken er", "welke printer gebruikt u": one noun may come first
            skips = (0, 1) if norms[i] in ("hoeveel", "welke", "welk", "wat_voor") else (0,)
            for skip in skips:
                v = i + 1 + skip
                if v + 1 >= len(norms) or norms[v] in self.subjects or norms[v] in self.not_verbs:
                    continue
                subject = norms[v + 1]
                if self._is_verb(words[v]) and (subject in self.subjects or subject in self.determiners):
                    return i
        return None

    def _conditional(self, norms: list[str], first: int, tokens: list[Word]) -> bool:
        """"Wanneer u vandaag bestelt, ..." is a condition, not a question."""
        if norms[first] not in ("wanneer", "waar", "wat", "hoe") or first + 1 >= len(norms):
            return False
        has_comma = any(t.text == "," for t in tokens)
        return norms[first + 1] in self.subjects and has_comma

    def _open(self, tokens: list[Word], words: list[Word], norms: list[str], inside) -> tuple[bool, str]:
        """Does the sentence (its tokens; words: without punctuation) invite an open answer?"""
        if inside:
            return True, "vraag.open_uitnodiging"
        first = self._first(norms)
        if norms[first] in self.question_words:
            return True, "vraag.vraagwoord_vooraan"
        # an echo question ends in its question word: "ten opzichte van wat?", "zoeken naar wat precies?"
        tail = [n for n in norms if n not in self.trailing]
        if tail and tail[-1] in self.question_words and tokens[-1].text == "?":
            return True, "vraag.vraagwoord_achteraan"
        for i, token in enumerate(tokens[1:], start=1):
            if token.norm_ not in self.question_words:
                continue
            before = tokens[i - 1]
            before2 = tokens[i - 2] if i >= 2 else None
            if before.text == ",":
                return True, "vraag.vraagwoord_na_komma"
            if before.norm_ in self.embedding:
                return True, "vraag.ingebed_vraagwoord"
            if before.norm_ in self.prepositions and before2 is not None and (
                before2.norm_ in self.embedding or before2.text == ","
            ):
                return True, "vraag.ingebed_vraagwoord"
        if not self.tell_verbs.isdisjoint(norms):
            return True, "vraag.vertel_werkwoord"
        if self._main_clause_question_word(words, norms) is not None:
            return True, "vraag.vraagwoord_hoofdzin"
        return False, ""
