"""Pydantic models for a scenario file (domain/scenarios/<id>.yml).

A scenario is data: who the persona is, what the student sells, the catalogue, the
objections and signals the persona produces and when, its lines, and three difficulty
levels. The persona actions in `actions/` are generic and read only these models.
Field names are English identifiers; every text a person reads is Dutch.
"""

from __future__ import annotations

import re
import string
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.labels import label_contract
from bot.scenarios.plan import Plan
from bot.vocabulary import OUTCOMES, SUCCESS_OUTCOMES  # noqa: F401 - re-exported

LEVELS = ("makkelijk", "gemiddeld", "moeilijk")
ROLES = ("klant", "leverancier")
FACT_KINDS = ("prijs", "aantal", "levertijd", "eigenschap")
STATE_VARS = ("interesse", "irritatie", "vertrouwen")
ENTITIES = ("bedrag", "percentage", "aantal", "datum", "weekdag", "product")
MOODS = ("vriendelijk", "neutraal", "zakelijk", "gehaast", "sceptisch", "boos")

# Placeholders a line may use; filled by the persona action (actions/persona/texts.py).
PLACEHOLDERS = {
    "naam",  # persona name
    "achternaam",  # persona's last word of the name
    "bedrijf",  # persona's company
    "functie",
    "student_bedrijf",
    "product",  # the product under discussion (first catalogue name)
    "prijs",  # its price excl. btw, Dutch notation
    "levertijd",  # its delivery time in working days
    "eenheid",  # its unit (stuk, doos, jaar ...)
    "voorraad",
    "aantal",  # quantity under discussion
    "korting",  # discount under discussion (percent)
    "vraag_korting",  # the discount the persona asks for
    "genoemd",  # a fact correction: what the student said
    "juist",  # a fact correction: what is right
}

_WP = re.compile(r"^\d\.\d$")
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def _moves() -> tuple[str, ...]:
    return label_contract().moves


def _signals() -> tuple[str, ...]:
    return label_contract().signals


def check_placeholders(texts: list, allowed: set[str] | None = None) -> list:
    allowed = PLACEHOLDERS if allowed is None else allowed
    for item in texts:
        text = item.text if isinstance(item, AnnotatedLine) else item
        try:
            names = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
        except ValueError as exc:
            raise ValueError(f"tekst '{text}': ongeldige accolades ({exc})") from None
        unknown = sorted(n for n in names if n not in allowed)
        if unknown:
            raise ValueError(
                f"tekst '{text}': onbekende invulplek {{{unknown[0]}}}; "
                f"toegestaan: {', '.join(sorted(allowed))}"
            )
    return texts


def check_moves(moves: list[str]) -> list[str]:
    known = _moves()
    for move in moves:
        if move not in known:
            raise ValueError(f"onbekende gespreksstap '{move}'; kies uit: {', '.join(known)}")
    return moves


def _check_move(move: str) -> str:
    check_moves([move])
    return move


