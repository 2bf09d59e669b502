"""One router per module; bot.web.app includes them all."""
