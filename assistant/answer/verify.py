"""Checks each claim an answerer made against the passages it cites: a verbatim quote of
the cited passage holds; otherwise every number, name and quotation in the claim must occur
in them. What fails is flagged, never shown as supported. Claims come from the answerer;
the answer text is never re-split here."""

from __future__ import annotations

from assistant.schema import AskResult, Citation, Claim
from assistant.text.markers import neutralise_markers, strip_markers
from assistant.text.names_figures import name_words, numbers, occurs, quotations
from assistant.text.normalise import normalise_for_matching


def check_claim(claim: Claim, citations: dict[int, Citation]) -> Claim:
    problems: list[str] = []
    bad = [n for n in claim.citations if n not in citations]
    if bad:
        problems.append(f"cites missing passage(s) {bad}")
    cited = [citations[n].text for n in claim.citations if n in citations]
    body = strip_markers(claim.text)
    if not cited:
        problems.append("no citation")
    else:
        haystack = normalise_for_matching(neutralise_markers("\n".join(cited)))
        verbatim = normalise_for_matching(neutralise_markers(body)).strip()
        if not verbatim or verbatim not in haystack:
            for number in numbers(body):
                if not occurs(number, haystack):
                    problems.append(f"number {number} not in the cited passage")
            for word in name_words(body):
                if not occurs(word, haystack):
                    problems.append(f"name {word} not in the cited passage")
            for quote in quotations(body):
                if normalise_for_matching(quote).strip() not in haystack:
                    problems.append(f'quotation "{quote}" not in the cited passage')
    return claim.model_copy(update={"supported": not problems, "problems": problems})


def verify(result: AskResult) -> AskResult:
    """Flag unsupported claims and the citations they lean on."""
    if result.abstained:
        return result
    by_number = {c.n: c for c in result.citations}
    claims = [check_claim(claim, by_number) for claim in result.claims]
    failing = {n for claim in claims if not claim.supported for n in claim.citations}
    citations = [c.model_copy(update={"supported": c.n not in failing}) for c in result.citations]
    return result.model_copy(update={"claims": claims, "citations": citations})
