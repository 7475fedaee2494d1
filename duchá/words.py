"""English agreement for messages: "1 day" but "2 days", "an item" but "a plan entry"."""

from __future__ import annotations


def count(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and the noun in the number that agrees with it."""
    return f"{n} {noun if abs(n) == 1 else plural or noun + 's'}"


def a(noun: str) -> str:
    """The noun with its indefinite article (by spelling, which fits every noun we use)."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"
