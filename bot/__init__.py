"""Oefengesprek: a Dutch practice partner for inside-sales students."""

__version__ = "0.1.0"
