"""The loaded professional profile: lookups by code and name, and JSON output."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.bcp.models import Beroep, Competency, Kerntaak, Toelichting, Werkproces


@dataclass(frozen=True)
class Profile:
    """The BCP Commercieel medewerker binnendienst, validated and cross-checked.

    Tuples are in profile order: kerntaken and werkprocessen by code, competencies in
    the order of profile/competenties.yml.
    """

    beroep: Beroep
    toelichting: Toelichting
    kerntaken: tuple[Kerntaak, ...]
    werkprocessen: tuple[Werkproces, ...]
    competencies: tuple[Competency, ...]
    _werkproces_by_code: dict[str, Werkproces] = field(init=False, repr=False, compare=False)
    _kerntaak_by_code: dict[int, Kerntaak] = field(init=False, repr=False, compare=False)
    _competency_by_name: dict[str, Competency] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen dataclass: fill the indexes once
        set_(self, "_werkproces_by_code", {w.code: w for w in self.werkprocessen})
        set_(self, "_kerntaak_by_code", {k.code: k for k in self.kerntaken})
        set_(self, "_competency_by_name", {c.name: c for c in self.competencies})

    # ------------------------------------------------------------ lookups

    def werkproces(self, code: str) -> Werkproces:
        """Werkproces by code, e.g. "2.3". KeyError for a code the BCP does not have."""
        try:
            return self._werkproces_by_code[str(code).strip()]
        except KeyError:
            raise KeyError(
                f"onbekend werkproces '{code}'; het BCP kent: {', '.join(self._werkproces_by_code)}"
            ) from None

    def kerntaak(self, code: int | str) -> Kerntaak:
        """Kerntaak by number (1, 2, 3; "2" works too). KeyError otherwise."""
        try:
            return self._kerntaak_by_code[int(code)]
        except (KeyError, ValueError, TypeError):
            raise KeyError(f"onbekende kerntaak '{code}'") from None

    def competency(self, name: str) -> Competency:
        """Competency by its exact BCP name. KeyError otherwise."""
        try:
            return self._competency_by_name[name]
        except KeyError:
            raise KeyError(f"onbekende competentie '{name}'") from None

    def competency_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.competencies)

    def werkprocessen_of(self, kerntaak: int | str) -> tuple[Werkproces, ...]:
        """The werkprocessen of one kerntaak, in code order."""
        number = self.kerntaak(kerntaak).code
        return tuple(w for w in self.werkprocessen if w.kerntaak == number)

    def werkprocessen_using(self, competency: str) -> tuple[Werkproces, ...]:
        """The werkprocessen that name this competency, in code order."""
        name = self.competency(competency).name
        return tuple(w for w in self.werkprocessen if name in w.competencies)

    # ------------------------------------------------------------ output

    def to_json(self) -> dict[str, Any]:
        """The whole profile as plain JSON-ready data (lists, dicts, str, int, None)."""
        return {
            "beroep": self.beroep.model_dump(mode="json"),
            "toelichting": self.toelichting.model_dump(mode="json"),
            "kerntaken": [
                {**k.model_dump(mode="json"), "werkprocessen": [w.code for w in self.werkprocessen_of(k.code)]}
                for k in self.kerntaken
            ],
            "werkprocessen": [w.model_dump(mode="json") for w in self.werkprocessen],
            "competencies": [
                {**c.model_dump(mode="json"), "werkprocessen": [w.code for w in self.werkprocessen_using(c.name)]}
                for c in self.competencies
            ],
        }
