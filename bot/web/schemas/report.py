"""The feedback report (docs/contracts.md §6, bot.feedback.build_report) and the progress over
attempts (bot.feedback.progress), as the student's API returns them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from bot.web.schemas.common import Strict

Trend = Literal["stijgend", "dalend", "stabiel", "onbekend"]


class RecogniserEvidence(Strict):
    label: str
    name: str = Field(description="Nederlandse naam van het label.")
    rule: str
    text: str
    how: str = Field(description="Hoe het label herkend is (regel of getraind model).")


class Check(Strict):
    id: str
    text: str
    passed: bool | None = Field(description="null: niet van toepassing in dit gesprek.")
    points: int | None
    max: int
    weight: float
    evidence_turn: int | None
    quote: str | None
    competencies: list[str]
    werkprocessen: list[str]
    resultaat: str | None = Field(description="Het BCP-resultaat waar de check bij hoort.")
    kind: str
    recogniser_evidence: list[RecogniserEvidence]


class FeedbackItem(Strict):
    turn: int | None = Field(description="De beurt van de student; null voor het hele gesprek.")
    quote: str | None
    text: str
    suggestion: str | None
    competency: str | None
    kind: Literal["goed", "verbeterpunt"]
    check: str
    customer_quote: str | None
    reden: Literal["verboden"] | None = Field(default=None, description="Alleen als een verboden zet de doorslag gaf.")


class MissedSignal(Strict):
    turn: int | None
    signal: str
    quote: str | None
    reply: str | None
    kind: Literal["koopsignaal_gemist", "bezwaar_niet_behandeld", "klacht_niet_behandeld", "gemist_volgens_klant",
                  "bezwaar_open"]
    name: str
    objection: str | None = Field(default=None, description="Alleen bij bezwaar_open: het bezwaar van het scenario.")


class Report(Strict):
    scenario: str
    mode: str
    werkprocessen: list[str]
    rubrics: list[str]
    turns: int
    score: int | None = Field(description="0-100; null als geen check van toepassing was.")
    formula: str
    focus_competencies: list[str]
    competencies: dict[str, int | None] = Field(description="Alle elf BCP-competenties, 0-100 of null.")
    checks: list[Check]
    feedback: list[FeedbackItem]
    missed_signals: list[MissedSignal]
    outcome: str | None = Field(description="Slot uitkomst aan het eind (order, afspraak, geen_deal, ...).")


class ProgressPoint(Strict):
    attempt: int
    date: str | None = Field(description="Wanneer de poging afgerond werd (ISO 8601).")
    scenario: str | None
    score: int


class ProgressSeries(Strict):
    points: list[ProgressPoint]
    trend: Trend


class Progress(Strict):
    attempts: int
    score: ProgressSeries
    competencies: dict[str, ProgressSeries]
    werkprocessen: dict[str, ProgressSeries]


class NoProgress(Strict):
    """`{}`: nog geen afgerond gesprek."""
