"""Request bodies of the JSON API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from bot.vocabulary import PRACTICE
from bot.web.schemas.common import Mode


class GuestLogin(BaseModel):
    display_name: str = Field(description="Naam die de student zelf kiest (1-60 tekens).", examples=["Sanne"])


class StartSession(BaseModel):
    scenario: str = Field(max_length=120, examples=["2.3-inbound-printer"])
    difficulty: str | None = Field(default=None, max_length=20, examples=["gemiddeld"])
    mode: Mode = PRACTICE


class JoinGroup(BaseModel):
    code: str = Field(max_length=30, description="De klascode van je docent, bijvoorbeeld KLAS-7Q4M.",
                      examples=["KLAS-7Q4M"])


class SendMessage(BaseModel):
    text: str = Field(description="Wat de student zegt (maximaal 2000 tekens).", examples=["Goedemorgen, met Sanne."])


class RasaMetadata(BaseModel):
    """Wat het REST-kanaal uit `metadata` leest (andere sleutels mogen, en worden genegeerd)."""

    model_config = ConfigDict(extra="allow")

    scenario: str | None = Field(default=None, max_length=120, description="Scenario voor een nieuw gesprek.")
    difficulty: str | None = Field(default=None, max_length=20)
    mode: str | None = Field(default=None, max_length=10, description="'oefenen' of 'toets'.")
    message_id: str | int | None = Field(
        default=None, description="Id van dit bericht: opnieuw versturen met hetzelfde id geeft het opgeslagen antwoord."
    )


class RasaMessage(BaseModel):
    sender: str = Field(min_length=1, max_length=200)
    message: str
    metadata: RasaMetadata | None = None
