"""Training of the recogniser's statistical helper (see textcat.py)."""
