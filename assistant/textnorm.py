"""Text normalisation shared by the lexical index and the name and number checks."""

from __future__ import annotations

import re

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def normalise_number(text: str) -> str:
    """'2,000' -> '2000' but '5.3' stays; a comma followed by other than 3 digits is a decimal."""
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", text):
        return text.replace(",", "")
    return text.replace(",", ".")


def normalise(text: str) -> str:
    """Lower case, straight quotes, no possessives, numbers normalised, single spaces."""
    text = text.replace("’", "'").replace("“", '"').replace("”", '"').lower()
    text = NUMBER.sub(lambda match: normalise_number(match.group()), text)
    return " " + re.sub(r"\s+", " ", re.sub(r"'s\b", "", text)) + " "
