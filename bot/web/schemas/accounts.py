"""Who is practising: the guest sign-in, /me and sign-out; the student's klassen."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from bot.web.schemas.common import Mode, Strict


class Student(Strict):
    id: str
    display_name: str
    kind: str = Field(description="guest, header (school), lti of rest.", examples=["guest"])


class GuestSession(Strict):
    student: Student
    csrf_token: str = Field(description="Stuur mee als header X-CSRF-Token bij schrijfverzoeken met de cookie.")
    token: str = Field(description="Bearer-token (alternatief voor de cookie; dan is geen CSRF-token nodig).")


class Me(Strict):
    student: Student
    csrf_token: str
    guest_access: bool


class SignedOut(Strict):
    status: Literal["afgemeld"]


class GroupRef(Strict):
    id: str
    name: str


class AssignmentView(Strict):
    scenario: str
    difficulty: str | None
    mode: Mode
    deadline: datetime | None
    group: str


class MyGroups(Strict):
    groups: list[GroupRef]
    assignments: list[AssignmentView]


class StudentExport(Strict):
    """Alles wat over één student is opgeslagen (AVG-inzage), als download voor de docent:
    de rijen van de database zoals ze zijn."""

    student: dict[str, object]
    groups: list[dict[str, object]]
    conversations: list[dict[str, object]]
    audit_log: list[dict[str, object]]
    exported_at: datetime
