"""Text normalisation for matching names, numbers and phrases across differently typed text."""

from __future__ import annotations

import re

# The one pattern for a number as written: digits with thousands separators or decimals.
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_TRAILING_ZEROS = re.compile(r"(?<=\d)(?:\.0)+$")  # "2.0", "8.0.0"


def without_trailing_zeros(number: str) -> str:
    """A version or number without the ".0" parts that end it ("2.0" -> "2", "8.0.0" -> "8"):
    what "Apache 2" and `Apache-2.0` share."""
    return _TRAILING_ZEROS.sub("", number)


def normalise_number(text: str) -> str:
    """'2,000' -> '2000' but '5.3' stays; a comma followed by other than 3 digits is a decimal."""
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", text):
        return text.replace(",", "")
    return text.replace(",", ".")


def normalise_for_matching(text: str) -> str:
    """Lower case, straight quotes, no possessives, numbers normalised, single spaces, padded
    with a space each side: the form `names_figures.occurs` searches whole words in."""
    text = text.replace("’", "'").replace("“", '"').replace("”", '"').lower()
    text = NUMBER.sub(lambda match: normalise_number(match.group()), text)
    return " " + re.sub(r"\s+", " ", re.sub(r"'s\b", "", text)) + " "
