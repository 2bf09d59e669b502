"""The `plan:` section of a scenario: a plan discussion (werkproces 1.2) instead of a sale.

The student presents an activiteitenplan to the team leader (played by the bot). The data
says what the team leader asks about and in which order (`topics`), which figures the
student states are checked against the facts (`figures`: budget, targets, capacity, last
year's numbers), which dates do not fit the calendar (`blocked_dates`), what a request for
approval sounds like, and what each level requires. The logic that plays it lives in
actions/plan/ and reads only these models. Field names are English; texts are Dutch.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

PLAN_ENTITIES = ("bedrag", "percentage", "aantal")
# Placeholders a plan line may use besides the scenario's own: the value the student named
# (Dutch notation) and the limit or fact it is checked against.
PLAN_PLACEHOLDERS = {"waarde", "grens", "naam", "bedrijf"}
_MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


def _check_texts(texts: list[str]) -> list[str]:
    from bot.scenarios.models import check_placeholders  # models imports this module

    return check_placeholders(texts, PLAN_PLACEHOLDERS)


def _lower(words: list[str]) -> list[str]:
    """Keywords are whole words, lower case; a word ending in * matches as a word start."""
    return [w.lower() for w in words]


PlanTexts = list[str]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Concrete(_Strict):
    """What makes a topic concrete enough (any one of these)."""

    entities: list[Literal["bedrag", "percentage", "aantal", "datum", "weekdag"]] = []  # type: ignore[valid-type]
    keywords: list[str] = []
    figures: list[str] = []  # a checked figure of one of these ids was named

    _k = field_validator("keywords")(classmethod(lambda cls, v: _lower(v)))


class Topic(_Strict):
    """One part of the plan the team leader wants to hear about."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str  # Dutch, as the team leader names it in "ik mis nog ..."
    keywords: list[str] = Field(min_length=1)  # the student talks about this part
    concrete: Concrete | None = None  # without it, mentioning is enough
    only_when_asked: bool = False  # counts only in the answer to its own question
    # A challenge's premise: she asks it only while the plan has not named these (not negated)
    # before she asks: "de kantoren zijn je grootste groep, waarom niet?" after a plan with
    # the offices in it criticises something the plan does not lack.
    unless_heard: list[str] = []
    ask: PlanTexts = Field(min_length=1)  # the team leader asks about it
    vague: PlanTexts = []  # mentioned, not concrete yet: she asks for substance
    ack: PlanTexts = []  # a short acknowledgement when it is covered

    _k = field_validator("keywords", "unless_heard")(classmethod(lambda cls, v: _lower(v)))
    _t = field_validator("ask", "vague", "ack")(classmethod(lambda cls, v: _check_texts(v)))


class Figure(_Strict):
    """A number the student may name, and what it is checked against.

    The first figure (in file order) whose `context` word occurs in the clause around the
    number (else in its sentence) claims it; `also` words must occur in the sentence up to the
    end of that clause (what the number is said about), `unless` words not in its clause. Without any context word, a value inside `magnitude` is taken as this
    figure. `min`/`max` are limits (too_low / too_high), `is_` a fact (`wrong`)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    entity: Literal["bedrag", "percentage", "aantal"]  # type: ignore[valid-type]
    context: list[str] = Field(min_length=1)
    also: list[str] = []
    unless: list[str] = []
    magnitude: tuple[float, float] | None = None
    topic: str | None = None  # naming it covers this topic
    min: float | None = None
    max: float | None = None
    is_: float | None = Field(None, alias="is")
    tolerance: float = Field(0.05, ge=0, le=1)  # relative, for `is`
    too_low: PlanTexts = []
    too_high: PlanTexts = []
    wrong: PlanTexts = []
    fixed: PlanTexts = []  # a new value within the limits after a pushback

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    _k = field_validator("context", "also", "unless")(classmethod(lambda cls, v: _lower(v)))
    _t = field_validator("too_low", "too_high", "wrong", "fixed")(classmethod(lambda cls, v: _check_texts(v)))

    @model_validator(mode="after")
    def _texts_for_limits(self) -> "Figure":
        if self.is_ is None and self.min is None and self.max is None:
            raise ValueError(f"figure '{self.id}': geef min, max of is")
        for limit, texts, name in ((self.min, self.too_low, "too_low"), (self.max, self.too_high, "too_high"),
                                   (self.is_, self.wrong, "wrong")):
            if limit is not None and not texts:
                raise ValueError(f"figure '{self.id}': {name} nodig (er is een grens of feit gegeven)")
        if (self.min is not None or self.max is not None) and not self.fixed:
            raise ValueError(f"figure '{self.id}': fixed nodig (wat de teamleider zegt na een bijgestelde waarde)")
        return self

    def verdict(self, value: float) -> str:
        """ok, too_low, too_high or wrong."""
        if self.is_ is not None:
            return "ok" if abs(value - self.is_) <= abs(self.is_) * self.tolerance + 1e-9 else "wrong"
        if self.min is not None and value < self.min - 1e-9:
            return "too_low"
        if self.max is not None and value > self.max + 1e-9:
            return "too_high"
        return "ok"

    def limit_for(self, verdict: str) -> float | None:
        return {"too_low": self.min, "too_high": self.max, "wrong": self.is_}.get(verdict)


class BlockedDate(_Strict):
    """Days on which no activity can be planned (a trade fair, a closed day)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    start: str  # MM-DD
    end: str | None = None  # MM-DD, inclusive; default: one day
    keywords: list[str] = []  # the student names the reason itself ("op de beurs sta ik"): no conflict
    topic: str | None = None  # a clash makes this part not concrete yet (the planning)
    texts: PlanTexts = Field(min_length=1)  # the team leader points it out
    fixed: PlanTexts = Field(min_length=1)  # the student moved it

    _t = field_validator("texts", "fixed")(classmethod(lambda cls, v: _check_texts(v)))
    _k = field_validator("keywords")(classmethod(lambda cls, v: _lower(v)))

    @field_validator("start", "end")
    @classmethod
    def _month_day(cls, value: str | None) -> str | None:
        if value is not None and not _MONTH_DAY.match(value):
            raise ValueError(f"'{value}' moet de vorm MM-DD hebben, bijv. 03-16")
        return value

    def covers(self, iso_date: str) -> bool:
        month_day = iso_date[5:10]
        return self.start <= month_day <= (self.end or self.start)


