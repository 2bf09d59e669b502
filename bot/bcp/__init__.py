"""The professional profile (BCP Commercieel medewerker binnendienst, ECABO 2010) as data.

    from bot.bcp import load_profile, competency_names
    p = load_profile()            # cached once per process (per content folder)
    p.werkproces("2.3").competencies
    competency_names()            # the 11 exact names, profile order
    werkproces_codes()            # the 12 codes "1.1" ... "3.3"

The data lives in profile/*.yml; this package only loads, validates and looks up.
"""

from bot.bcp.loader import (
    EXPECTED_COMPETENCIES,
    EXPECTED_KERNTAKEN,
    EXPECTED_WERKPROCESSEN,
    PROFILE_FILES,
    clear_cache,
    competency_names,
    load_profile,
    read_profile,
    werkproces_codes,
)
from bot.bcp.models import Beroep, Competency, Kerntaak, Vakkennis, Werkproces
from bot.bcp.profile import Profile

__all__ = [
    "EXPECTED_COMPETENCIES",
    "EXPECTED_KERNTAKEN",
    "EXPECTED_WERKPROCESSEN",
    "PROFILE_FILES",
    "Beroep",
    "Competency",
    "Kerntaak",
    "Profile",
    "Vakkennis",
    "Werkproces",
    "clear_cache",
    "competency_names",
    "load_profile",
    "read_profile",
    "werkproces_codes",
]
