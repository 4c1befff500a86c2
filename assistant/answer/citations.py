"""What every answerer builds its result from: numbered citations, claims and abstentions."""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.documents import Document

from assistant.schema import AskResult, Citation, Claim, Quote

Statement = tuple[str, list[int]]  # a claim's text and the citation numbers backing it


def citation(
    n: int, passage: Document, start: int, end: int, quote: str, also: Sequence[Quote] = ()
) -> Citation:
    """Citation `n` of a passage; `start`/`end` place the quote in the source text, `also`
    the passage's further quoted sentences."""
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
        also_quoted=list(also),
        score=float(meta.get("score") or 0.0),
    )


def document_label(passage: Document, date_first: bool = False) -> str:
    """ "Title (date)", or "date — Title" in a timeline: how an answer drawing on several
    documents introduces each. A title made from a dated file name carries the date already
    ("sed › 2016-12-30 v4.3", "2013 Smith 2") and is not followed by it again; a year inside
    a title names its subject ("China's 2025 Two Sessions"), so the date still follows."""
    meta = passage.metadata
    title = str(meta.get("title") or meta["source"])
    published = str(meta.get("published") or "")
    carried = published in title and ("-" in published or title.startswith(published))
    if not published or carried:
        return title
    return f"{published} — {title}" if date_first else f"{title} ({published})"


def page_label(meta: dict) -> str:
    """ "12", or "12-13" for a passage across two pages; "" when pages are not known."""
    first, last = int(meta.get("page") or 0), int(meta.get("page_end") or 0)
    if not first:
        return ""
    return str(first) if last <= first else f"{first}-{last}"


def compose(
    groups: Sequence[tuple[str, Sequence[Statement]]], label_alone: bool = False
) -> tuple[str, list[Claim]]:
    """The answer text and one claim per statement, each knowing where it stands in it.

    Each group is the statements of one document under its label ("Title (2025): statement
    [1] statement [2]"), groups a paragraph apart; one group alone goes unlabelled unless
    `label_alone`. Labels are not claims: only quoted statements are.
    """
    answer = ""
    claims: list[Claim] = []
    for label, statements in groups:
        if answer:
            answer += "\n\n"
        if label and (len(groups) > 1 or label_alone):
            answer += f"{label}: "
        for index, (text, numbers) in enumerate(statements):
            if index:
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
    named: Sequence[str] = (),
) -> AskResult:
    """Say plainly that the documents do not answer, why when it is known, and what the
    closest documents are.

    `missing` are the names and figures asked about that no answering passage has; those
    also in `elsewhere` occur in some document, just not where the question is answered.
    `named` are the labels of the documents the question names ("the 2013 document"): it
    is they that do not say, not their year or author that is missing.
    """
    absent = [term for term in missing if term not in elsewhere]
    answer = "The documents don't answer this"
    answer += f": they never mention {_listed(absent)}." if absent else "."
    if elsewhere:
        they = "appears" if len(elsewhere) == 1 else "appear"
        answer += f" {_listed(elsewhere)} {they} in them, but not in the passages on this question."
    if named:
        answer += (
            f" {_listed(named)}, which it names, {'does' if len(named) == 1 else 'do'} not say."
        )
    return AskResult(answer=answer + _closest(passages), abstained=True)


def prefaced(preface: str, result: AskResult, abstained: bool = False) -> AskResult:
    """The result with a sentence of the assistant's own before its claims (a note, not a
    claim: it cites nothing)."""
    shift = len(preface) + 1
    claims = [
        claim.model_copy(update={"start": claim.start + shift, "end": claim.end + shift})
        for claim in result.claims
    ]
    return result.model_copy(
        update={"answer": f"{preface} {result.answer}", "claims": claims, "abstained": abstained}
    )


def partial_answer(note: str, closest: AskResult) -> AskResult:
    """A refusal that still shows, cited, what the documents do say on the question."""
    return prefaced(f"{note} What they say:", closest, abstained=True)


def _listed(terms: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    return terms[0] if len(terms) == 1 else f"{', '.join(terms[:-1])} and {terms[-1]}"


def _closest(passages: list[Document]) -> str:
    titles: list[str] = []
    for passage in passages:
        title = passage.metadata.get("title", passage.metadata.get("source", ""))
        if title and title not in titles:
            titles.append(title)
    return f" The closest material is in: {'; '.join(titles[:3])}." if titles else ""
