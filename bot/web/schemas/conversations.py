"""What the conversation routes answer (bot.web.conversations builds these bodies as dicts;
the routes return them ready, see bot/web/routes/sessions.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from bot.web.schemas.common import Mode, Speaker, Status, Strict
from bot.web.schemas.report import NoProgress, Progress, Report
from bot.web.schemas.scenarios import ScenarioBrief


class Entity(Strict):
    entity: str = Field(description="bedrag, percentage, aantal, datum, weekdag of product.")
    value: Any = Field(description="Genormaliseerd: getal, ISO-datum, dagnaam of product-id.")
    start: int
    end: int
    text: str
    extractor: str


class Evidence(Strict):
    label: str
    rule: str
    text: str


class Reaction(Strict):
    verdict: Literal["goed", "matig", "fout"]
    reason: str
    competencies: list[str]
    signal: str
    rule: str


class Analysis(Strict):
    """Wat de herkenner in een zin van de student zag (docs/contracts.md §1)."""

    speaker: str
    text: str
    labels: list[str]
    intent: str
    entities: list[Entity]
    evidence: list[Evidence]
    reaction: Reaction | None = Field(default=None,
                                      description="Alleen als de zin op een signaal van de klant reageert.")


class Message(Strict):
    seq: int
    turn: int = Field(description="De beurt van de student (0: de opening).")
    speaker: Speaker
    text: str
    created_at: datetime
    reason: str | None = Field(default=None, description="Alleen bij klant, leverancier of coach: waarom de zin "
                                                         "gezegd werd (objection, question, ...), of null.")
    analysis: Analysis | None = Field(default=None, description="Alleen bij de student, in oefenmodus of na afloop.")
    hint: str | None = Field(default=None, description="Alleen bij de student, in oefenmodus of na afloop.")


class Conversation(Strict):
    """Een gesprek zoals het net gestart is."""

    id: str
    scenario: str
    scenario_info: ScenarioBrief | None
    difficulty: str | None
    mode: Mode
    status: Status
    finished: bool
    student_turns: int
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    messages: list[Message]
    report: Report | None


class TeacherComment(Strict):
    turn: int | None
    text: str
    teacher: str
    at: datetime | None


class AdjustedScore(Strict):
    score: int = Field(description="De score die de docent gaf (0-100).")
    reason: str
    teacher: str
    at: datetime | None
    machine_score: int | None


class TeacherFeedback(Strict):
    comments: list[TeacherComment]
    adjusted_score: AdjustedScore | None


class ConversationDetail(Conversation):
    """Een gesprek met transcript, rapport en (als een docent het bekeek) diens feedback."""

    teacher_feedback: TeacherFeedback | None


class TurnReply(Strict):
    """Eén beurt: het bericht van de student en de reactie van de klant."""

    id: str
    student_message: Message
    messages: list[Message]
    finished: bool
    status: Status
    analysis: Analysis | None = Field(default=None, description="Alleen in oefenmodus.")
    hint: str | None = Field(default=None, description="Alleen in oefenmodus.")
    report: Report | None = Field(default=None, description="Alleen als het gesprek met deze beurt eindigde.")


class Ended(Strict):
    id: str
    status: Status
    finished: Literal[True]
    report: Report


class ConversationSummary(Strict):
    id: str
    scenario: str
    mode: Mode
    difficulty: str | None
    status: Status
    student_turns: int
    score: int | None
    created_at: datetime
    finished_at: datetime | None


class ConversationList(Strict):
    sessions: list[ConversationSummary]


class Attempt(Strict):
    id: str
    scenario: str
    finished_at: datetime | None
    score: int | None


class MyProgress(Strict):
    attempts: list[Attempt]
    progress: Progress | NoProgress = Field(
        description="Per competentie en werkproces; {} zolang er geen afgerond gesprek is.")
