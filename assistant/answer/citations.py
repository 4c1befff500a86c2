"""What every answerer builds its result from: numbered citations, claims and abstentions."""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.documents import Document

from assistant.schema import AskResult, Citation, Claim


def citation(n: int, passage: Document, start: int, end: int, quote: str) -> Citation:
    """Citation `n` of a passage; `start`/`end` place the quote in the source text."""
    meta = passage.metadata
    return Citation(
        n=n,
        source=meta["source"],
        title=meta.get("title", meta["source"]),
        publisher=meta.get("publisher", ""),
        published=meta.get("published", ""),
        section=str(meta.get("section") or ""),
        page=page_label(meta),
        chunk_id=meta["chunk_id"],
        start=int(meta["start"]),
        end=int(meta["end"]),
        text=passage.page_content,
        quote=quote,
        quote_start=start,
        quote_end=end,
        score=float(meta.get("score") or 0.0),
    )


def page_label(meta: dict) -> str:
    """ "12", or "12-13" for a passage across two pages; "" when pages are not known."""
    first, last = int(meta.get("page") or 0), int(meta.get("page_end") or 0)
    if not first:
        return ""
    return str(first) if last <= first else f"{first}-{last}"


def compose(statements: Sequence[tuple[str, list[int]]]) -> tuple[str, list[Claim]]:
    """The answer text ("statement [1] statement [2]") and one claim per statement, each
    knowing where it stands in that text."""
    answer = ""
    claims: list[Claim] = []
    for text, numbers in statements:
        if answer:
            answer += " "
        start = len(answer)
        answer += text
        claims.append(Claim(text=text, citations=list(numbers), start=start, end=len(answer)))
        answer += "".join(f" [{n}]" for n in numbers)
    return answer, claims


def abstention(
    question: str,
    passages: list[Document],
    missing: list[str],
    elsewhere: Sequence[str] = (),
    reason: str = "",
) -> AskResult:
    """Say the documents do not cover it, and what the closest documents are about.

    `missing` are the names and figures asked about that no answering passage has; those
    also in `elsewhere` occur in some document, just not where the question is answered.
    """
    absent = [term for term in missing if term not in elsewhere]
    reasons = [f"The documents do not mention {', '.join(absent)}."] if absent else []
    if elsewhere:
        reasons.append(
            f"The passages on this question do not mention {', '.join(elsewhere)}; other"
            " parts of the documents do."
        )
    reason = " ".join([*reasons, reason] if reason else reasons) or (
        "The documents do not answer this question."
    )
    titles: list[str] = []
    for passage in passages:
        title = passage.metadata.get("title", passage.metadata.get("source", ""))
        if title and title not in titles:
            titles.append(title)
    closest = f" The closest material is in: {'; '.join(titles[:3])}." if titles else ""
    return AskResult(answer=reason + closest, abstained=True)
