"""Feedback texts as data: domain/feedback/*.yml, validated at load time.

- other *.yml  (checks: ...) per check id: `goed`, `verbeterpunt`, `suggestie` (and `suggestie_per_signaal`)
               variations, optionally `herschrijf:` a rewrite of the student's own sentence
- hints.yml    ordered hint rules for the last student turn (first match wins)
- signalen.yml how each signal is named in a Dutch sentence

Variations are chosen deterministically from a hash of the rule id and the turn number,
never at random. Placeholders: {zin} the student's sentence, {klantzin} the customer's
sentence, {signaal} the signal's Dutch name, {klant} the persona's name.
"""

from __future__ import annotations

import hashlib
import re
import string
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.content import ContentError, ContentErrors, line_of, load_yaml, validate
from bot.feedback.checks import _check_moves, _check_signals
from bot.paths import PerContentSetting
from bot.labels import VERDICTS, label_contract
from bot.vocabulary import OUTCOMES
from bot.paths import display_path, domain_dir

PLACEHOLDERS = (
    "zin", "klantzin", "signaal", "klant",
    # from the scenario (domain/feedback/scenarios.yml and the scenario itself)
    "aanhef", "hij", "zijn", "hem", "bedrijf", "klantbedrijf", "product", "mijn_naam",
    # from a slot entry (slot_lijst checks: feitfouten, concessies)
    "soort", "genoemd", "juist", "waarde",
    # what a slot says was wrong (slot_voorwaarde `toelichting`, e.g. the quotation's errors)
    "toelichting",
)


def _check_placeholders(texts: list[str]) -> list[str]:
    for text in texts:
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
        except ValueError as exc:
            raise ValueError(f"ongeldige accolades in tekst: {text!r} ({exc})") from None
        unknown = [n for n in names if n not in PLACEHOLDERS]
        if unknown:
            raise ValueError(
                f"onbekende plaatshouder {{{unknown[0]}}}; toegestaan: "
                + ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            )
    return texts


Variants = list[str]


def _variants(min_length: int = 1):
    return Field(default_factory=list, min_length=min_length)


# --- rewrites of the student's own sentence ---------------------------------------------------

_JA_MAAR = re.compile(
    r"^\s*(ja|jawel|klopt|dat klopt|dat is (zo|waar)|dat snap ik|begrijpelijk|ok(é|e)?|prima)\s*,?\s*maar\b\s*,?\s*",
    re.IGNORECASE,
)

# Verb + je/jij inversions that need a different verb form with u.
_INVERSIONS = {
    "heb": "heeft", "ben": "bent", "wil": "wilt", "kun": "kunt", "kan": "kunt", "zal": "zult",
    "mag": "mag", "moet": "moet", "weet": "weet", "doe": "doet", "ga": "gaat", "zie": "ziet",
    "zou": "zou", "vind": "vindt", "denk": "denkt", "zoek": "zoekt", "gebruik": "gebruikt",
    "bestel": "bestelt", "neem": "neemt", "krijg": "krijgt", "wens": "wenst", "bedoel": "bedoelt",
    "hoor": "hoort", "begrijp": "begrijpt", "wacht": "wacht", "kom": "komt", "sta": "staat",
    "heeft": "heeft", "hebt": "heeft", "bent": "bent", "wilt": "wilt", "kunt": "kunt", "zoekt": "zoekt",
    "wil": "wilt", "betaal": "betaalt", "lever": "levert", "koop": "koopt", "verwacht": "verwacht",
    "print": "print", "werk": "werkt", "noem": "noemt", "stuur": "stuurt", "bel": "belt", "dank": "dank",
}


def _match_case(source: str, target: str) -> str:
    return target[0].upper() + target[1:] if source[:1].isupper() else target


