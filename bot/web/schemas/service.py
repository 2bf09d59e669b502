"""The scenario list, health and readiness, the Rasa REST channel and the LTI key set."""

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
    """`oefengesprek scenarios --json` (docs/contracts.md §4)."""

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


class ScenarioPersona(Strict):
    name: str | None
    company: str | None


class ScenarioInfo(Strict):
    id: str
    title: str
    role: str
    werkprocessen: list[str]
    competencies: list[str]
    difficulties: list[str]
    persona: ScenarioPersona
    briefing: str
    werkproces_titles: dict[str, str]
    summary: ScenarioSummary


class ScenarioList(Strict):
    scenarios: list[ScenarioInfo]
    modes: list[Mode]


class Alive(Strict):
    status: Literal["ok"]


class Readiness(Strict):
    status: Literal["ok", "niet klaar"]
    checks: dict[str, str] = Field(description="database, scenarios en engine: 'ok' of wat er mis is.")


class RestReply(Strict):
    """Eén bericht terug, zoals Rasa's REST-kanaal (alleen tekst)."""

    recipient_id: str
    text: str


class JsonWebKey(Strict):
    kty: str
    kid: str
    alg: str
    use: str
    n: str
    e: str
    key_ops: list[str] | None = None


class KeySet(Strict):
    keys: list[JsonWebKey]
