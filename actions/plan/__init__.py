"""The plan discussion (werkproces 1.2): the team leader the student presents a plan to.

`reading` reads a student message against the scenario's `plan:` data; `discussion` plays
the team leader's turn (asks for the next part, pushes back on figures that do not fit,
approves a complete plan). actions/planbespreking.py is the rasa_sdk action around it.
"""
