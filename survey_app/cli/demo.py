"""Demo data."""

from flask import Flask


def register(app: Flask) -> None:
    return None
