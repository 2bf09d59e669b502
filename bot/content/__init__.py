"""Loading content files (YAML) with line numbers and clear, located errors."""

from bot.content.errors import ContentError, ContentErrors
from bot.content.yamlfile import load_yaml, line_of
from bot.content.validation import validate

__all__ = ["ContentError", "ContentErrors", "load_yaml", "line_of", "validate"]