_SUBJECT_BEFORE = {"ik", "we", "wij", "hij", "zij", "ze", "dat", "die", "wat", "als", "of", "dan", "dus", "en", "maar"}
_OBJECT_NEXT = {"de", "het", "een", "die", "dat", "deze", "dit", "graag", "even", "nog", "al", "ook", "wel",
                "niet", "meteen", "straks", "morgen", "vandaag", "terug", "zo", "precies", "eigenlijk", "dan",
                "nu", "vaak", "zelf", "er", "daar", "hier", "ervan", "erover", "daarvan", "daarover", "daarmee",
                "me", "mij", "ons", "hem", "haar", "ze", "iets", "iemand", "wat", "alles", "misschien",
                "toch", "soms", "altijd", "nooit", "echt", "wellicht", "volgende", "vanmiddag", "vanochtend",
                "direct", "zeker", "gisteren", "net", "eerder", "laatst", "bij", "mee", "voor", "in", "op", "aan", "uit", "over", "erbij", "ermee"}
_TOKEN = re.compile(r"[A-Za-zÀ-ÿ]+|[^A-Za-zÀ-ÿ]+")


_PREPOSITIONS = {"voor", "aan", "met", "bij", "naar", "van", "op", "om", "tegen", "over", "door", "zonder", "uit", "in"}
# words after which the next word (before 'je') is the finite verb of a question/inversion
_FRONT = {"wat", "hoe", "waar", "wanneer", "waarom", "welke", "welk", "wie", "hoeveel", "dan", "nu", "ook",
          "toch", "misschien", "daar", "hier", "zo", "nog", "al", "wel", "waarmee", "waarvoor", "graag", "straks",
          "morgen", "vandaag", "eigenlijk"}


def _finite_for_u(verb: str) -> str:
    """'mis' -> 'mist', 'vind' -> 'vindt', 'heb' -> 'heeft': the verb form that goes with 'u'."""
    if verb in _INVERSIONS:
        return _INVERSIONS[verb]
    return verb if verb.endswith("t") else verb + "t"


def _verb_like_end(word: str | None, clause_ends: bool) -> bool:
    """An infinitive or participle closing the clause ('voor je doen', 'heb je gebeld')."""
    if word is None:
        return False
    if word.startswith("ge") and len(word) > 4 and word[-1] in "dt":
        return True
    return clause_ends and (word.endswith("en") or word in ("doen", "zien", "gaan", "staan", "slaan"))


def rewrite_je_naar_u(sentence: str) -> str:
    """'Wat zoek je precies?' -> 'Wat zoekt u precies?'; 'Heb jij je ordernummer?' -> 'Heeft u uw
    ordernummer?'; 'Mis je nog iets?' -> 'Mist u nog iets?'; 'Wat kan ik voor je doen?' -> 'Wat kan
    ik voor u doen?'; 'ik heb je offerte' -> 'ik heb uw offerte'; 'jouw' -> 'uw'. A heuristic for
    a suggestion, not a grammar engine."""
    tokens = _TOKEN.findall(sentence)
    words = [i for i, t in enumerate(tokens) if t[0].isalpha()]
    out = list(tokens)

    def gap_has_stop(a: int, b: int) -> bool:
        return any(c in ".?!,;:" for c in "".join(tokens[a + 1 : b]))

    for position, index in enumerate(words):
        word = tokens[index].lower()
        prev_i = words[position - 1] if position > 0 else None
        next_i = words[position + 1] if position + 1 < len(words) else None
        prev = tokens[prev_i].lower() if prev_i is not None else None
        nxt = tokens[next_i].lower() if next_i is not None else None
        clause_start = prev_i is None or gap_has_stop(prev_i, index)
        next_ends_clause = next_i is None or next_i == words[-1] or gap_has_stop(next_i, words[position + 2])
        next_after_stop = next_i is None or gap_has_stop(index, next_i)
        if word == "jouw":
            out[index] = _match_case(tokens[index], "uw")
            continue
        if word not in ("je", "jij", "jou"):
            continue
        before_prev = tokens[words[position - 2]].lower() if position > 1 else None
        prev_at_start = prev_i is not None and (position == 1 or gap_has_stop(words[position - 2], prev_i))
        subject_before_verb = before_prev in ("ik", "we", "wij", "hij", "zij", "ze", "men")
        if word == "je" and not clause_start and not next_after_stop and nxt is not None:
            noun_next = (nxt not in _OBJECT_NEXT and not _verb_like_end(nxt, next_ends_clause)
                         and nxt not in _PREPOSITIONS)
            if prev in _PREPOSITIONS:
                possessive = noun_next
            elif prev in _SUBJECT_BEFORE or prev == "dank":
                possessive = False
            elif prev in _INVERSIONS or subject_before_verb:
                # 'heb je je ...' (inversion: subject) or 'ik heb je offerte' (object/possessive)
                possessive = subject_before_verb and noun_next
            else:  # 'Hoe heet je bedrijf?' (possessive) but 'Wat zoek je precies?' (subject)
                possessive = noun_next
            if possessive:
                out[index] = _match_case(tokens[index], "uw")
                continue
        out[index] = _match_case(tokens[index], "u")
        # 'Mis je ...?' / 'Wat zoek je?': the verb before the subject takes the u-form
        if (word in ("je", "jij") and prev is not None and not clause_start and not subject_before_verb
                and prev not in _SUBJECT_BEFORE and prev not in _PREPOSITIONS and prev != "dank"
                and (prev in _INVERSIONS or prev_at_start or before_prev in _FRONT)):
            out[prev_i] = _match_case(tokens[prev_i], _finite_for_u(prev))
    return "".join(out)


