"""Load and check the golden cases, so a typo in a quote fails loudly instead of scoring zero.

Every evidence quote must occur in one of its case's source documents (compared after the
same normalisation the scorer uses) and every fact must be stated by the evidence; each
problem is reported with the case id.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from assistant.config import LoadLimits
from assistant.evaluation.metrics import Fact, fact_present, normalise_for_comparison, parse_number
from assistant.ingest.document import LoadedDocument
from assistant.ingest.loaders import load_corpus
from assistant.ingest.site_furniture import drop_site_furniture

Kind = Literal["answerable", "unanswerable", "followup"]
Part = Literal["tuning", "test"]
# The fixed split of every golden set: a case is in the tuning part when the first bytes
# of the sha256 of its id, read as a number, fall in the first TUNING_SHARE of the range.
# Mechanisms, weights and thresholds are to be chosen on the tuning part and judged on the
# test part, which nothing is fitted to; `assistant eval` reports both.
TUNING_SHARE = 0.6


def case_part(case_id: str) -> Part:
    value = int.from_bytes(hashlib.sha256(case_id.encode()).digest()[:8], "big")
    return "tuning" if value < TUNING_SHARE * 2**64 else "test"


KINDS: tuple[Kind, ...] = ("answerable", "unanswerable", "followup")
ROLES = ("user", "assistant", "system")


class GoldenError(ValueError):
    """The golden file is malformed or disagrees with the corpus; the message names the cases."""


@dataclass(frozen=True)
class GoldenCase:
    id: str
    kind: Kind
    question: str
    sources: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    facts: tuple[Fact, ...] = ()
    tags: tuple[str, ...] = ()
    history: tuple[dict[str, str], ...] = ()


def read_corpus(corpus_dir: Path, limits: LoadLimits) -> dict[str, LoadedDocument]:
    """Every loadable corpus document by source name (what citations point into), as the
    indexer reads it (without its sites' furniture)."""
    return {
        item.source: item
        for item in drop_site_furniture(list(load_corpus(corpus_dir, limits)))
        if isinstance(item, LoadedDocument)
    }


def _strings(value: Any, field: str, allow_empty: bool = False) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"'{field}' must be a list of non-empty strings")
    if not value and not allow_empty:
        raise ValueError(f"'{field}' must not be empty")
    return tuple(value)


def _fact(value: Any) -> Fact:
    if isinstance(value, list):
        return Fact(_strings(value, "facts[]"))
    if isinstance(value, dict) and set(value) == {"any", "tolerance"}:
        aliases = _strings(value["any"], "facts[].any")
        tolerance = value["tolerance"]
        if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or tolerance < 0:
            raise ValueError("a fact's 'tolerance' must be a number >= 0")
        if any(parse_number(alias) is None for alias in aliases):
            raise ValueError(f"a fact with a tolerance needs numeric aliases, got {aliases}")
        return Fact(aliases, float(tolerance))
    raise ValueError(f'a fact is a list of aliases or {{"any": [...], "tolerance": x}}: {value!r}')


def _history(value: Any) -> tuple[dict[str, str], ...]:
    if not isinstance(value, list) or not value:
        raise ValueError("'history' must be a non-empty list of {role, content}")
    for turn in value:
        if not (
            isinstance(turn, dict)
            and turn.get("role") in ROLES
            and isinstance(turn.get("content"), str)
        ):
            raise ValueError(f"bad history turn {turn!r}: needs role {ROLES} and content")
    return tuple({"role": t["role"], "content": t["content"]} for t in value)


def parse_case(raw: Any) -> GoldenCase:
    """One case from its JSON object; ValueError says which field is wrong."""
    if not isinstance(raw, dict):
        raise ValueError("a case must be a JSON object")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise ValueError(f"'kind' must be one of {KINDS}, got {kind!r}")
    question = raw.get("question")
    if not isinstance(question, str) or not question.strip():
        raise ValueError("'question' must be a non-empty string")
    tags = _strings(raw.get("tags", []), "tags", allow_empty=True)
    if kind == "unanswerable":
        if raw.get("evidence") or raw.get("facts"):
            raise ValueError("an unanswerable case has no 'evidence' or 'facts'")
        return GoldenCase(raw["id"], kind, question, tags=tags)
    source = raw.get("source")
    sources = _strings([source] if isinstance(source, str) else source, "source")
    facts = raw.get("facts")
    if not isinstance(facts, list) or not facts:
        raise ValueError("'facts' must be a non-empty list")
    return GoldenCase(
        id=raw["id"],
        kind=cast(Kind, kind),
        question=question,
        sources=sources,
        evidence=_strings(raw.get("evidence"), "evidence"),
        facts=tuple(_fact(fact) for fact in facts),
        tags=tags,
        history=_history(raw.get("history")) if kind == "followup" else (),
    )


def _corpus_problems(case: GoldenCase, documents: Mapping[str, str]) -> list[str]:
    """Sources missing from the corpus, quotes not in their sources, facts not in evidence."""
    missing = [source for source in case.sources if source not in documents]
    if missing:
        return [f"source {source!r} is not a loadable corpus document" for source in missing]
    texts = [normalise_for_comparison(documents[source]) for source in case.sources]
    problems = [
        f"evidence quote not found in {', '.join(case.sources)}: {quote!r}"
        for quote in case.evidence
        if not any(normalise_for_comparison(quote) in text for text in texts)
    ]
    stated = " ".join(case.evidence)
    problems += [
        f"fact {fact} is not stated by its evidence"
        for fact in case.facts
        if not fact_present(stated, fact)
    ]
    return problems


def load_golden(path: Path, documents: Mapping[str, str]) -> list[GoldenCase]:
    """All cases of a JSONL file, checked against the corpus texts; GoldenError lists problems."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise GoldenError(f"cannot read golden file {path}: {error}") from error
    cases: list[GoldenCase] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path.name}:{number}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"{where}: invalid JSON ({error.msg})")
            continue
        case_id = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(case_id, str) or not case_id.strip():
            problems.append(f"{where}: a case needs a non-empty string 'id'")
            continue
        where = f"{where} case {case_id}"
        if case_id in seen:
            problems.append(f"{where}: duplicate id")
            continue
        seen.add(case_id)
        try:
            case = parse_case(raw)
        except ValueError as error:
            problems.append(f"{where}: {error}")
            continue
        problems += [f"{where}: {problem}" for problem in _corpus_problems(case, documents)]
        cases.append(case)
    if not cases and not problems:
        problems.append(f"{path}: no cases")
    if problems:
        raise GoldenError(f"{path} has {len(problems)} problem(s):\n" + "\n".join(problems))
    return cases