class PlanLevel(_Strict):
    required: list[str] = Field(min_length=1)  # topic ids the plan must cover for approval
    concrete: list[str] = []  # of those, topics that must be concrete
    # Her criticism when the plan gave her nothing to push back on yet: the first of these parts
    # (usually only_when_asked challenges) whose premise still holds (`unless_heard`) is required
    # too, unless she already had a pushback (a figure or a date that did not fit), so she is
    # critical once, about something the plan lacks.
    challenge: list[str] = []


class PlanLines(_Strict):
    """The team leader's own lines in the plan discussion."""

    reminder: PlanTexts = Field(min_length=1)  # an open pushback the student talked around
    worse: PlanTexts = Field(min_length=1)  # ja-maar / tegenspreken on a pushback
    summary_please: PlanTexts = Field(min_length=1)  # everything heard: she asks for a summary
    not_yet: PlanTexts = Field(min_length=1)  # approval asked too early ({waarde} = what is missing)
    not_yet_problem: PlanTexts = Field(min_length=1)  # approval asked with a pushback still open
    clarify: PlanTexts = Field(min_length=1)  # nothing in the turn relates to the plan
    off_topic: PlanTexts = Field(min_length=1)  # small talk or a question beside the plan: back to it
    insist: PlanTexts = Field(min_length=1)  # a part asked for twice already ({waarde} = its name)

    _t = field_validator("*")(classmethod(lambda cls, v: _check_texts(v)))


class Plan(_Strict):
    period: str  # Dutch, e.g. "maart"
    topics: list[Topic] = Field(min_length=1)  # in the order the team leader asks
    figures: list[Figure] = []
    blocked_dates: list[BlockedDate] = []
    approval_keywords: list[str] = Field(min_length=1)  # "akkoord", "aan de slag" ...: asking for approval
    levels: dict[Literal["makkelijk", "gemiddeld", "moeilijk"], PlanLevel]  # type: ignore[valid-type]
    lines: PlanLines

    _k = field_validator("approval_keywords")(classmethod(lambda cls, v: _lower(v)))

    @model_validator(mode="after")
    def _references(self) -> "Plan":
        topic_ids = [t.id for t in self.topics]
        figure_ids = [f.id for f in self.figures]
        for ids, kind in ((topic_ids, "topic"), (figure_ids, "figure"), ([b.id for b in self.blocked_dates], "blocked_date")):
            doubles = sorted({i for i in ids if ids.count(i) > 1})
            if doubles:
                raise ValueError(f"{kind}-id '{doubles[0]}' komt twee keer voor")
        for figure in self.figures:
            if figure.topic and figure.topic not in topic_ids:
                raise ValueError(f"figure '{figure.id}': topic '{figure.topic}' bestaat niet; kies uit: {', '.join(topic_ids)}")
        for blocked in self.blocked_dates:
            if blocked.topic and blocked.topic not in topic_ids:
                raise ValueError(f"blocked_date '{blocked.id}': topic '{blocked.topic}' bestaat niet")
        for topic in self.topics:
            for fid in (topic.concrete.figures if topic.concrete else []):
                if fid not in figure_ids:
                    raise ValueError(f"topic '{topic.id}': figure '{fid}' bestaat niet")
        for name, level in self.levels.items():
            for tid in [*level.required, *level.concrete, *level.challenge]:
                if tid not in topic_ids:
                    raise ValueError(f"levels.{name}: topic '{tid}' bestaat niet; kies uit: {', '.join(topic_ids)}")
        missing = [lvl for lvl in ("makkelijk", "gemiddeld", "moeilijk") if lvl not in self.levels]
        if missing:
            raise ValueError(f"levels: niveau '{missing[0]}' ontbreekt")
        return self

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def figure(self, figure_id: str) -> Figure | None:
        return next((f for f in self.figures if f.id == figure_id), None)

    def blocked(self, blocked_id: str) -> BlockedDate | None:
        return next((b for b in self.blocked_dates if b.id == blocked_id), None)

    def level(self, name: str) -> PlanLevel:
        return self.levels.get(name) or self.levels["gemiddeld"]