LSD_SUGGESTION = "Ik begrijp uw punt. Mag ik vragen wat voor u het zwaarst weegt?"


def rewrite_ja_maar(sentence: str) -> str:
    """'Ja, maar onze kwaliteit is beter.' -> LSD instead: acknowledge and ask. The
    counter-argument after 'maar' is dropped: it is the contradiction the customer heard."""
    return LSD_SUGGESTION


def rewrite_u_vorm(sentence: str) -> str:
    """The u-vorm rewrite; a sentence that also starts with 'ja, maar' gets the LSD sentence."""
    if _JA_MAAR.match(sentence):
        return rewrite_ja_maar(sentence)
    return rewrite_je_naar_u(sentence)


REWRITES: dict[str, Callable[[str], str]] = {
    "je_naar_u": rewrite_u_vorm,
    "ja_maar_naar_lsd": rewrite_ja_maar,
}


# --- models -----------------------------------------------------------------------------------


class CheckTexts(BaseModel):
    model_config = ConfigDict(extra="forbid")
    goed: Variants = _variants()
    # praise that says the call reached its result ("de klant weet wat er gebeurt"): only
    # with a success outcome, beside `goed` (bot.feedback.consistency: `success_claimed`)
    goed_bij_succes: Variants = Field(default_factory=list)
    verbeterpunt: Variants = _variants()
    # when the reply failed on a forbidden move ('ja, maar', tegenspreken), not on a missing one
    verbeterpunt_verboden: Variants = Field(default_factory=list)
    # when the move was complete but spoiled ('Hoi', 'je' in the greeting, 'Doei!' after the thanks)
    verbeterpunt_bedorven: Variants = Field(default_factory=list)
    # per value of slot `uitkomst` at the end (e.g. `lopend`: the call had not come to a result)
    verbeterpunt_per_uitkomst: dict[str, Variants] = Field(default_factory=dict)
    suggestie: Variants = _variants()
    suggestie_per_signaal: dict[str, Variants] = Field(default_factory=dict)
    herschrijf: str | None = None

    _placeholders = field_validator("goed", "goed_bij_succes", "verbeterpunt", "verbeterpunt_verboden", "verbeterpunt_bedorven", "suggestie")(
        classmethod(lambda cls, v: _check_placeholders(v))
    )

    @field_validator("verbeterpunt_per_uitkomst")
    @classmethod
    def _per_outcome(cls, value: dict[str, Variants]) -> dict[str, Variants]:
        from bot.scenarios.models import OUTCOMES

        unknown = [o for o in value if o not in OUTCOMES]
        if unknown:
            raise ValueError(f"onbekende uitkomst: {', '.join(unknown)}; bekend zijn: {', '.join(OUTCOMES)}")
        for texts in value.values():
            _check_placeholders(texts)
        return value

    @field_validator("suggestie_per_signaal")
    @classmethod
    def _per_signal(cls, value: dict[str, Variants]) -> dict[str, Variants]:
        _check_signals(list(value))
        for texts in value.values():
            if not texts:
                raise ValueError("elk signaal heeft minstens één suggestie nodig")
            _check_placeholders(texts)
        return value

    @field_validator("herschrijf")
    @classmethod
    def _rewrite(cls, value: str | None) -> str | None:
        if value is not None and value not in REWRITES:
            raise ValueError(f"onbekende herschrijving '{value}'; bekend zijn: {', '.join(REWRITES)}")
        return value


class ChecksFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    checks: dict[str, CheckTexts]


class HintCondition(BaseModel):
    model_config = ConfigDict(extra="forbid")
    signaal: list[str] | None = None  # the turn answered one of these signals
    zet: list[str] | None = None  # the turn has one of these moves
    ook_zet: list[str] | None = None  # ... and also one of these
    geen_zet: list[str] | None = None  # the turn has none of these moves
    oordeel: list[str] | None = None  # the reaction verdict is one of these
    beurt: int | None = Field(default=None, ge=1)  # only the n-th turn of the conversation itself
    na_deal: bool | None = None  # the turn answers (True) or not (False) the line that made the deal
    bewijs_ontbreekt: list[str] | None = None  # the turn's text misses one of these (bewijs.yml)

    _signals = field_validator("signaal")(classmethod(lambda cls, v: v and _check_signals(v)))
    _moves = field_validator("zet", "ook_zet", "geen_zet")(classmethod(lambda cls, v: v and _check_moves(v)))

    @field_validator("oordeel")
    @classmethod
    def _verdicts(cls, value: list[str] | None) -> list[str] | None:
        bad = [v for v in value or () if v not in VERDICTS]
        if bad:
            raise ValueError(f"onbekend oordeel: {', '.join(bad)}; bekend zijn: {', '.join(VERDICTS)}")
        return value


class HintRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    als: HintCondition
    soort: Literal["goed", "verbeterpunt"] = "verbeterpunt"  # a compliment or a tip
    teksten: Variants = _variants()

    _placeholders = field_validator("teksten")(classmethod(lambda cls, v: _check_placeholders(v)))


class HintsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    hints: list[HintRule] = Field(min_length=1)


class HeardSuggestion(BaseModel):
    """A suggestion that repeats what the customer told: only offered when the customer's
    lines in this conversation contain every entry of `klant_zei` (an entry "a|b": one of
    these words), so a suggested summary never carries a fact the customer did not give."""

    model_config = ConfigDict(extra="forbid")
    tekst: str
    klant_zei: list[str] = Field(min_length=1)

    def heard(self, customer_text: str) -> bool:
        return all(any(word.strip().lower() in customer_text for word in entry.split("|"))
                   for entry in self.klant_zei)


Suggestions = list[str | HeardSuggestion]


def suggestion_texts(variants: Suggestions, customer_text: str) -> list[str]:
    """The plain suggestions, and those built on what the customer said that he really said."""
    return [v if isinstance(v, str) else v.tekst for v in variants
            if isinstance(v, str) or v.heard(customer_text)]


class ScenarioFeedback(BaseModel):
    """Per scenario (domain/feedback/scenarios.yml): who the customer is for the texts, which
    way the call goes, and suggestions in this scenario's own products and facts."""

    model_config = ConfigDict(extra="forbid")
    geslacht: Literal["m", "v"]  # of the persona: hij/zij, meneer/mevrouw in the texts
    richting: Literal["inkomend", "uitgaand"]  # the customer calls us, or we call the customer
    suggesties: dict[str, Suggestions] = Field(default_factory=dict)  # check id -> suggestions
    hints: dict[str, Variants] = Field(default_factory=dict)  # hint id -> texts

    @field_validator("suggesties", "hints")
    @classmethod
    def _texts(cls, value: dict[str, Suggestions]) -> dict[str, Suggestions]:
        for texts in value.values():
            if not texts:
                raise ValueError("geef minstens één tekst")
            _check_placeholders([t if isinstance(t, str) else t.tekst for t in texts])
        return value


class ScenariosFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    algemeen: ScenarioFeedback | None = None
    scenarios: dict[str, ScenarioFeedback]


class SignalNamesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    signalen: dict[str, str]
    zetten: dict[str, str] = Field(default_factory=dict)  # Dutch name of each move
    uitkomsten: dict[str, str] = Field(default_factory=dict)  # Dutch name of each outcome (slot `uitkomst`)

    @field_validator("uitkomsten")
    @classmethod
    def _all_outcomes(cls, value: dict[str, str]) -> dict[str, str]:
        return _names_for(value, OUTCOMES, "uitkomst", "onbekende uitkomst", required=bool(value))

    @field_validator("signalen")
    @classmethod
    def _all_signals(cls, value: dict[str, str]) -> dict[str, str]:
        return _names_for(value, label_contract().signals, "signaal", "onbekend signaal", required=True)

    @field_validator("zetten")
    @classmethod
    def _all_moves(cls, value: dict[str, str]) -> dict[str, str]:
        return _names_for(value, label_contract().moves, "zet", "onbekende zet", required=bool(value))


def _names_for(value: dict[str, str], known, what: str, unknown_text: str, required: bool) -> dict[str, str]:
    """Every name is a known label; when required, every known label has a name."""
    unknown = [s for s in value if s not in known]
    if unknown:
        raise ValueError(f"{unknown_text}: {', '.join(unknown)}")
    missing = [s for s in known if s not in value]
    if required and missing:
        raise ValueError(f"naam ontbreekt voor {what}: {', '.join(missing)}")
    return value


@dataclass(frozen=True)
class FeedbackTexts:
    checks: dict[str, CheckTexts]
    checks_lines: dict[str, tuple[str, int | None]]
    hints: tuple[HintRule, ...]
    signal_names: dict[str, str]
    move_names: dict[str, str] = field(default_factory=dict)
    scenarios: dict[str, ScenarioFeedback] = field(default_factory=dict)
    outcome_names: dict[str, str] = field(default_factory=dict)

    def outcome_name(self, outcome: str | None) -> str:
        """The Dutch name of an outcome (never `geen_deal`); unknown or none: 'nog geen uitkomst'."""
        return self.outcome_names.get(outcome or "", "nog geen uitkomst")

    def signal_name(self, signal: str | None) -> str:
        """The Dutch name; never the raw label (an unknown one reads as 'een signaal')."""
        return self.signal_names.get(signal or "", "een signaal")

    def label_name(self, label: str | None) -> str:
        """Dutch name of a signal or a move, for anything a student reads."""
        if label in self.signal_names:
            return self.signal_names[label]
        return self.move_names.get(label or "", "een gesprekstechniek")

    def scenario(self, scenario_id: str | None) -> ScenarioFeedback | None:
        return self.scenarios.get(scenario_id or "")


def feedback_dir() -> Path:
    return domain_dir() / "feedback"


def _load(model, name: str, directory: Path):
    path = directory / name
    data = load_yaml(path)
    return validate(model, data, path), data, path


