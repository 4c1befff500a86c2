"""Load and check the golden cases, so a typo in a quote fails loudly instead of scoring zero.

Every evidence quote must occur in one of its case's source documents (compared after the
same normalisation the scorer uses) and every fact must be stated by the evidence; each
problem is reported with the case id. The analyst questions (`ANALYST_TAGS`) have fields of
their own (items, points, sides ...), checked the same way: what a case expects an answer to
state must be stated by its evidence, and a timeline's items must stand in date order.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from assistant.config import LoadLimits
from assistant.evaluation.metrics import (
    Fact,
    Side,
    date_before,
    fact_present,
    normalise_for_comparison,
    parse_number,
)
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
# The analyst questions of issue 27, each scored by its own metric (runner.py) and left out of
# the single-fact figures (hit@k, fact recall ...), which stay comparable across runs. A case
# has at most one of these tags; `followup-lead` is a follow-up, the others are answerable.
ANALYST_TAGS = ("overview", "list", "timeline", "comparison", "mismatch", "followup-lead")
# The fields each analyst tag takes (besides the usual ones); no other case may have them.
_ANALYST_FIELDS = {
    "overview": ("points", "min_documents"),
    "list": ("items", "exclude"),
    "timeline": ("items", "dates"),
    "comparison": ("sides",),
    "mismatch": ("unstated",),
    "followup-lead": ("subject",),
}
# Tags whose facts are made from their own fields (items, points, sides): `facts` is left out.
_DERIVED_FACTS = ("overview", "list", "timeline", "comparison")
# A timeline item's date: its document's published date, or the year or month of it.
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


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
    # Analyst questions (CASES.md): a list's or timeline's expected items (a timeline's in date
    # order, one per source, with each source's date), items a list must leave out, an
    # overview's points and least number of cited documents, a comparison's sides, what a
    # mismatch's documents do not state, and the subject a follow-up's answer must lead with.
    items: tuple[Fact, ...] = ()
    dates: tuple[str, ...] = ()
    exclude: tuple[Fact, ...] = ()
    points: tuple[Fact, ...] = ()
    min_documents: int = 0
    sides: tuple[Side, ...] = ()
    unstated: Fact | None = None
    subject: Fact | None = None

    @property
    def analyst_tag(self) -> str | None:
        """The case's analyst tag (`ANALYST_TAGS`), None for a single-fact case."""
        return next((tag for tag in self.tags if tag in ANALYST_TAGS), None)


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