# A student move from the label contract; validated per item so errors point at its line.
Move = Annotated[str, AfterValidator(_check_move)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AnnotatedLine(_Strict):
    """A line with the signal labels it carries (bot event metadata)."""

    text: str
    signals: list[str] = []
    asks: str | None = None  # the topic (scenario `topics`) this line asks the student about

    @field_validator("signals")
    @classmethod
    def _signals(cls, value: list[str]) -> list[str]:
        for s in value:
            if s not in _signals():
                raise ValueError(f"onbekend signaal '{s}'; kies uit: {', '.join(_signals())}")
        return value


def _check_line(line):
    check_placeholders([line])
    return line


# One line the persona can say; checked per item so an error points at its own line.
Line = Annotated[str | AnnotatedLine, AfterValidator(_check_line)]
Texts = list[Line]


def text_of(line: Line) -> str:
    return line.text if isinstance(line, AnnotatedLine) else line


def signals_of(line: Line) -> list[str]:
    return list(line.signals) if isinstance(line, AnnotatedLine) else []


def asks_of(line: Line) -> str | None:
    return line.asks if isinstance(line, AnnotatedLine) else None


def _check_entities(value: list[str]) -> list[str]:
    for e in value:
        if e not in ENTITIES:
            raise ValueError(f"onbekende entiteit '{e}'; kies uit: {', '.join(ENTITIES)}")
    return value


def _lower_all(value: list[str]) -> list[str]:
    return [k.lower() for k in value]


class Topic(_Strict):
    """What one of the persona's own questions is about, and how she hears it answered.

    A line, signal or objection that asks something names its topic (`asks:`); a student
    reply with one of the topic's keywords or entities answers it, with or without a move.
    """

    id: str
    keywords: list[str] = []  # words in a reply that answer the question (lower case, parts of words)
    entities: list[str] = []  # entities that answer it (bedrag, aantal, datum, weekdag, product, percentage)
    answered: Texts = []  # her reaction to an answer (else lines.topic_answered)
    need: str | None = None  # an answer to this question also touches this hidden need
    # The student passed over her question: she comes back to it once, with one of these.
    # Without them she lets it go.
    unanswered: Texts = []

    _k = field_validator("keywords")(classmethod(lambda cls, v: _lower_all(v)))
    _e = field_validator("entities")(classmethod(lambda cls, v: _check_entities(v)))
    _p = field_validator("answered", "unanswered")(classmethod(lambda cls, v: check_placeholders(v)))

    @model_validator(mode="after")
    def _something(self) -> "Topic":
        if not self.keywords and not self.entities:
            raise ValueError(f"onderwerp '{self.id}': geef keywords of entities waaraan je een antwoord herkent")
        return self


class Fact(_Strict):
    """A fact the student may state; a wrong figure gets a correction and a `feitfouten` entry.

    prijs: euros excl. btw; aantal: a number right before one of the keywords ("25 stoelen");
    levertijd: working days (promising it faster is wrong); eigenschap: `has` true/false.
    """

    id: str
    soort: Literal[FACT_KINDS]  # type: ignore[valid-type]
    keywords: list[str] = Field(min_length=1)  # words that tie a stated figure to this fact
    value: float | None = None
    also: list[float] = []  # other figures that are right too (e.g. incl. btw)
    has: bool | None = None  # eigenschap: true = it is so, false = it is not
    juist: str  # the right fact in Dutch, for her reaction and the report ("25 stoelen")

    _k = field_validator("keywords")(classmethod(lambda cls, v: _lower_all(v)))

    @model_validator(mode="after")
    def _value(self) -> "Fact":
        if self.soort == "eigenschap" and self.has is None:
            raise ValueError(f"feit '{self.id}': een eigenschap heeft 'has: true' of 'has: false'")
        if self.soort != "eigenschap" and self.value is None:
            raise ValueError(f"feit '{self.id}': geef 'value' (het juiste getal)")
        return self


class Feature(_Strict):
    """A product property: `has: false` for what it cannot do ("de L 200 scant niet")."""

    keywords: list[str] = Field(min_length=1)
    has: bool
    juist: str  # "de Printa L 200 kan alleen printen, niet scannen"

    _k = field_validator("keywords")(classmethod(lambda cls, v: _lower_all(v)))


class Authority(_Strict):
    """What the student may concede on his own (without asking his manager)."""

    korting: float = Field(0.0, ge=0, lt=100)  # percent; a scenario `margin` overrides it
    kosten: bool = False  # waive costs (bezorgkosten, voorrijkosten)
    betaaltermijn: bool = False  # a longer payment term
    extra: bool = False  # something extra for free


class Company(_Strict):
    name: str
    sells: str


class Need(_Strict):
    """A hidden need: the persona tells it only when the student asks for it."""

    id: str
    description: str  # for the teacher: what the persona really needs
    keywords: list[str] = Field(min_length=1)  # words that show the student addresses this need
    reveal: Texts = Field(min_length=1)  # what the persona says when asked
    # Times matter: a promise with a `too_late` word ("morgen") and no `in_time` word
    # ("vandaag", "voor zes uur") misses this need; she says `too_late_reply`.
    too_late: list[str] = []
    in_time: list[str] = []
    too_late_reply: Texts = []

    _p = field_validator("reveal", "too_late_reply")(classmethod(lambda cls, v: check_placeholders(v)))

    @field_validator("keywords", "too_late", "in_time")
    @classmethod
    def _lower(cls, value: list[str]) -> list[str]:
        return [k.lower() for k in value]

    @model_validator(mode="after")
    def _reply(self) -> "Need":
        if self.too_late and not self.too_late_reply:
            raise ValueError(f"behoefte '{self.id}': too_late vraagt ook too_late_reply (wat de persona dan zegt)")
        return self

    def too_late_in(self, text: str) -> bool:
        low = text.lower()
        return any(w in low for w in self.too_late) and not any(w in low for w in self.in_time)


class Persona(_Strict):
    name: str
    company: str
    function: str
    mood: Literal[MOODS]  # type: ignore[valid-type]
    aanspreekvorm: Literal["u", "je"] = "u"  # how the persona expects to be addressed
    budget: float | None = None  # euros excl. btw, hidden from the student
    background: str = ""  # for the teacher
    needs: list[Need] = []


class Staffel(_Strict):
    vanaf: int = Field(gt=0)  # from this quantity on
    korting: float = Field(gt=0, lt=100)  # percent


class Product(_Strict):
    id: str
    names: list[str] = Field(min_length=1)  # first one is how the persona calls it
    price: float = Field(gt=0)  # euros excl. btw per unit
    unit: str = "stuk"
    stock: int | None = None
    delivery_days: int | None = None  # working days
    staffel: list[Staffel] = []
    description: str = ""
    features: list[Feature] = []  # properties a student may get wrong

    @field_validator("staffel")
    @classmethod
    def _ascending(cls, value: list[Staffel]) -> list[Staffel]:
        if [s.vanaf for s in value] != sorted({s.vanaf for s in value}):
            raise ValueError("staffel: 'vanaf' moet oplopen en mag niet dubbel voorkomen")
        return value

    def staffel_pct(self, quantity: int) -> float:
        pct = 0.0
        for step in self.staffel:
            if quantity >= step.vanaf:
                pct = step.korting
        return pct


class Margin(_Strict):
    max_discount: float = Field(ge=0, lt=100)  # percent the student may give at most
    min_unit_price: dict[str, float] = {}  # product id -> lowest net unit price excl. btw


class When(_Strict):
    """When the persona raises an objection or gives a signal. All given conditions must hold."""

    opening: bool = False  # part of the persona's opening line
    moves: list[Move] = []  # any of these student moves in this turn
    entities: list[str] = []  # any of these entities in the student's message
    from_turn: int = Field(1, ge=1)  # not before this student turn
    min_interesse: float | None = Field(None, ge=0, le=1)
    min_vertrouwen: float | None = Field(None, ge=0, le=1)
    max_irritatie: float | None = Field(None, ge=0, le=1)
    needs_revealed: int = Field(0, ge=0)  # at least this many hidden needs told
    no_open_objections: bool = False
    after_resolved: list[str] = []  # these objections resolved first
    after_signals: list[str] = []  # these signal rules (by id) given first
    quotation_correct: bool | None = None  # the student's quotation (2.4) is (not) correct so far

    @field_validator("entities")
    @classmethod
    def _entities(cls, value: list[str]) -> list[str]:
        for e in value:
            if e not in ENTITIES:
                raise ValueError(f"onbekende entiteit '{e}'; kies uit: {', '.join(ENTITIES)}")
        return value


class Concession(_Strict):
    """How a price objection reacts to a concession (a discount) from the student."""

    accept_from: dict[Literal[LEVELS], float]  # type: ignore[valid-type]  # pct that resolves it
    ask: dict[Literal[LEVELS], float] = {}  # type: ignore[valid-type]  # pct the persona asks for
    too_little: Texts = Field(min_length=1)
    first: Texts = Field(min_length=1)  # concession before the objection was explored
    accepted: Texts = Field(min_length=1)

    _p = field_validator("too_little", "first", "accepted")(
        classmethod(lambda cls, v: check_placeholders(v))
    )


class Objection(_Strict):
    id: str
    signal: str  # weerstand.* or klacht
    levels: list[Literal[LEVELS]] = list(LEVELS)  # type: ignore[valid-type]
    when: When = When()
    texts: Texts = Field(min_length=1)
    level_texts: dict[Literal[LEVELS], Texts] = {}  # type: ignore[valid-type]
    # Moves that resolve it, step by step: each step needs one of its moves, in order.
    # One list for all levels, or one per level.
    steps: dict[Literal[LEVELS], list[Annotated[list[Move], Field(min_length=1)]]]  # type: ignore[valid-type]
    need: str | None = None  # the last step counts only when it addresses this hidden need
    reveals: str | None = None  # hidden need the persona tells in its `progress` texts
    progress: Texts = Field(min_length=1)  # after a step, before the last one
    resolved: Texts = Field(min_length=1)
    worse: Texts = Field(min_length=1)
    worsened_by: list[Move] = ["ja_maar", "tegenspreken"]
    reminder: Texts = []  # when the student ignores the open objection
    # Her point and reminders once she already told the need it `reveals` (the remedy she has,
    # e.g. stock in another warehouse): "ik kan u geen datum geven" after "uit Venlo kan ik er
    # twintig met spoed laten komen" would contradict her. Empty: `texts` and `reminder`.
    told_texts: Texts = []
    told_reminder: Texts = []
    concession: Concession | None = None
    hint: str  # in-character hint after two misunderstandings
    blocks_close: bool = True
    asks: str | None = None  # topic its texts ask about: an answer with that topic's words counts as a value step

    _p = field_validator("texts", "progress", "resolved", "worse", "reminder", "told_texts", "told_reminder")(
        classmethod(lambda cls, v: check_placeholders(v))
    )

    @field_validator("signal")
    @classmethod
    def _signal(cls, value: str) -> str:
        if value not in _signals() or not (value.startswith("weerstand.") or value == "klacht"):
            allowed = [s for s in _signals() if s.startswith("weerstand.") or s == "klacht"]
            raise ValueError(f"signaal '{value}' kan geen bezwaar zijn; kies uit: {', '.join(allowed)}")
        return value

    @field_validator("steps", mode="before")
    @classmethod
    def _steps_per_level(cls, value):
        if isinstance(value, list):  # one list for every level
            return {level: value for level in LEVELS}
        return value

    @field_validator("steps")
    @classmethod
    def _steps(cls, value):
        for steps in value.values():
            if not steps:
                raise ValueError("minstens één stap nodig")
        return value

    def steps_for(self, level: str) -> list[list[str]]:
        return self.steps.get(level) or self.steps.get("gemiddeld") or next(iter(self.steps.values()))

    def texts_for(self, level: str) -> list[str]:
        return self.level_texts.get(level) or self.texts


class SignalRule(_Strict):
    id: str
    signal: str
    levels: list[Literal[LEVELS]] = list(LEVELS)  # type: ignore[valid-type]
    when: When = When()
    texts: Texts = Field(min_length=1)
    once: bool = True
    asks: str | None = None  # topic its texts ask about (scenario `topics`)

    _p = field_validator("texts")(classmethod(lambda cls, v: check_placeholders(v)))

    @field_validator("signal")
    @classmethod
    def _signal(cls, value: str) -> str:
        if value not in _signals():
            raise ValueError(f"onbekend signaal '{value}'; kies uit: {', '.join(_signals())}")
        return value


class Answer(_Strict):
    """A fact the persona tells when the student asks about it (keyword match)."""

    id: str
    keywords: list[str] = Field(min_length=1)
    texts: Texts = Field(min_length=1)
    reveals: str | None = None  # hidden need id this answer also reveals
    signals: list[str] = []  # signal labels these texts carry
    # The objection this fact is part of: once she raised it, its own lines (progress,
    # resolution) carry the point, so she does not tell this fact again beside them
    # ("Klopt, dan is die factuur niet goed." next to "Een prijsafspraak? Dat moet ik nakijken.").
    about: str | None = None
    # The objection whose point answers this question ("Wie kan de factuur aanpassen?": "daar
    # gaat onze administratie over"): asked before she raised it, she answers by raising it;
    # asked after, these texts answer it.
    raises: str | None = None

    _p = field_validator("texts")(classmethod(lambda cls, v: check_placeholders(v)))

    @field_validator("keywords")
    @classmethod
    def _lower(cls, value: list[str]) -> list[str]:
        return [k.lower() for k in value]


class Close(_Strict):
    """What counts as success and how the persona reacts to a closing move."""

    outcome: Literal[SUCCESS_OUTCOMES]  # type: ignore[valid-type]
    moves: list[Move] = ["afsluitvraag"]
    min_needs: int = Field(0, ge=0)  # hidden needs the student must have uncovered
    requires_resolved: list[str] = []  # objections that must be resolved first
    accept: Texts = Field(min_length=1)
    stall: Texts = Field(min_length=1)  # not yet convinced
    refuse: Texts = Field(min_length=1)  # final no
    premature: Texts = Field(min_length=1)  # closing before any need is known
    at_end: bool = False  # success is also reached by a polite goodbye once the conditions hold
    requires_correct_quotation: bool = False  # 2.4: no acceptance while the quotation has errors
    # The sale is the focus product offered on top of a service call (3.3): a close or a
    # proposal before the student named that product is about what was arranged, not a
    # purchase decision; she confirms it (lines.arranged_confirmed), raises no objection the
    # close would raise and agrees to nothing.
    requires_offer: bool = False

    _p = field_validator("accept", "stall", "refuse", "premature")(
        classmethod(lambda cls, v: check_placeholders(v))
    )


class StartState(_Strict):
    interesse: float = Field(ge=0, le=1)
    irritatie: float = Field(ge=0, le=1)
    vertrouwen: float = Field(ge=0, le=1)


class Threshold(_Strict):
    interesse: float = Field(ge=0, le=1)
    vertrouwen: float = Field(ge=0, le=1)


class Level(_Strict):
    start: StartState
    close_at: Threshold  # accept a close at or above both
    stall_at: float = Field(ge=0, le=1)  # interest for a stall instead of a refusal
    hangup_at: float = Field(1.0, ge=0, le=1)  # irritation at which the persona ends the call
    positive: float = Field(1.0, gt=0)  # multiplier on good effects
    negative: float = Field(1.0, gt=0)  # multiplier on bad effects


class RequiredTerm(_Strict):
    id: str
    keywords: list[str] = Field(min_length=1)
    missing: str  # Dutch error text when the student does not mention it


class Quotation(_Strict):
    """For 2.4: the request the student must quote for; the check recomputes it."""

    product: str
    aantal: int = Field(gt=0)
    btw: float = 21.0
    required_terms: list[RequiredTerm] = []


class BriefingTopic(_Strict):
    """One subject a good answer can cover ("het bijvullen"), recognised by its keywords."""

    naam: str  # how the feedback names it, after "over" ("wie er beslist")
    keywords: list[str] = Field(min_length=1)


class BriefingField(_Strict):
    question: str  # what the form asks (je-vorm: the coach speaks to the student)
    keywords: list[str] = []  # words a good answer contains (any); or onderwerpen
    # Subjects a good answer covers: each counts once towards min_hits, and the feedback says
    # which ones the answer covered ({gedekt} in `good`) and which it missed (`aanvulling`,
    # with {gemist}), so it never claims a subject the student did not mention.
    onderwerpen: list[BriefingTopic] = []
    min_hits: int = Field(1, ge=1)
    good: str  # Dutch feedback when it is there
    aanvulling: str | None = None  # added to `good` when subjects were missed ({gemist})
    missing: str  # Dutch feedback when it is not

    @model_validator(mode="after")
    def _keywords_or_topics(self) -> "BriefingField":
        if not self.keywords and not self.onderwerpen:
            raise ValueError("geef keywords of onderwerpen")
        if self.onderwerpen and "{gedekt}" not in self.good:
            raise ValueError("met onderwerpen noemt good de behandelde onderwerpen met {gedekt}")
        if self.aanvulling is not None and "{gemist}" not in self.aanvulling:
            raise ValueError("aanvulling noemt de gemiste onderwerpen met {gemist}")
        return self


class BriefingCheck(_Strict):
    doel: BriefingField
    aanpak: BriefingField
    aanbod: BriefingField
    vragen: BriefingField
    required: bool = False  # the form runs before the role play


class Scenario(_Strict):
    id: str
    title: str
    werkprocessen: list[str] = Field(min_length=1)
    competencies: list[str] = Field(min_length=1)
    role: Literal[ROLES]  # type: ignore[valid-type]
    initiative: Literal["persona", "student"]  # who opens the conversation
    student_company: Company
    persona: Persona
    briefing: str  # for the student
    goal: str  # for the student and the teacher
    close: Close
    catalogue: list[Product] = []
    focus_product: str | None = None  # the product under discussion ({product}, {prijs})
    margin: Margin | None = None
    terms: dict[str, str] = {}  # betaling, levering, garantie ... as told to the student
    objections: list[Objection] = []
    signals: list[SignalRule] = []
    answers: list[Answer] = []
    lines: dict[str, Texts] = {}
    standaard_lines: dict[str, Texts] = {}  # filled by the loader: _standaard.yml's lines this scenario replaced
    hints: dict[str, str] = {}
    effects: dict[str, dict[str, float]] = {}
    levels: dict[Literal[LEVELS], Level]  # type: ignore[valid-type]
    default_level: Literal[LEVELS] = "gemiddeld"  # type: ignore[valid-type]
    quotation: Quotation | None = None
    briefing_check: BriefingCheck | None = None
    practice_hints: bool = True
    topics: list[Topic] = []  # what the persona's own questions are about
    facts: list[Fact] = []  # facts the student may state, checked in free text
    bevoegdheid: Authority = Authority()  # what the student may concede on his own
    # Words of offers that belong to the standard offer of the briefing (a free trial, free
    # delivery and assembly, a fair action): offering them is no concession (label contract §3).
    standaardaanbod: list[str] = []
    plan: Plan | None = None  # 1.2: a plan discussion with the team leader (bot/scenarios/plan.py)

    @field_validator("standaardaanbod")
    @classmethod
    def _standard_offer(cls, value: list[str]) -> list[str]:
        words = [w.strip().lower() for w in value]
        if any(not w for w in words):
            raise ValueError("standaardaanbod: een leeg woord")
        return words

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("id: alleen kleine letters, cijfers, punt, streepje en liggend streepje")
        return value

    @field_validator("werkprocessen")
    @classmethod
    def _wp(cls, value: list[str]) -> list[str]:
        for code in value:
            if not _WP.match(code):
                raise ValueError(f"werkproces '{code}' moet de vorm '2.3' hebben")
        return value

    @field_validator("lines")
    @classmethod
    def _lines(cls, value: dict[str, Texts]) -> dict[str, Texts]:
        for key, texts in value.items():
            if not texts:
                raise ValueError(f"lines.{key}: minstens één tekst nodig")
            check_placeholders(texts)
        return value

    @field_validator("effects")
    @classmethod
    def _effects(cls, value: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        for key, deltas in value.items():
            for var, delta in deltas.items():
                if var not in STATE_VARS:
                    raise ValueError(f"effects.{key}: onbekende variabele '{var}'; kies uit: {', '.join(STATE_VARS)}")
                if not -1 <= delta <= 1:
                    raise ValueError(f"effects.{key}.{var}: waarde moet tussen -1 en 1 liggen")
        return value

    @model_validator(mode="after")
    def _default_level(self) -> "Scenario":
        if self.default_level not in self.levels:
            raise ValueError(f"default_level '{self.default_level}' staat niet onder levels")
        return self

    # ----- lookups -------------------------------------------------------------------

    @property
    def difficulties(self) -> list[str]:
        return [lvl for lvl in LEVELS if lvl in self.levels]

    def product(self, product_id: str | None) -> Product | None:
        for p in self.catalogue:
            if p.id == product_id:
                return p
        return None

    def main_product(self) -> Product | None:
        if self.focus_product:
            return self.product(self.focus_product)
        return self.catalogue[0] if self.catalogue else None

    def objection(self, objection_id: str) -> Objection | None:
        return next((o for o in self.objections if o.id == objection_id), None)

    def need(self, need_id: str) -> Need | None:
        return next((n for n in self.persona.needs if n.id == need_id), None)

    def topic(self, topic_id: str | None) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def max_discount(self) -> float:
        """The discount (percent) the student may give on his own."""
        return self.margin.max_discount if self.margin is not None else self.bevoegdheid.korting

    def level(self, name: str | None) -> Level:
        return self.levels.get(name or self.default_level) or self.levels[self.default_level]

    def catalogue_for_nlu(self) -> list[dict]:
        return [{"id": p.id, "names": list(p.names)} for p in self.catalogue]

    def summary(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "role": self.role,
            "initiative": self.initiative,
            "werkprocessen": list(self.werkprocessen),
            "competencies": list(self.competencies),
            "difficulties": self.difficulties,
            "default_difficulty": self.default_level,
            "persona": {
                "name": self.persona.name,
                "company": self.persona.company,
                "function": self.persona.function,
            },
            "student_company": {"name": self.student_company.name, "sells": self.student_company.sells},
            "briefing": self.briefing,
            "goal": self.goal,
            "briefing_form": bool(self.briefing_check),
            "practice_hints": self.practice_hints,
            # whom the student talks to, as a Dutch noun: klant, leverancier, or (1.2) the team leader
            "counterpart": self.persona.function if self.plan else self.role,
        }


class Defaults(_Strict):
    """domain/scenarios/_standaard.yml: effects and lines every scenario inherits."""

    effects: dict[str, dict[str, float]]
    lines: dict[str, Texts]
    hints: dict[str, str]
    topics: list[Topic] = []  # inherited by every scenario (a scenario topic with the same id wins)

    _e = field_validator("effects")(classmethod(lambda cls, v: Scenario._effects(v)))
    _l = field_validator("lines")(classmethod(lambda cls, v: Scenario._lines(v)))
