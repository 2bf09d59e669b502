"""Scenarios as data: models and loader (contract: docs/contracts.md §4)."""

from bot.scenarios.loader import clear_cache, get_scenario, load_scenarios, scenarios_dir
from bot.scenarios.models import LEVELS, OUTCOMES, ROLES, SUCCESS_OUTCOMES, Scenario

__all__ = [
    "LEVELS",
    "OUTCOMES",
    "ROLES",
    "SUCCESS_OUTCOMES",
    "Scenario",
    "clear_cache",
    "get_scenario",
    "load_scenarios",
    "scenarios_dir",
]