def _facts(value: Any, field: str) -> tuple[Fact, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError(f"'{field}' must be a non-empty list")
    return tuple(_fact(fact) for fact in value)


def _side(value: Any) -> Side:
    if not isinstance(value, dict) or "name" not in value:
        raise ValueError(f"a side is {{name, facts}} or {{name, unanswered: true}}: {value!r}")
    name = Fact(_strings(value["name"], "sides[].name"))
    unanswered = value.get("unanswered", False)
    if unanswered is not True and unanswered is not False:
        raise ValueError("a side's 'unanswered' must be true or false")
    if unanswered:
        if "facts" in value:
            raise ValueError("an unanswered side has no 'facts'")
        return Side(name, unanswered=True)
    return Side(name, _facts(value.get("facts"), "sides[].facts"))


def _analyst_fields(raw: dict[str, Any], tag: str | None, kind: str) -> dict[str, Any]:
    """The analyst fields of a case, parsed; ValueError for a field its tag does not take."""
    allowed = _ANALYST_FIELDS.get(tag or "", ())
    stray = [
        f for fields in _ANALYST_FIELDS.values() for f in fields if f in raw and f not in allowed
    ]
    if stray:
        raise ValueError(f"'{stray[0]}' is not a field of {tag or 'a single-fact'} case")
    if tag is None:
        return {}
    wanted = "followup" if tag == "followup-lead" else "answerable"
    if kind != wanted:
        raise ValueError(f"a '{tag}' case is of kind {wanted!r}")
    if tag in _DERIVED_FACTS and "facts" in raw:
        raise ValueError(f"a '{tag}' case's facts are its {allowed[0]}: leave 'facts' out")
    fields: dict[str, Any] = {}
    if tag in ("list", "timeline"):
        fields["items"] = _facts(raw.get("items"), "items")
        if len(fields["items"]) < 2:
            raise ValueError("'items' needs at least two items")
    if tag == "list" and "exclude" in raw:
        fields["exclude"] = _facts(raw["exclude"], "exclude")
    if tag == "timeline":
        fields["dates"] = _strings(raw.get("dates"), "dates")
        if len(fields["dates"]) != len(fields["items"]):
            raise ValueError("'dates' needs one date per item")
        if any(_DATE.fullmatch(date) is None for date in fields["dates"]):
            raise ValueError(f"'dates' are YYYY, YYYY-MM or YYYY-MM-DD: {fields['dates']}")
    if tag == "overview":
        fields["points"] = _facts(raw.get("points"), "points")
        least = raw.get("min_documents")
        if isinstance(least, bool) or not isinstance(least, int) or least < 1:
            raise ValueError("'min_documents' must be an integer >= 1")
        fields["min_documents"] = least
    if tag == "comparison":
        sides = raw.get("sides")
        if not isinstance(sides, list) or len(sides) < 2:
            raise ValueError("'sides' must be a list of at least two sides")
        fields["sides"] = tuple(_side(side) for side in sides)
        if all(side.unanswered for side in fields["sides"]):
            raise ValueError("a comparison needs a side the documents answer")
    if tag == "mismatch":
        fields["unstated"] = Fact(_strings(raw.get("unstated"), "unstated"))
    if tag == "followup-lead":
        fields["subject"] = Fact(_strings(raw.get("subject"), "subject"))
    return fields


def _derived_facts(tag: str | None, fields: Mapping[str, Any]) -> tuple[Fact, ...]:
    """The facts of a list, timeline, overview or comparison: what it expects stated."""
    if tag in ("list", "timeline"):
        return tuple(fields["items"])
    if tag == "overview":
        return tuple(fields["points"])
    if tag == "comparison":
        return tuple(fact for side in fields["sides"] for fact in side.facts)
    return ()


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
    analyst = [tag for tag in tags if tag in ANALYST_TAGS]
    if len(analyst) > 1:
        raise ValueError(f"a case has at most one of the tags {ANALYST_TAGS}, got {analyst}")
    tag = analyst[0] if analyst else None
    fields = _analyst_fields(raw, tag, kind)
    if kind == "unanswerable":
        if raw.get("evidence") or raw.get("facts"):
            raise ValueError("an unanswerable case has no 'evidence' or 'facts'")
        return GoldenCase(raw["id"], kind, question, tags=tags)
    source = raw.get("source")
    sources = _strings([source] if isinstance(source, str) else source, "source")
    facts = _derived_facts(tag, fields) or _facts(raw.get("facts"), "facts")
    return GoldenCase(
        id=raw["id"],
        kind=cast(Kind, kind),
        question=question,
        sources=sources,
        evidence=_strings(raw.get("evidence"), "evidence"),
        facts=facts,
        tags=tags,
        history=_history(raw.get("history")) if kind == "followup" else (),
        **fields,
    )


def _corpus_problems(
    case: GoldenCase, documents: Mapping[str, str], published: Mapping[str, str]
) -> list[str]:
    """Sources missing from the corpus, quotes not in their sources, facts not in evidence,
    and the analyst fields' checks (`_analyst_problems`)."""
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
    return problems + _analyst_problems(case, documents, published)


def _analyst_problems(
    case: GoldenCase, documents: Mapping[str, str], published: Mapping[str, str]
) -> list[str]:
    """What a list, timeline, overview or follow-up expects must be in the corpus where it
    should be: a timeline has one source per item, each item in its own source, the dates
    in order and the sources' own; a list's excluded items are in its sources (else leaving
    them out proves nothing); an overview asks for no more documents than it has sources; a
    follow-up's subject is stated by its evidence (the sentence it should lead with)."""
    problems: list[str] = []
    if case.analyst_tag == "timeline":
        if len(case.sources) != len(case.items):
            return [
                f"a timeline has one source per item: {len(case.sources)} for {len(case.items)}"
            ]
        for item, source, date in zip(case.items, case.sources, case.dates):
            if not fact_present(documents[source], item):
                problems.append(f"item {item} is not in its source {source}")
            known = published.get(source, "")
            if known and not (known.startswith(date) or date.startswith(known)):
                problems.append(f"date {date} of {source} is not its published date {known}")
        dates = case.dates
        if any(date_before(later, earlier) for earlier, later in itertools.pairwise(dates)):
            problems.append(f"the items are not in date order: {', '.join(dates)}")
        if not any(date_before(a, b) for a, b in itertools.combinations(dates, 2)):
            problems.append("a timeline needs items of at least two different dates")
    texts = " ".join(documents[source] for source in case.sources)
    problems += [
        f"excluded item {item} is in none of the sources"
        for item in case.exclude
        if not fact_present(texts, item)
    ]
    if case.analyst_tag == "overview" and case.min_documents > len(case.sources):
        problems.append(
            f"min_documents {case.min_documents} is more than its {len(case.sources)} sources"
        )
    if case.subject is not None and not fact_present(" ".join(case.evidence), case.subject):
        problems.append(f"subject {case.subject} is not stated by its evidence")
    return problems


def load_golden(
    path: Path, documents: Mapping[str, str], published: Mapping[str, str] | None = None
) -> list[GoldenCase]:
    """All cases of a JSONL file, checked against the corpus texts (and a timeline's dates
    against the documents' `published` dates, where given); GoldenError lists problems."""
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
        problems += [
            f"{where}: {problem}" for problem in _corpus_problems(case, documents, published or {})
        ]
        cases.append(case)
    if not cases and not problems:
        problems.append(f"{path}: no cases")
    if problems:
        raise GoldenError(f"{path} has {len(problems)} problem(s):\n" + "\n".join(problems))
    return cases
