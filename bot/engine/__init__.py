"""The dialog engine: runs Rasa 3.x content (domain/rasa, stories/) with rasa_sdk actions.

    from bot.engine.session import start, step, finish      # the façade (contracts §5)
    from bot.engine.engine import Engine, get_engine         # the engine itself
"""
