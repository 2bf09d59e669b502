"""Pydantic models for the profile files in profile/ (the BCP as data).

Each model mirrors one YAML shape; extra fields are forbidden so that a typo in a key
is reported (with file and line) instead of silently ignored. The models are frozen:
the loaded profile is shared by the whole process.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

WERKPROCES_CODE = re.compile(r"^[1-9]\.[1-9]$")


def _not_blank(value: str) -> str:
    value = unicodedata.normalize("NFC", value).strip()  # 'ï' typed as i + combining mark
    if not value:
        raise ValueError("mag niet leeg zijn")
    return value


def _werkproces_code(value: object) -> object:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(
            f'werkprocescode {value} moet tussen aanhalingstekens staan, bijvoorbeeld "2.3"'
        )
    if isinstance(value, str) and not WERKPROCES_CODE.match(value.strip()):
        raise ValueError(f"'{value}' is geen werkprocescode; verwacht zoiets als \"2.3\"")
    return value.strip() if isinstance(value, str) else value


def _a_list(value: object) -> object:
    if not isinstance(value, (list, tuple)):
        raise ValueError("moet een lijst zijn (regels die beginnen met '- ')")
    if not value:
        raise ValueError("lijst mag niet leeg zijn")
    return value


def _shl_code(value: object) -> object:
    if value is not None and not (isinstance(value, str) and re.fullmatch(r"[A-Y]", value)):
        raise ValueError("SHL-code moet één hoofdletter A t/m Y zijn, of null")
    return value


def _kerntaak_code(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 9:
        raise ValueError("kerntaaknummer moet een geheel getal van 1 tot en met 9 zijn")
    return value


Text = Annotated[str, AfterValidator(_not_blank)]
Code = Annotated[str, BeforeValidator(_werkproces_code)]
KerntaakCode = Annotated[int, BeforeValidator(_kerntaak_code)]
ShlCode = Annotated[str | None, BeforeValidator(_shl_code)]


def Many(item: type) -> type:  # noqa: N802 - reads like a type in the models below
    """A non-empty list in YAML, kept as an immutable tuple."""
    return Annotated[tuple[item, ...], BeforeValidator(_a_list)]


TextList = Many(Text)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- beroep.yml

class Passage(_Model):
    """A question from the BCP template (or none) and the source text that answers it."""

    vraag: Text | None
    tekst: Text
    bron: Text | None = None


class Onderdeel(_Model):
    onderwerp: Text
    passages: Many(Passage)


class Trends(_Model):
    inleiding: Text
    onderdelen: Many(Onderdeel)


class Bron(_Model):
    titel: Text
    ontwikkeld_door: Text
    in_opdracht_van: Text
    vastgesteld_door: Text
    vastgesteld_op: Text
    vastgesteld_te: Text
    brondocumenten: TextList


class Beroep(_Model):
    naam: Text
    bron: Bron
    functiebenamingen: TextList
    beschrijving: Many(Onderdeel)
    loopbaanperspectief: Many(Passage)
    trends_en_innovaties: Trends

    def onderdeel(self, onderwerp: str) -> Onderdeel:
        """A part of 1.2 'Beschrijving van het beroep' by its heading, e.g. 'Werkomgeving'."""
        for part in self.beschrijving:
            if part.onderwerp == onderwerp:
                return part
        raise KeyError(onderwerp)


class BeroepFile(_Model):
    beroep: Beroep


# ---------------------------------------------------------------- kerntaken.yml

class Kerntaak(_Model):
    code: KerntaakCode
    title: Text


class Toelichting(_Model):
    kerntaak: Text
    werkproces: Text


class KerntakenFile(_Model):
    toelichting: Toelichting
    kerntaken: Many(Kerntaak)


# ---------------------------------------------------------------- competenties.yml

class Competency(_Model):
    """A competency as the BCP names it. The source gives no SHL code or description."""

    name: Text
    shl_code: ShlCode = None
    omschrijving: Text | None = None


class CompetentiesFile(_Model):
    competencies: Many(Competency)


# ---------------------------------------------------------------- werkprocessen.yml

class Vakkennis(_Model):
    """'Vakkennis en vakvaardigheden' of one werkproces."""

    kennis: TextList
    vaardigheden: TextList


class Werkproces(_Model):
    code: Code
    title: Text
    title_overzicht: Text | None = None
    kerntaak: KerntaakCode
    omschrijving: Text
    competencies: TextList
    resultaat: TextList
    vakkennis: Vakkennis


class WerkprocessenFile(_Model):
    werkprocessen: Many(Werkproces)
