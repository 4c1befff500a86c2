"""The golden set's questions respelled the British way, to measure spelling robustness.

    python evals/british_spellings.py evals/golden-licenses.jsonl /tmp/golden-licenses-gb.jsonl

Writes the answerable and unanswerable cases whose question changes ("License" ->
"Licence", "color" -> "colour", "program" -> "programme"), each word through breame's
American-to-British list; code names (GREP_COLOR, sys.path) and words in capitals stay as
written. Run `assistant eval --golden` on the result beside the set as written.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from breame.data.spelling_constants import AMERICAN_ENGLISH_SPELLINGS

# A word on its own: not part of a dotted or underscored name, nor a call.
_WORD = re.compile(r"(?<![\w.])[A-Za-z]+(?![\w.(])")


def british(text: str) -> str:
    """The text with each lower-case or capitalised American spelling made British."""

    def respelled(match: re.Match[str]) -> str:
        word = match.group()
        spelled = AMERICAN_ENGLISH_SPELLINGS.get(word.lower())
        if spelled is None or not (word.islower() or word.istitle()):
            return word
        return spelled.capitalize() if word[0].isupper() else spelled

    return _WORD.sub(respelled, text)


def main(source: Path, target: Path) -> int:
    cases = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    respelled = [
        {**case, "question": british(case["question"])}
        for case in cases
        if case.get("kind") != "followup" and british(case["question"]) != case["question"]
    ]
    target.write_text("".join(json.dumps(case) + "\n" for case in respelled), encoding="utf-8")
    print(f"{len(respelled)} of {len(cases)} questions respelled into {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]), Path(sys.argv[2])))
