"""Custom actions (rasa_sdk) that play the persona of a scenario.

Run in-process through rasa_sdk's ActionExecutor (register_package("actions")) or as an
action server: `python -m rasa_sdk --actions actions`. The actions are generic; all
behaviour comes from domain/scenarios/*.yml (bot.scenarios). Pure logic lives in
actions/persona/; each action module is a thin rasa_sdk wrapper around it.
"""
