"""Checks an LLM's answer against its citations: every number, name and quotation in a
cited sentence must occur in the passages it cites; what fails is flagged, never shown
as supported."""

from __future__ import annotations

import re

from assistant.entities import name_words, numbers, occurs, quotations
from assistant.models import AskResult, Citation, Claim
from assistant.sentences import sentence_spans
from assistant.textnorm import normalise

_MARKER = re.compile(r"\[(\d+)\]")


def split_claims(answer: str) -> list[Claim]:
    """Answer sentences with the [n] markers they carry (markers may trail the full stop)."""
    claims: list[Claim] = []
    for span in sentence_spans(answer):
        text = answer[span.start : span.end]
        markers = [int(n) for n in _MARKER.findall(text)]
        if not _MARKER.sub("", text).strip(" .") and claims:
            claims[-1].citations += markers
            continue
        claims.append(Claim(text=text, citations=markers))
    return claims


def check_claim(claim: Claim, citations: dict[int, Citation]) -> Claim:
    problems: list[str] = []
    bad = [n for n in claim.citations if n not in citations]
    if bad:
        problems.append(f"cites missing passage(s) {bad}")
    cited = [citations[n].text for n in claim.citations if n in citations]
    if not cited:
        problems.append("no citation")
    else:
        haystack = normalise("\n".join(cited))
        body = _MARKER.sub("", claim.text)
        for number in numbers(body):
            if not occurs(number, haystack):
                problems.append(f"number {number} not in the cited passage")
        for word in name_words(body):
            if not occurs(word, haystack):
                problems.append(f"name {word} not in the cited passage")
        for quote in quotations(body):
            if normalise(quote).strip() not in haystack:
                problems.append(f'quotation "{quote}" not in the cited passage')
    return claim.model_copy(update={"supported": not problems, "problems": problems})


def verify(result: AskResult) -> AskResult:
    """Flag unsupported claims and the citations they lean on."""
    if result.abstained:
        return result
    by_number = {c.n: c for c in result.citations}
    claims = [check_claim(claim, by_number) for claim in split_claims(result.answer)]
    failing = {n for claim in claims if not claim.supported for n in claim.citations}
    citations = [c.model_copy(update={"supported": c.n not in failing}) for c in result.citations]
    return result.model_copy(update={"claims": claims, "citations": citations})
