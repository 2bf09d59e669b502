"""The recogniser's data (domain/nlu/), loaded and validated with file:line errors.

Files:
    normalisatie.yml     chat spelling → standard words (token-level, offsets stay true)
    regels/*.yml         label rules: patterns per signal or move, one file per label group
    vragen.yml           word lists for question detection and open/closed questions
    beslisregels.yml     exclusions between labels and the intent precedence
    entiteiten.yml       number words, units, weekdays, months for entity extraction
    reacties.yml         reaction verdict rules (section 3 of the label contract)

Everything is validated with pydantic via bot.content.validate; pattern syntax and label
names are checked too, so a teacher's typo is reported with file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.content import ContentError, ContentErrors, line_of, load_yaml, validate
from bot.labels import SPEAKERS, VERDICTS, label_contract
from bot.nlu.dsl import PatternError, compile_patterns
from bot.paths import display_path, domain_dir


def nlu_dir() -> Path:
    return domain_dir() / "nlu"


def competency_names() -> tuple[str, ...]:
    """The BCP competency names reacties.yml may use: the profile's, or the fixed list the
    profile loader checks against when the profile itself is broken (reported by its own
    validator), so that the recogniser keeps working."""
    from bot.bcp import competency_names as bcp_names
    from bot.bcp.loader import EXPECTED_COMPETENCIES

    try:
        return tuple(bcp_names()) or EXPECTED_COMPETENCIES
    except Exception:  # noqa: BLE001 - a broken profile is reported by its own validator
        return EXPECTED_COMPETENCIES


# --- models -------------------------------------------------------------------------------

Pattern = str | list[dict[str, Any]]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Normalisation(_Strict):
    vervangingen: dict[str, str] = Field(default_factory=dict)
    splitsingen: dict[str, list[str]] = Field(default_factory=dict)
    herhaalde_letters: bool = True

    @field_validator("splitsingen")
    @classmethod
    def _splits_rebuild_word(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for word, parts in value.items():
            if "".join(parts) != word:
                raise ValueError(f"splitsing van '{word}': de delen {parts} vormen samen niet '{word}'")
        return value


class Rule(_Strict):
    id: str
    label: str
    patronen: list[Pattern] = Field(min_length=1)
    vorm: Literal["vraag", "bewering"] | None = None
    tenzij: list[Pattern] = Field(default_factory=list)
    uitleg: str | None = None
    # zinsgrens: over — the pattern may run on past a full stop into the next sentence
    # ("Ja, dat is balen. Maar ..."); the hit belongs to the sentence where it starts
    zinsgrens: Literal["binnen", "over"] = "binnen"
    # wijkt_voor — a question move that gives way when one of these question moves is found
    # elsewhere in the utterance ("Er is ook een grotere. Is dat iets voor u?" is bijverkoop)
    wijkt_voor: list[str] = Field(default_factory=list)


class Block(_Strict):
    id: str
    labels: list[str] = Field(min_length=1)
    patronen: list[Pattern] = Field(min_length=1)
    uitleg: str | None = None


class RuleFile(_Strict):
    sprekers: list[Literal["klant", "leverancier", "student"]] = Field(min_length=1)
    regels: list[Rule] = Field(default_factory=list)
    blokkades: list[Block] = Field(default_factory=list)
    omschrijving: str | None = None


class Questions(_Strict):
    vraagwoorden: list[str]
    voorzetsels: list[str]
    inbeddend: list[str]
    vertel_werkwoorden: list[str]
    onderwerpen: list[str]
    lidwoorden: list[str] = Field(default_factory=list)
    geen_werkwoord: list[str]
    werkwoorden_vooraan: list[str]
    staartvragen: list[str]
    inleiders: list[str] = Field(default_factory=list)
    na_vraagwoord: list[str] = Field(default_factory=list)
    open_uitnodigingen: list[Pattern] = Field(default_factory=list)
    geen_vraag: list[Pattern] = Field(default_factory=list)
    nieuw_onderwerp: list[Pattern] = Field(default_factory=list)
    doorvraag_overlap: bool = True
    doorvraag_verwijzers: list[str] = Field(default_factory=list)
    # "dit" or "deze" before one of these words names the present time ("op dit moment"), not what was said
    verwijzer_niet_voor: list[str] = Field(default_factory=list)
    doorvraag_kort: int = 3
    overlap_negeer: list[str] = Field(default_factory=list)
    # per signal (name or group.*): words with which a question takes up that signal
    signaal_onderwerpen: dict[str, list[str]] = Field(default_factory=dict)
    # signals after which every open question probes (a complaint: every question is about it)
    doorvragen_na_elk: list[str] = Field(default_factory=list)
    retorisch: list[str] = Field(default_factory=list)  # words that make a yes/no question argue, not probe


class Exclusion(_Strict):
    id: str
    als: list[str] = Field(min_length=1)
    vervalt: list[str] = Field(min_length=1)
    bereik: Literal["zin", "zinsdeel", "uiting"] = "zin"
    uitleg: str | None = None


class Decisions(_Strict):
    uitsluitingen: list[Exclusion] = Field(default_factory=list)
    intent_voorrang: list[str]


class Term(_Strict):
    dagen: int = Field(ge=1)  # days per unit
    werkdagen: bool = False  # count Monday to Friday only
    altijd: bool = False  # a delivery time even without a preposition or delivery word


class EntityLexicon(_Strict):
    getallen: dict[str, int]
    valuta: list[str]
    procent: list[str]
    eenheden: dict[str, str]
    weekdagen: dict[str, str]
    maanden: dict[str, int]
    relatieve_dagen: dict[str, int]
    # a delivery time ("twee werkdagen", "binnen drie dagen") → the date it points at
    termijnen: dict[str, Term] = Field(default_factory=dict)
    termijn_voorzetsels: list[str] = Field(default_factory=list)
    termijn_context: list[str] = Field(default_factory=list)
    termijn_niet: list[str] = Field(default_factory=list)
    # "50 op voorraad", "we hebben er nog 50": a quantity without a unit word
    voorraad_woorden: list[str] = Field(default_factory=list)


class ReactionRule(_Strict):
    id: str
    signalen: list[str] = Field(min_length=1)
    ook_signalen: list[str] = Field(default_factory=list)
    een_van: list[str] = Field(default_factory=list)
    ook_een_van: list[str] = Field(default_factory=list)
    alle: list[str] = Field(default_factory=list)
    geen_van: list[str] = Field(default_factory=list)
    zonder_zetten: bool = False
    na: list[str] = Field(default_factory=list)  # the previous utterance is one of these (vorige_uiting)
    niet_na: list[str] = Field(default_factory=list)
    oordeel: Literal["goed", "matig", "fout"]
    reden: str
    competenties: list[str] = Field(min_length=1)


# helper moves computed in code (bot/nlu/recogniser.py), usable in reacties.yml like the others
BUILTIN_HELPERS = ("sluit_aan_bij_vorige",)


class HelperMove(_Strict):
    uitleg: str
    patronen: list[Pattern] = Field(min_length=1)


class Reactions(_Strict):
    signaal_voorrang: list[str] = Field(min_length=1)
    hulpzetten: dict[str, HelperMove] = Field(default_factory=dict)
    vorige_uiting: dict[str, HelperMove] = Field(default_factory=dict)
    regels: list[ReactionRule] = Field(min_length=1)


# --- loading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompiledRule:
    id: str
    label: str
    patterns: tuple[list[dict[str, Any]], ...]
    form: str | None
    unless: tuple[list[dict[str, Any]], ...]
    speakers: tuple[str, ...]
    source: str
    across_sentences: bool = False
    yields_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompiledBlock:
    id: str
    labels: tuple[str, ...]
    patterns: tuple[list[dict[str, Any]], ...]
    speakers: tuple[str, ...]


@dataclass(frozen=True)
class Resources:
    normalisation: Normalisation
    rules: tuple[CompiledRule, ...]
    blocks: tuple[CompiledBlock, ...]
    questions: Questions
    open_invitations: tuple[list[dict[str, Any]], ...]
    not_questions: tuple[list[dict[str, Any]], ...]
    new_topic: tuple[list[dict[str, Any]], ...]
    decisions: Decisions
    lexicon: EntityLexicon
    reactions: Reactions
    helper_moves: dict[str, tuple[list[dict[str, Any]], ...]]
    previous_context: dict[str, tuple[list[dict[str, Any]], ...]] = field(default_factory=dict)


def _compile_all(patterns: list, where: str, data_node: Any, errors: list[ContentError]) -> tuple:
    compiled = []
    for index, pattern in enumerate(patterns):
        try:
            compiled.extend(compile_patterns(pattern))
        except PatternError as exc:
            errors.append(ContentError(where, line_of(data_node, index) or line_of(data_node), f"patroon {pattern!r}: {exc}"))
    return tuple(compiled)


def _label_errors(labels: list[str], allowed: set[str], where: str, line: int | None, what: str) -> list[ContentError]:
    return [
        ContentError(where, line, f"{what}: onbekend label '{label}' (zie domain/labels.yml)")
        for label in labels
        if label not in allowed
    ]


def _load_rule_file(path: Path, errors: list[ContentError]) -> tuple[list[CompiledRule], list[CompiledBlock]]:
    data = load_yaml(path)
    model = validate(RuleFile, data, path)
    shown = display_path(path)
    contract = label_contract()
    speakers = tuple(model.sprekers)
    allowed = set(contract.moves) if speakers == ("student",) else set(contract.signals)
    if "student" in speakers and len(speakers) > 1:
        errors.append(ContentError(shown, line_of(data, "sprekers"), "sprekers: student niet mengen met klant/leverancier"))
    rules, blocks = [], []
    for index, rule in enumerate(model.regels):
        node = data["regels"][index]
        line = line_of(data["regels"], index)
        errors.extend(_label_errors([rule.label], allowed, shown, line_of(node, "label") or line, f"regel {rule.id}"))
        if rule.wijkt_voor:
            errors.extend(_label_errors(rule.wijkt_voor, allowed, shown, line_of(node, "wijkt_voor") or line, f"regel {rule.id}"))
        patterns = _compile_all(rule.patronen, shown, node["patronen"], errors)
        unless = _compile_all(rule.tenzij, shown, node.get("tenzij", node), errors)
        rules.append(CompiledRule(rule.id, rule.label, patterns, rule.vorm, unless, speakers, f"{shown}:{line}",
                                  rule.zinsgrens == "over", tuple(rule.wijkt_voor)))
    for index, block in enumerate(model.blokkades):
        node = data["blokkades"][index]
        line = line_of(data["blokkades"], index)
        errors.extend(_label_errors(block.labels, allowed, shown, line, f"blokkade {block.id}"))
        patterns = _compile_all(block.patronen, shown, node["patronen"], errors)
        blocks.append(CompiledBlock(block.id, tuple(block.labels), patterns, speakers))
    return rules, blocks


def _check_unique_ids(rules: list[CompiledRule], errors: list[ContentError]) -> None:
    seen: dict[str, str] = {}
    for rule in rules:
        if rule.id in seen:
            path, _, line = rule.source.rpartition(":")
            errors.append(ContentError(path, int(line) if line.isdigit() else None, f"regel-id '{rule.id}' komt ook voor in {seen[rule.id]}"))
        seen.setdefault(rule.id, rule.source)


def _check_decisions(data: Any, model: Decisions, path: Path, errors: list[ContentError]) -> None:
    shown = display_path(path)
    contract = label_contract()
    allowed = set(contract.signals) | set(contract.moves)
    for index, exclusion in enumerate(model.uitsluitingen):
        line = line_of(data["uitsluitingen"], index)
        errors.extend(_label_errors(exclusion.als + exclusion.vervalt, allowed, shown, line, f"uitsluiting {exclusion.id}"))
    errors.extend(_label_errors(model.intent_voorrang, allowed, shown, line_of(data, "intent_voorrang"), "intent_voorrang"))


def _check_reactions(data: Any, model: Reactions, path: Path, errors: list[ContentError]) -> None:
    shown = display_path(path)
    contract = label_contract()
    signals = set(contract.signals)
    groups = {f"{contract.group_of(s)}.*" for s in signals} | {"*"}
    moves = set(contract.moves) | set(model.hulpzetten) | set(BUILTIN_HELPERS)
    for name in model.hulpzetten:
        if name in contract.moves or name in signals:
            errors.append(ContentError(shown, line_of(data["hulpzetten"], name), f"hulpzet '{name}' heeft dezelfde naam als een label"))
    known_competencies = set(competency_names())
    for label in model.signaal_voorrang:
        if label not in signals | groups:
            errors.append(ContentError(shown, line_of(data, "signaal_voorrang"), f"signaal_voorrang: onbekend signaal '{label}'"))
    for index, rule in enumerate(model.regels):
        line = line_of(data["regels"], index)
        what = f"reactieregel {rule.id}"
        for label in rule.signalen + rule.ook_signalen:
            if label not in signals | groups:
                errors.append(ContentError(shown, line, f"{what}: onbekend signaal '{label}' (gebruik een signaal of groep.*)"))
        errors.extend(_label_errors(rule.een_van + rule.ook_een_van + rule.alle + rule.geen_van, moves, shown, line, what))
        for name in rule.na + rule.niet_na:
            if name not in model.vorige_uiting:
                errors.append(ContentError(shown, line, f"{what}: '{name}' staat niet onder vorige_uiting"))
        for name in rule.competenties:
            if name not in known_competencies:
                errors.append(ContentError(shown, line, f"{what}: '{name}' is geen competentie uit het beroepsprofiel"))


def load_resources(root: Path | None = None) -> Resources:
    """Load and validate all recogniser data; raise ContentErrors listing every problem."""
    root = root or nlu_dir()
    errors: list[ContentError] = []

    def part(model, name: str):
        path = root / name
        try:
            data = load_yaml(path)
            return data, validate(model, data, path), path
        except ContentErrors as exc:
            errors.extend(exc.errors)
            return None, None, path

    _, normalisation, _ = part(Normalisation, "normalisatie.yml")
    q_data, questions, q_path = part(Questions, "vragen.yml")
    d_data, decisions, d_path = part(Decisions, "beslisregels.yml")
    _, lexicon, _ = part(EntityLexicon, "entiteiten.yml")
    r_data, reactions, r_path = part(Reactions, "reacties.yml")

    rules: list[CompiledRule] = []
    blocks: list[CompiledBlock] = []
    rule_files = sorted((root / "regels").glob("*.yml"))
    if not rule_files:
        errors.append(ContentError(display_path(root / "regels"), None, "geen regelbestanden (*.yml) gevonden"))
    for path in rule_files:
        try:
            file_rules, file_blocks = _load_rule_file(path, errors)
        except ContentErrors as exc:
            errors.extend(exc.errors)
            continue
        rules.extend(file_rules)
        blocks.extend(file_blocks)
    _check_unique_ids(rules, errors)

    open_invitations: tuple = ()
    not_questions: tuple = ()
    new_topic: tuple = ()
    if questions is not None:
        shown = display_path(q_path)
        open_invitations = _compile_all(questions.open_uitnodigingen, shown, q_data.get("open_uitnodigingen", q_data), errors)
        not_questions = _compile_all(questions.geen_vraag, shown, q_data.get("geen_vraag", q_data), errors)
        new_topic = _compile_all(questions.nieuw_onderwerp, shown, q_data.get("nieuw_onderwerp", q_data), errors)
        contract = label_contract()
        known = set(contract.signals) | {f"{contract.group_of(x)}.*" for x in contract.signals}
        for key in [*questions.signaal_onderwerpen, *questions.doorvragen_na_elk]:
            if key not in known:
                errors.append(ContentError(shown, line_of(q_data, "signaal_onderwerpen"),
                                           f"onbekend signaal '{key}' (gebruik een signaal of groep.*)"))
    if decisions is not None:
        _check_decisions(d_data, decisions, d_path, errors)
    helper_moves: dict[str, tuple] = {}
    previous_context: dict[str, tuple] = {}
    if reactions is not None:
        _check_reactions(r_data, reactions, r_path, errors)
        shown = display_path(r_path)
        for name, helper in reactions.hulpzetten.items():
            helper_moves[name] = _compile_all(helper.patronen, shown, r_data["hulpzetten"][name]["patronen"], errors)
        for name, helper in reactions.vorige_uiting.items():
            previous_context[name] = _compile_all(helper.patronen, shown, r_data["vorige_uiting"][name]["patronen"], errors)
    if errors:
        raise ContentErrors(errors)
    return Resources(
        normalisation=normalisation,
        rules=tuple(rules),
        blocks=tuple(blocks),
        questions=questions,
        open_invitations=open_invitations,
        not_questions=not_questions,
        new_topic=new_topic,
        decisions=decisions,
        lexicon=lexicon,
        reactions=reactions,
        helper_moves=helper_moves,
        previous_context=previous_context,
    )


@lru_cache(maxsize=4)
def resources(root: str | None = None) -> Resources:
    return load_resources(Path(root) if root else None)