@lru_cache(maxsize=None)
def _load_texts(directory: str) -> FeedbackTexts:
    folder = Path(directory)
    errors: list[ContentError] = []
    special = {"hints.yml": HintsFile, "signalen.yml": SignalNamesFile, "scenarios.yml": ScenariosFile}
    skipped = {"bewijs.yml"}  # bot.feedback.evidence loads it
    loaded: dict[str, Any] = {}
    for name, model in special.items():
        try:
            loaded[name] = _load(model, name, folder)
        except ContentErrors as exc:
            errors.extend(exc.errors)
    checks: dict[str, CheckTexts] = {}
    checks_lines: dict[str, tuple[str, int | None]] = {}
    for path in sorted(folder.glob("*.yml")):
        if path.name in special or path.name in skipped:
            continue
        try:
            model, data, _ = _load(ChecksFile, path.name, folder)
        except ContentErrors as exc:
            errors.extend(exc.errors)
            continue
        shown = display_path(path)
        for check_id, entry in model.checks.items():
            line = line_of(data["checks"], check_id)
            if check_id in checks:
                first = checks_lines[check_id]
                errors.append(ContentError(shown, line, f"feedbacktekst voor '{check_id}' staat ook in {first[0]}:{first[1]}"))
                continue
            checks[check_id] = entry
            checks_lines[check_id] = (shown, line)
    if errors:
        raise ContentErrors(errors)
    hints, hints_data, hints_path = loaded["hints.yml"]
    ids = [rule.id for rule in hints.hints]
    for index, rule_id in enumerate(ids):
        if rule_id in ids[:index]:
            errors.append(ContentError(display_path(hints_path), line_of(hints_data["hints"], index),
                                       f"hint-id '{rule_id}' komt twee keer voor"))
    if errors:
        raise ContentErrors(errors)
    names = loaded["signalen.yml"][0]
    return FeedbackTexts(
        checks=checks,
        checks_lines=checks_lines,
        hints=tuple(hints.hints),
        signal_names=dict(names.signalen),
        move_names=dict(names.zetten),
        outcome_names=dict(names.uitkomsten),
        scenarios=dict(loaded["scenarios.yml"][0].scenarios),
    )


_loaded = PerContentSetting(lambda: _load_texts(str(feedback_dir())))


def load_feedback_texts(directory: str | Path | None = None) -> FeedbackTexts:
    """All feedback texts; raises ContentErrors (file:line). Loaded once per process."""
    if directory:
        return _load_texts(str(Path(directory)))
    return _loaded.get()


def choose(variants: list[str], *key: Any) -> str:
    """Deterministic choice: the same rule and turn always give the same variation."""
    digest = hashlib.sha256("|".join(str(k) for k in key).encode("utf-8")).digest()
    return variants[int.from_bytes(digest[:4], "big") % len(variants)]


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


QUOTE_MAX = 140


def short_quote(text: str, limit: int = QUOTE_MAX) -> str:
    """A long customer turn is quoted by its last sentences (where the question or the
    objection usually is), prefixed with '…'."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    sentences = re.split(r"(?<=[.?!])\s+", text)
    tail = ""
    for sentence in reversed(sentences):
        candidate = f"{sentence} {tail}".strip()
        if len(candidate) > limit and tail:
            break
        tail = candidate
    return "…" + tail if tail != text else text


_ABBREVIATION_END = re.compile(r"(?:\b\w\.){2,}$")  # 'Ergoplaats B.V.' keeps its dots


def _quote_value(value: Any) -> str:
    # A quoted sentence loses its final full stop: 'Dat is te duur', maar ...
    if value is None:
        return ""
    text = str(value).strip()
    return text if _ABBREVIATION_END.search(text) else text.rstrip(".")


_THE_CUSTOMER = re.compile(r"\b([Dd])e klant\b")


def fill(template: str, **values: Any) -> str:
    party = values.get("tegenpartij")
    if party and party != "klant":  # the bot plays a supplier (2.7): the template says so
        template = _THE_CUSTOMER.sub(lambda m: f"{m.group(1)}e {party}", template)
    if values.get("klantzin"):
        values = {**values, "klantzin": short_quote(str(values["klantzin"]))}
    text = template.format_map(_Blank({k: _quote_value(v) for k, v in values.items()}))
    if "'." in text:
        text = _BANG_QUOTE_STOP.sub(r"\1'", text)  # 'Het werkt niet!'. loses the full stop
    if ".." in text:
        text = _ABBREVIATION_STOP.sub(r"\1", text)  # '... van Ergoplaats B.V..' ends once
    return _SPACES.sub(" ", text).strip()


_BANG_QUOTE_STOP = re.compile(r"([!?])'\.")
_ABBREVIATION_STOP = re.compile(r"(\b\w\.\w\.)\.(?!\.)")
_SPACES = re.compile(r"\s{2,}")
