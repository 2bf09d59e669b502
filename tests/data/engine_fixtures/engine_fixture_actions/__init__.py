"""Custom actions for the engine's fixture content (tests only)."""

from engine_fixture_actions.actions import *  # noqa: F401,F403
