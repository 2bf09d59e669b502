"""The label contract, loaded from domain/labels.yml (validated at load time)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from bot.content import load_yaml, validate
from bot.paths import domain_dir
from bot.vocabulary import SPEAKERS, SPEAKERS_WITH_SIGNALS, STUDENT  # noqa: F401 - re-exported

VERDICTS = ("goed", "matig", "fout")


class Signal(BaseModel):
    model_config = ConfigDict(extra="forbid")
    groep: Literal["koopsignaal", "interessesignaal", "weerstand", "klacht"]
    omschrijving: str


class LabelContract(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int
    signalen: dict[str, Signal]
    zetten: dict[str, str]
    vraag_voorrang: list[str]
    oordelen: dict[str, str]

    @field_validator("signalen")
    @classmethod
    def _signal_names(cls, value: dict[str, Signal]) -> dict[str, Signal]:
        for name, signal in value.items():
            if signal.groep in ("koopsignaal", "weerstand") and not name.startswith(signal.groep + "."):
                raise ValueError(f"signaal '{name}' hoort te beginnen met '{signal.groep}.'")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "LabelContract":
        unknown = [m for m in self.vraag_voorrang if m not in self.zetten]
        if unknown:
            raise ValueError(f"vraag_voorrang noemt onbekende zetten: {', '.join(unknown)}")
        if tuple(self.oordelen) != VERDICTS:
            raise ValueError(f"oordelen moeten precies {', '.join(VERDICTS)} zijn")
        return self

    @property
    def signals(self) -> tuple[str, ...]:
        return tuple(self.signalen)

    @property
    def moves(self) -> tuple[str, ...]:
        return tuple(self.zetten)

    def group_of(self, signal: str) -> str:
        return self.signalen[signal].groep


@lru_cache(maxsize=None)
def label_contract() -> LabelContract:
    path = domain_dir() / "labels.yml"
    return validate(LabelContract, load_yaml(path), path)
