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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.content import ContentError, ContentErrors, line_of, load_yaml, validate
from bot.feedback.checks import _check_moves, _check_signals
from bot.labels import VERDICTS, label_contract
from bot.paths import display_path, domain_dir

PLACEHOLDERS = ("zin", "klantzin", "signaal", "klant")


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
}


def _match_case(source: str, target: str) -> str:
    return target[0].upper() + target[1:] if source[:1].isupper() else target


def rewrite_je_naar_u(sentence: str) -> str:
    """'Wat zoek je precies?' -> 'Wat zoekt u precies?'; 'jouw' -> 'uw'; 'dank je wel' -> 'dank u wel'."""

    def inversion(match: re.Match) -> str:
        verb = match.group(1)
        new = _INVERSIONS.get(verb.lower())
        if new is None:
            new = verb if verb.lower().endswith(("t", "d")) else verb + "t"
        return f"{_match_case(verb, new)} u"

    text = re.sub(r"\b([A-Za-z]+) (?:je|jij)\b(?! (?:zelf|eigen))", inversion, sentence)
    text = re.sub(r"\b(jij|je)\b", lambda m: _match_case(m.group(1), "u"), text)
    text = re.sub(r"\b(jouw|jou)\b", lambda m: _match_case(m.group(1), "uw" if m.group(1).lower() == "jouw" else "u"), text)
    return text


def rewrite_ja_maar(sentence: str) -> str:
    """'Ja, maar onze kwaliteit is beter.' -> LSD first, then 'en daarbij' instead of 'maar':
    'Ik begrijp uw punt. Wat weegt voor u het zwaarst? … En daarbij: onze kwaliteit is beter.'"""
    rest = _JA_MAAR.sub("", sentence, count=1).strip()
    if not rest or rest == sentence.strip():
        return "Ik begrijp uw punt. Mag ik vragen wat voor u het zwaarst weegt?"
    rest = rest[0].lower() + rest[1:]
    return f"Ik begrijp uw punt. Wat weegt voor u het zwaarst? … En daarbij: {rest.rstrip('.!')}."


REWRITES: dict[str, Callable[[str], str]] = {
    "je_naar_u": rewrite_je_naar_u,
    "ja_maar_naar_lsd": rewrite_ja_maar,
}


# --- models -----------------------------------------------------------------------------------


class CheckTexts(BaseModel):
    model_config = ConfigDict(extra="forbid")
    goed: Variants = _variants()
    verbeterpunt: Variants = _variants()
    suggestie: Variants = _variants()
    suggestie_per_signaal: dict[str, Variants] = Field(default_factory=dict)
    herschrijf: str | None = None

    _placeholders = field_validator("goed", "verbeterpunt", "suggestie")(
        classmethod(lambda cls, v: _check_placeholders(v))
    )

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
    geen_zet: list[str] | None = None  # the turn has none of these moves
    oordeel: list[str] | None = None  # the reaction verdict is one of these
    beurt: int | None = Field(default=None, ge=1)  # only for this turn number

    _signals = field_validator("signaal")(classmethod(lambda cls, v: v and _check_signals(v)))
    _moves = field_validator("zet", "geen_zet")(classmethod(lambda cls, v: v and _check_moves(v)))

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
    teksten: Variants = _variants()

    _placeholders = field_validator("teksten")(classmethod(lambda cls, v: _check_placeholders(v)))


class HintsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    hints: list[HintRule] = Field(min_length=1)


class SignalNamesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    signalen: dict[str, str]

    @field_validator("signalen")
    @classmethod
    def _all_signals(cls, value: dict[str, str]) -> dict[str, str]:
        known = label_contract().signals
        unknown = [s for s in value if s not in known]
        if unknown:
            raise ValueError(f"onbekend signaal: {', '.join(unknown)}")
        missing = [s for s in known if s not in value]
        if missing:
            raise ValueError(f"naam ontbreekt voor signaal: {', '.join(missing)}")
        return value


@dataclass(frozen=True)
class FeedbackTexts:
    checks: dict[str, CheckTexts]
    checks_lines: dict[str, tuple[str, int | None]]
    hints: tuple[HintRule, ...]
    signal_names: dict[str, str]

    def signal_name(self, signal: str | None) -> str:
        return self.signal_names.get(signal or "", signal or "signaal")


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
    special = {"hints.yml": HintsFile, "signalen.yml": SignalNamesFile}
    loaded: dict[str, Any] = {}
    for name, model in special.items():
        try:
            loaded[name] = _load(model, name, folder)
        except ContentErrors as exc:
            errors.extend(exc.errors)
    checks: dict[str, CheckTexts] = {}
    checks_lines: dict[str, tuple[str, int | None]] = {}
    for path in sorted(folder.glob("*.yml")):
        if path.name in special:
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
    return FeedbackTexts(
        checks=checks,
        checks_lines=checks_lines,
        hints=tuple(hints.hints),
        signal_names=dict(loaded["signalen.yml"][0].signalen),
    )


def load_feedback_texts(directory: str | Path | None = None) -> FeedbackTexts:
    """All feedback texts; raises ContentErrors (file:line). Loaded once per process."""
    return _load_texts(str(Path(directory) if directory else feedback_dir()))


def choose(variants: list[str], *key: Any) -> str:
    """Deterministic choice: the same rule and turn always give the same variation."""
    digest = hashlib.sha256("|".join(str(k) for k in key).encode("utf-8")).digest()
    return variants[int.from_bytes(digest[:4], "big") % len(variants)]


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _quote_value(value: Any) -> str:
    # A quoted sentence loses its final full stop: 'Dat is te duur', maar ...
    return "" if value is None else str(value).strip().rstrip(".")


def fill(template: str, **values: Any) -> str:
    text = template.format_map(_Blank({k: _quote_value(v) for k, v in values.items()}))
    return re.sub(r"\s{2,}", " ", text).strip()
