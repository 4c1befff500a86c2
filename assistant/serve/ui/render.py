"""Pure functions that turn answers, documents and index reports into HTML for the web UI.

Everything that comes from a document, an upload or a user passes through `esc` before it
reaches the page, so a document containing `<script>` or `<img onerror=...>` is shown as
text. Kept free of Gradio so the escaping and the citation markup are unit-testable.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any

from assistant.ingest.report import IndexReport
from assistant.schema import AskResult, Citation
from assistant.serve.ui.answer_actions import render_answer_actions
from assistant.workspace.export import known_publisher

_MARKER = re.compile(r"\[(\d+)\]")
_CARD_ID = re.compile(r"card-\d+-\d+")  # the id of a source card, as `cite_attrs` writes it


def esc(text: object) -> str:
    """HTML-escape any value, quotes included (safe in text and in attribute values)."""
    return html.escape("" if text is None else str(text), quote=True)


# --- answers ---------------------------------------------------------------------------------


def cite_attrs(citation: Citation, turn: int) -> str:
    """Data attributes the page script reads to open the cited span in the document viewer
    (and to offer a way back to this card from there)."""
    return (
        f'data-source="{esc(citation.source)}" data-start="{citation.start}" '
        f'data-end="{citation.end}" data-qs="{citation.quote_start}" '
        f'data-qe="{citation.quote_end}" data-card="card-{turn}-{citation.n}" '
        f'data-where="{esc(citation.location)}"'
    )


def citation_preview(citation: Citation, tip_id: str, turn: int) -> str:
    """The preview a marker shows on hover, focus or (on a phone) tap: the quoted sentence and
    where it comes from. The text is a role=tooltip the marker points at (aria-describedby);
    the button beside it opens the passage, for touch screens where the marker only previews."""
    source = _meta_line(citation.title, known_publisher(citation.publisher), citation.published)
    return (
        f'<span class="cite-tip">'
        f'<span class="tip-text" role="tooltip" id="{tip_id}">'
        f'<span class="tip-quote">“{esc(citation.quote)}”</span>'
        f'<span class="tip-source">{source}</span></span>'
        f'<button type="button" class="tip-open" {cite_attrs(citation, turn)}>'
        "Open the passage</button>"
        '<button type="button" class="tip-close">Close</button></span>'
    )


def _linkify(raw: str, turn: int, citations: Mapping[int, Citation], tips: Iterator[int]) -> str:
    """Escape answer text and turn each known [n] into a link to its source card with a
    preview; `tips` numbers the previews so a marker used twice gets two distinct ids."""
    out: list[str] = []
    pos = 0
    for match in _MARKER.finditer(raw):
        out.append(esc(raw[pos : match.start()]))
        citation = citations.get(int(match.group(1)))
        if citation is None:
            out.append(esc(match.group(0)))
        else:
            tip_id = f"tip-{turn}-{next(tips)}"
            css = "cite-ref" if citation.supported else "cite-ref unsupported"
            out.append(
                f'<span class="cite"><a class="{css}" '
                f'href="#card-{turn}-{citation.n}" aria-describedby="{tip_id}" '
                f"{cite_attrs(citation, turn)}>[{citation.n}]</a>"
                f"{citation_preview(citation, tip_id, turn)}</span>"
            )
        pos = match.end()
    out.append(esc(raw[pos:]))
    return "".join(out)


def _unsupported_spans(result: AskResult) -> list[tuple[int, int, list[str]]]:
    """Where in the answer text each claim that failed verification sits, from the claims'
    own offsets (`answer[start:end]`); a span out of range or out of order is left unmarked."""
    spans: list[tuple[int, int, list[str]]] = []
    pos = 0
    for claim in result.claims:
        if claim.supported or not pos <= claim.start < claim.end <= len(result.answer):
            continue
        spans.append((claim.start, claim.end, claim.problems))
        pos = claim.end
    return spans


def render_answer_text(result: AskResult, turn: int) -> str:
    """The answer with linked [n] markers; sentences that failed verification are marked."""
    citations = {c.n: c for c in result.citations}
    tips = itertools.count(1)
    answer = result.answer
    out: list[str] = []
    pos = 0
    for start, end, problems in _unsupported_spans(result):
        out.append(_linkify(answer[pos:start], turn, citations, tips))
        reason = "; ".join(problems) or "not found in the cited passage"
        out.append(
            f'<span class="claim-unsupported" title="{esc("Not verified: " + reason)}">'
            f"{_linkify(answer[start:end], turn, citations, tips)}"
            '<span class="flag" aria-label="unverified">unverified</span></span>'
        )
        pos = end
    out.append(_linkify(answer[pos:], turn, citations, tips))
    return "".join(out)


def highlight_passage(citation: Citation) -> str:
    """The cited passage, escaped, with every quoted sentence inside <mark>."""
    text = citation.text
    spans: list[tuple[int, int]] = []
    quotes = [(citation.quote_start, citation.quote_end, citation.quote)]
    quotes += [(q.start, q.end, q.text) for q in citation.also_quoted]
    for start, end, quote in quotes:
        rel_start, rel_end = start - citation.start, end - citation.start
        if not (0 <= rel_start < rel_end <= len(text)):
            rel_start = text.find(quote) if quote else -1
            rel_end = rel_start + len(quote)
        if rel_start >= 0:
            spans.append((rel_start, rel_end))
    out: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        start = max(start, pos)
        if start >= end:
            continue
        out.append(f"{esc(text[pos:start])}<mark>{esc(text[start:end])}</mark>")
        pos = end
    return "".join(out) + esc(text[pos:])


def _meta_line(*parts: object) -> str:
    return " · ".join(esc(part) for part in parts if part)


def render_card(citation: Citation, turn: int, deleted: bool = False) -> str:
    """A source card: number, title, publisher and date, passage with the quote highlighted.
    A card whose document was deleted since says so: its passage is a record, no longer in
    the library."""
    badge = (
        "" if citation.supported else '<span class="badge bad">Not supported by this passage</span>'
    )
    if deleted:
        badge += '<span class="badge gone">This document has since been deleted</span>'
    # A file name such as 003_13730679fda5be95.txt says nothing to a reader once the card has
    # a title; it stays in the markup (hidden) as the card's key for scripts and tests.
    hidden = " hidden" if citation.title else ""
    meta = _meta_line(known_publisher(citation.publisher), citation.published)
    return (
        f'<div class="cite-card{"" if citation.supported else " unsupported"}'
        f'{" deleted" if deleted else ""}" '
        f'id="card-{turn}-{citation.n}">'
        f'<div class="card-head"><span class="card-n">{citation.n}</span>'
        f'<div class="card-titles"><div class="card-title">{esc(citation.title)}</div>'
        f'<div class="card-meta">{meta}</div>'
        f'<div class="card-section">{_meta_line(citation.section, citation.page_text)}</div>'
        f"</div></div>"
        f'<div class="card-passage" tabindex="0" role="region" '
        f'aria-label="Passage {citation.n}">{highlight_passage(citation)}</div>'
        f'<div class="card-foot"><span class="card-file"{hidden}>{esc(citation.source)}</span>'
        f"{badge}"
        f'<button type="button" class="open-doc" {cite_attrs(citation, turn)}>'
        f"Show in document &rarr;</button></div></div>"
    )


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:,.1f}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render_details(result: AskResult) -> str:
    """What an answer drew on, for an analyst checking it: the documents and passages cited.
    Timings and token counts matter to whoever runs the server, so they are folded away."""
    cited: dict[str, list[Citation]] = {}
    for citation in result.citations:
        cited.setdefault(citation.source, []).append(citation)
    if cited:
        used = f"{_plural(len(result.citations), 'passage')} from {_plural(len(cited), 'document')}"
    else:
        used = "no passages cited"
    documents = "".join(
        f'<li><span class="used-title">{esc(group[0].title)}</span>'
        f'<span class="used-meta">'
        f"{_meta_line(known_publisher(group[0].publisher), group[0].published)}</span>"
        f'<span class="used-passages">{"Passage" if len(group) == 1 else "Passages"} '
        f"{', '.join(f'[{c.n}]' for c in group)}</span></li>"
        for group in cited.values()
    )
    return (
        f'<details class="answer-details"><summary>Details · {used}</summary>'
        + (f'<ul class="used-docs">{documents}</ul>' if documents else "")
        + render_timings(result.timings_ms)
        + "</details>"
    )


# What each stage is, in a reader's words; stages not named here are summed into "other".
STAGES = {
    "condense": "Reading the follow-up in context",
    "retrieve": "Finding passages",
    "answer": "Writing the answer",
    "verify": "Checking every sentence against its passage",
}


def render_timings(timings: Mapping[str, float]) -> str:
    """How long the answer took, folded: the total, then the stages that took a noticeable
    time, in plain words (stage names and token counts are in the API's JSON, not here)."""
    total = timings.get("total", sum(timings.values()))
    steps: dict[str, float] = {}
    for stage, ms in timings.items():
        if stage != "total":
            label = STAGES.get(stage, "Other steps")
            steps[label] = steps.get(label, 0.0) + ms
    rows = "".join(
        f"<tr><td>{esc(label)}</td><td>{_number(ms)} ms</td></tr>"
        for label, ms in steps.items()
        if ms >= 1
    )
    return (
        f'<details class="timings"><summary>Answered in {_number(total)} ms</summary>'
        f'<table class="kv">{rows}</table></details>'
    )


def _scope_counts(scope: Mapping[str, int] | None) -> tuple[int, int]:
    """(documents searched, documents in the library) when the question was asked."""
    if not scope:
        return 0, 0
    return int(scope.get("searched", 0)), int(scope.get("total", 0))


def render_scope_refusal(scope: Mapping[str, int] | None, result: AskResult) -> str:
    """A refusal under a document filter says it only looked in the selected documents and
    offers to ask again over all of them; "" for anything else."""
    searched, total = _scope_counts(scope)
    if not (result.abstained and 0 < searched < total):
        return ""
    return (
        f'<div class="scope-refusal">No answer in the {searched} selected '
        f"document{'' if searched == 1 else 's'}; "
        f'<button type="button" class="search-all" data-search-all="{esc(result.question)}">'
        "try searching all documents</button></div>"
    )


def render_scope_note(scope: Mapping[str, int] | None, result: AskResult) -> str:
    """How much of the library an answer searched ("Searched 2 of 5 documents"); "" when
    unknown or when the refusal already says it."""
    searched, total = _scope_counts(scope)
    if not total or render_scope_refusal(scope, result):
        return ""
    if searched < total:
        text = f"Searched {searched} of {_plural(total, 'document')}"
    else:
        text = "Searched the only document" if total == 1 else f"Searched all {total} documents"
    return f'<div class="scope-note">{text}</div>'


def render_result(
    result: AskResult,
    turn: int,
    scope: Mapping[str, int] | None = None,
    deleted: Collection[str] = (),
) -> str:
    """An answer bubble (or an abstention notice) followed by its source cards and details.

    A follow-up that was rewritten before searching says what was searched for; `scope`
    (documents searched and in the library when it was asked) says how much was searched;
    cards citing a document in `deleted` say it is gone.
    """

    rewritten = ""
    if result.standalone_question and result.standalone_question != result.question:
        rewritten = (
            f'<div class="rewritten">Searched for <q>{esc(result.standalone_question)}</q></div>'
        )
    if result.abstained:
        body = (
            '<div class="bubble abstained"><div class="abstain-head">'
            "Not answered by the documents</div>"
            f'<div class="answer-text">{render_answer_text(result, turn)}</div>'
            f"{render_scope_refusal(scope, result)}</div>"
        )
    else:
        unsupported = [claim for claim in result.claims if not claim.supported]
        note = ""
        if unsupported:
            count = len(unsupported)
            what = "1 sentence is" if count == 1 else f"{count} sentences are"
            note = (
                f'<div class="verify-note">{what} not supported by the cited passages and '
                "marked <em>unverified</em>: do not rely on it without checking.</div>"
            )
        body = (
            f'<div class="bubble answer"><div class="answer-text">'
            f"{render_answer_text(result, turn)}</div>{note}</div>"
        )
    cards = "".join(
        render_card(citation, turn, citation.source in deleted) for citation in result.citations
    )
    if cards:
        label = "Source" if len(result.citations) == 1 else "Sources"
        cards = f'<div class="cards"><div class="cards-label">{label}</div>{cards}</div>'
    note = render_scope_note(scope, result)
    return f"{rewritten}{body}{note}{cards}{render_details(result)}"


def render_turn(
    turn: int,
    question: str,
    result: AskResult | None = None,
    partial: str | None = None,
    error: str | None = None,
    scope: Mapping[str, int] | None = None,
    actions: str = "",
    deleted: Collection[str] = (),
) -> str:
    """One question and whatever answers it so far: streamed text, a result or an error;
    `actions` is the copy and rating row shown under a finished answer."""
    parts = [f'<div class="turn" id="turn-{turn}"><div class="bubble user">{esc(question)}</div>']
    if error is not None:
        parts.append(f'<div class="bubble error">{esc(error)}</div>')
    elif result is not None:
        parts.append(render_result(result, turn, scope, deleted))
    else:
        text = esc(partial) if partial else '<span class="thinking">Searching the documents…</span>'
        parts.append(f'<div class="bubble answer streaming"><div class="answer-text">{text}</div>')
        parts.append('<span class="cursor"></span></div>')
    parts.append(f"{actions}</div>")
    return "".join(parts)


WELCOME_DOCUMENTS = 8  # documents named on the first screen; the rest are in Sources
BLANK_QUESTION = "Type a question first, or pick one of the examples."


def render_welcome(
    documents: Sequence[Mapping[str, Any]],
    examples: Sequence[str],
    topics: Sequence[str] = (),
) -> str:
    """What an empty conversation shows: which documents can be asked about and what they
    are about, how answers work, and clickable examples of different kinds of question."""
    chips = "".join(
        f'<button type="button" class="example" data-example="{esc(q)}">{esc(q)}</button>'
        for q in examples
    )
    count = len(documents)
    about = f" on {' and '.join(esc(t) for t in topics)}" if topics else ""
    listed = "".join(
        f'<li><span class="welcome-title">{esc(d.get("title") or d["source"])}</span>'
        f'<span class="welcome-meta">'
        f"{_meta_line(known_publisher(d.get('publisher')), d.get('published'))}</span></li>"
        for d in documents[:WELCOME_DOCUMENTS]
    )
    more = count - WELCOME_DOCUMENTS
    if more > 0:
        listed += f'<li class="muted">and {_plural(more, "more document")} (see Sources)</li>'
    library = (
        f'<p class="welcome-library">{_plural(count, "document")}{about}:</p>'
        f'<ul class="welcome-docs">{listed}</ul>'
        if count
        else '<p class="welcome-library">No documents yet: add some in Sources.</p>'
    )
    return (
        '<div class="welcome"><h3>Ask the documents</h3>'
        + library
        + "<p>Every sentence of an answer cites the passage it comes from: click a number to "
        "read it in its document. When the documents do not answer, the assistant says so.</p>"
        + (f'<div class="examples"><span>Try:</span>{chips}</div>' if chips else "")
        + "</div>"
    )


def render_conversation(
    turns: Sequence[Mapping[str, Any]],
    welcome: str,
    pending: str | None = None,
    blank: bool = False,
    deleted: Collection[str] = (),
) -> str:
    """All turns (dicts with question and result or error) plus an optional pending one.

    `pending` is HTML from `render_turn` for the question being answered right now; `blank`
    adds a note that an empty question was sent (nothing else would show it); `deleted` names
    documents no longer in the library, so cards citing them say so.
    """
    note = f'<p class="blank-note" role="alert">{BLANK_QUESTION}</p>' if blank else ""
    if not turns and pending is None:
        return f'<div class="conversation">{welcome}{note}</div>'
    parts = [
        render_turn(
            index,
            turn["question"],
            result=result,
            error=turn.get("error"),
            scope=turn.get("scope"),
            actions=render_answer_actions(turn, result),
            deleted=deleted,
        )
        for index, turn in enumerate(turns)
        for result in [AskResult.model_validate(turn["result"]) if turn.get("result") else None]
    ]
    if pending is not None:
        parts.append(pending)
    return f'<div class="conversation">{"".join(parts)}{note}</div>'


# --- documents -------------------------------------------------------------------------------


def render_document(
    source: str,
    text: str,
    meta: Mapping[str, Any],
    span: tuple[int, int] | None = None,
    quote: tuple[int, int] | None = None,
    where: str = "",
    back: str = "",
) -> str:
    """The full document, escaped, with the cited passage shaded and the quote in a <mark>.

    `where` names the passage's section and page; `back` is the id of the source card the
    citation came from, for a "Back to answer" button (on a phone the answer is far above).
    """
    n = len(text)
    start, end = span if span else (0, 0)
    start, end = max(0, min(start, n)), max(0, min(end, n))
    qs, qe = quote if quote else (start, start)
    qs, qe = max(start, min(qs, end)), max(start, min(qe, end))
    if qe <= qs:
        qs = qe = start
    body = esc(text[:start])
    if end > start:
        body += (
            f'<span class="doc-passage">{esc(text[start:qs])}'
            f'<mark class="doc-quote" id="doc-quote">{esc(text[qs:qe])}</mark>'
            f"{esc(text[qe:end])}</span>"
        )
    body += esc(text[end:])
    location = ""
    if qe > qs:
        location = f"Cited passage highlighted{f' ({where})' if where else ''}"
    back_button = ""
    if _CARD_ID.fullmatch(back):
        back_button = (
            f'<button type="button" class="back-to-answer" data-back="{back}">'
            "&larr; Back to answer</button>"
        )
    return (
        '<div class="doc-view">'
        f"{back_button}"
        f'<div class="doc-head"><div class="doc-title">{esc(meta.get("title") or source)}</div>'
        f'<div class="doc-meta">'
        f"{_meta_line(known_publisher(meta.get('publisher')), meta.get('published'))}</div>"
        f'<div class="doc-meta">{_meta_line(source, location)}</div></div>'
        f'<div class="doc-body" tabindex="0" role="region" aria-label="Document text">'
        f"{body}</div></div>"
    )


def render_document_placeholder() -> str:
    return (
        '<div class="doc-view empty">Click a citation number or <b>Show in document</b> on a '
        "source card to read the passage in its full document, or pick a document in "
        "<b>Sources</b>.</div>"
    )


def render_missing_document(source: str) -> str:
    return f'<div class="doc-view empty">The document {esc(source)} is no longer indexed.</div>'


def render_index_report(report: IndexReport, rejected: Iterable[tuple[str, str]] = ()) -> str:
    """What an upload did, file by file; every skipped file is named with its reason."""
    skipped = [(s.source, s.reason) for s in report.skipped] + list(rejected)
    items: list[str] = []
    for label, names, css in (
        ("Added", report.added, "ok"),
        ("Updated", report.updated, "ok"),
        ("Already indexed, unchanged", report.unchanged, "muted"),
    ):
        items += [f'<li class="{css}">{label}: <b>{esc(name)}</b></li>' for name in names]
    items += [
        f'<li class="bad">Not indexed: <b>{esc(name)}</b> — {esc(reason)}</li>'
        for name, reason in skipped
    ]
    if not items:
        return ""
    summary = (
        f"Indexed in {report.seconds:.1f} s: {report.chunks_embedded} new passages read, "
        f"{report.chunks_total} passages in the library."
    )
    return f'<div class="index-report"><p>{summary}</p><ul>{"".join(items)}</ul></div>'
