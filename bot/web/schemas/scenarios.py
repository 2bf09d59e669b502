"""The scenarios as the picker and the chat header see them (docs/contracts.md §4)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from bot.web.schemas.common import Mode, Strict


class PersonaSummary(Strict):
    name: str
    company: str
    function: str


class StudentCompany(Strict):
    name: str
    sells: str


class ScenarioSummary(Strict):
    """Zoals `oefengesprek scenarios --json` het geeft."""

    id: str
    title: str
    role: str
    initiative: Literal["persona", "student"]
    werkprocessen: list[str]
    competencies: list[str]
    difficulties: list[str]
    default_difficulty: str
    persona: PersonaSummary
    student_company: StudentCompany
    briefing: str
    goal: str
    briefing_form: bool
    practice_hints: bool
    counterpart: str = Field(description="Met wie de student praat: klant, leverancier of (1.2) de functie.")


class Persona(Strict):
    name: str | None
    company: str | None


class ScenarioBrief(Strict):
    """Wat de kop van het gesprek over het scenario toont."""

    id: str
    title: str
    role: str
    werkprocessen: list[str]
    persona: Persona
    briefing: str


class ScenarioInfo(Strict):
    """Een scenario in de keuzelijst."""

    id: str
    title: str
    role: str
    werkprocessen: list[str]
    competencies: list[str]
    difficulties: list[str]
    persona: Persona
    briefing: str
    werkproces_titles: dict[str, str]
    summary: ScenarioSummary


class ScenarioList(Strict):
    scenarios: list[ScenarioInfo]
    modes: list[Mode]
