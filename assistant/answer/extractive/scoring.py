"""How well a passage sentence answers a question: the extractive answerer's scoring.

Each candidate sentence gets features (the IDF-weighted share of the question's terms in
its quote or its document's heading, the same for its passage, the passage's rank and
similarity in meaning, the names asked about, whether it brings a figure of the kind asked
for, whether it is a heading, a question, code or a table row, ...). The fitted
`SentenceModel` turns them into the score; `FEATURES` names them all.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.documents import Document

from assistant.answer.extractive.sentence_model import SentenceModel, load_sentence_model
from assistant.config import AnswererWeights
from assistant.retrieve.scope import NAMED_SCOPE_KEY
from assistant.store.bm25 import LexicalIndex
from assistant.text.distinctive import distinctive_words
from assistant.text.document_heading import heading, with_heading
from assistant.text.follow_ups import asked_now
from assistant.text.identity import identity_tokens, path_words
from assistant.text.markdown_inline import is_markdown, rendered_inline
from assistant.text.markers import neutralise_markers
from assistant.text.names_figures import YEAR, acronym_definitions, names, numbers, occurs
from assistant.text.normalise import normalise_for_matching
from assistant.text.question_kinds import asks_for_maker
from assistant.text.sentences import (
    Span,
    announced_items,
    decode_spans,
    is_lead_in,
    passage_sentences,
)
from assistant.text.terms import tokenize

# Words that say what kind of answer is wanted but are not about the subject.
_GENERIC = set(
    tokenize(
        "main key mention mentioned document documents text article report say "
        "according describe explain give name list way kind type many much"
    )
)
# Questions answered by a figure, and those answered by a date: a sentence that brings one
# the question does not already contain is more likely to be the answer.
_QUANTITY_QUESTION = re.compile(
    r"\b(how (much|many|fast|large|big|high|low|long|often)|what (percentage|share|proportion|"
    r"rate|number|figure|amount|level|sum)|(what|which) ([\w-]+ ){0,3}(target|rate|ratio|budget|"
    r"fee|price)|percent)\b",
    re.IGNORECASE,
)
# "Which tool ...", "What package ...": the answer is the name of a thing on the system.
_ARTEFACT_QUESTION = re.compile(
    r"\b(which|what)\s+(?:[\w-]+\s+){0,3}(tools?|commands?|programs?|packages?|files?|"
    r"director(?:y|ies)|folders?|daemons?|utilit(?:y|ies)|variables?|options?|scripts?|"
    r"modules?|librar(?:y|ies)|paths?|services?|settings?|functions?|methods?|class(?:es)?|"
    r"arguments?|parameters?|exceptions?|attributes?)\b",
    re.IGNORECASE,
)
# Questions a command or code answers: how to do something, or for code itself.
_CODE_QUESTION = re.compile(
    r"\bhow\s+(?:do|can|could|should|would|to)\b|\b(code|commands?|syntax|examples?|"
    r"snippet|invoke|invocation|command[- ]line)\b",
    re.IGNORECASE,
)
# A path or a name joined by "_", "-", "." or "/" ("/etc/inputrc", "isc-dhcp-server").
_IDENTIFIER = re.compile(r"(?<!\S)\S*\w[/_.-]\w\S*|(?<!\S)/\w\S*")
_MIN_IDENTIFIER_CHARS = 3  # "e.g" is no name
# "Which court ...", "What country's law ...": the answer names a place, a body or a court,
# so a quote that names none answers something else: a near miss, in a legal text often.
_NAMED_ANSWER = re.compile(
    r"(?:which|what)\s+(?:[\w-]+\s+)?(countr(?:y|ies)|states?|cit(?:y|ies)|provinces?|"
    r"regions?|courts?|compan(?:y|ies)|organi[sz]ations?|institutions?|universit(?:y|ies)|"
    r"agenc(?:y|ies)|ministr(?:y|ies)|bod(?:y|ies))\b",
    re.IGNORECASE,
)
_DATE_QUESTION = re.compile(r"\bwhen\b|\b(what|which) (year|date)\b", re.IGNORECASE)
# Text in documents is data: sentences that address an AI are never repeated as answers.
_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget) (all |any |the )?(previous|prior|above|earlier) "
    r"(instructions|prompts?|rules)|\b(you are|act as) (an? )?(ai|assistant|language model)\b"
    r"|\bsystem prompt\b",
    re.IGNORECASE,
)
# A sentence that opens by pointing back ("The city will...") is quoted with the one before;
# one that names what it points at ("The city of Ningbo ...") stands alone, and so does one
# that opens with a time ("This year", "These days": the present, not the sentence before).
# A linking adverb may come first, with or without a comma: "However, it ...", "Now it
# prints a longest one." (after "... it could mistakenly print a shorter one.").
_NOW = r"(?! (?:year|month|week|quarter|decade|century|time|days)\b)"
_LINKING = r"(?:now|then|also|so|thus|hence|instead|still|otherwise|therefore)"
_ANAPHORIC = re.compile(
    rf"^(?:[a-z]+(?: [a-z]+)?, |{_LINKING} )?"
    r"(the (city|province|region|country|government|plan|report|move|"
    rf"law|document)(?! of [A-Z])|it|its|this{_NOW}|these{_NOW}|those|they|their|he|she|his|her|"
    r"such)\b"
    r"|^(?:\w+ ){1,5}(these|those) \w+",  # "What is new is that these bonds ..."
    re.IGNORECASE,
)
_TERMINAL = tuple('.!?。！？…"”’)')


# What a sentence quotes or adds in brackets: “guo jin, min tui” (國進民退) says nothing itself.
_QUOTED_OR_BRACKETED = re.compile(r"“[^”]*”|\"[^\"]*\"|\([^)]*\)|\[[^\]]*\]")


def is_fragment(sentence: str, min_words: int, kind: str = "paragraph") -> bool:
    """Too short to answer on its own: fewer than `min_words` words, or, in prose short of
    a full stop, fewer than that outside its quotations and brackets (a term and its
    translation). A quotation that ends in a full stop ("“...,” Li said.") is a sentence;
    code and table rows have brackets of their own."""
    words = sentence.split()
    if kind in ("code", "table_row"):
        return len(words) < min_words
    if sum(any(c.isalnum() for c in word) for word in words) < min_words:
        return True  # in prose, marks such as "**" or "-" are no words: "** Changes in behavior"
    ends = sentence.rstrip().rstrip('"”’)]').endswith((".", "!", "?", "。", "！", "？", "…"))
    return not ends and len(_QUOTED_OR_BRACKETED.sub(" ", sentence).split()) < min_words


# A sentence that only sends the reader elsewhere: "See The testing distribution.", "For more
# details, please see the FAQ.", "Refer to Section 4."; it states nothing itself.
_POINTER = re.compile(
    r"^\W*(?:for (?:more |further )?(?:details|information)[^,.]*,\s*)?(?:please\s+)?"
    r"(?:see|refer to)\s",
    re.IGNORECASE,
)
_POINTER_MAX_WORDS = 15  # a longer sentence opening with "See" says more than where to look
_SEE_ALSO = re.compile(r"^\W*(?:see also|cf\.)\s", re.IGNORECASE)  # a pointer however long


def _introduces_code(sentences: Sequence[tuple[Span, str]], index: int) -> bool:
    """Whether the sentence at `index` is prose that a code block follows."""
    return (
        sentences[index][1] != "code"
        and index + 1 < len(sentences)
        and sentences[index + 1][1] == "code"
    )


# A plain word in lower case opens a sentence only where it goes on from one before it: not
# a code name ("sys.path is ...", "getLogger() returns ...").
_LOWER_CASE_OPENING = re.compile(r"^[a-z]+\b(?![.(_\[])")


def _continues_past_code(sentences: Sequence[tuple[Span, str]], index: int, text: str) -> bool:
    """Whether the prose at `index` is the rest of a sentence that a code block interrupts
    ("..., or, equivalently: <code> which is more concise and readable."): a fragment,
    which says nothing without the sentence and the code before it."""
    return (
        index > 0
        and sentences[index - 1][1] == "code"
        and sentences[index][1] not in ("code", "table_row")
        and _LOWER_CASE_OPENING.match(text) is not None
    )


def is_pointer(sentence: str) -> bool:
    """Whether the sentence only says where to look; no answer quotes it."""
    if _SEE_ALSO.match(sentence):
        return True
    return _POINTER.match(sentence) is not None and len(sentence.split()) <= _POINTER_MAX_WORDS


# "Which release ...", "In which year's report ...": asks which document.
_DOCUMENT_QUESTION = re.compile(
    r"\b(?:which|what)\s+(?:[\w-]+\s+){0,2}?(?:versions?|releases?|editions?|documents?|"
    r"reports?|articles?|revisions?|letters?|papers?|years?(?:['’]s)?|issues?|manuals?|"
    r"guides?|handbooks?|chapters?|sections?|pages?|licen[cs]es?|"
    r"specifications?|faqs?|howtos?|memos?|minutes|speech(?:es)?|statements?)\b",
    re.IGNORECASE,
)
# A question about a document's identity: who wrote it, when it appeared.
# ("whose" only as the question's opening: "List the cities whose growth targets the
# article reports" asks about cities, not the article's byline.)
_IDENTITY_QUESTION = re.compile(
    r"^\W*whose\b|\b(who|when|wrote|written|authors?|published|dated?)\b", re.I
)


def byline_terms(metadata: Mapping[str, Any]) -> frozenset[str]:
    """Who published a document and when, as terms: its author, publisher, date (with its
    month's name) and file name's words; not its title, which a one-line document takes
    from its only sentence."""
    fields = [str(metadata.get(key) or "") for key in ("author", "publisher", "published")]
    words = path_words(str(metadata.get("source") or ""))
    return identity_tokens(" ".join([*fields, *words]), fields[:2])


def states_only_identity(sentence: str, byline: frozenset[str]) -> bool:
    """A byline or dateline ("14:05, January 10, 2025 By Xiong Xinyi ( Global Times"): its
    every word is of its document's `byline_terms`, or a number. It says who and when,
    nothing on a subject, so it answers only a question about the document itself."""
    return all(token in byline or not token.isalpha() for token in tokenize(sentence))


# A run-in heading is at most this many words: "Grant of Copyright License."
_RUN_IN_WORDS = 6
_TITLE_SMALL_WORDS = frozenset(
    ["a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"]
)


def is_heading(sentence: str, title: str, capitalised_share: float) -> bool:
    """Headings and title lines carry no claim: no closing punctuation, and either in title
    case without commas (a byline such as "January 10, 2025 By X" is not a heading) or
    repeating the document title. A run-in heading ends in a full stop: a few title-case
    words opening a section's first line ("2. Grant of Copyright License. Subject to ...")."""
    words = [w for w in sentence.split() if w[:1].isalpha()]
    capitalised = sum(w[0].isupper() for w in words) / (len(words) or 1)
    shouted = bool(words) and all(w.isupper() for w in words)  # "TERMS AND CONDITIONS, ..."
    headline = capitalised >= capitalised_share and ("," not in sentence or shouted)
    if sentence.rstrip().endswith(_TERMINAL):
        # Every word in capitals but the small ones: "Grant of Copyright License.", not
        # "RFA stands for Request For Adoption."
        titled = all(w[0].isupper() or w.lower() in _TITLE_SMALL_WORDS for w in words)
        return titled and sentence.rstrip().endswith(".") and len(words) <= _RUN_IN_WORDS
    return headline or (
        bool(title) and normalise_for_matching(title) in normalise_for_matching(sentence)
    )


_INTERROGATIVE = re.compile(r"\b(what|which|who|whom|whose|where|why|how|when)\b", re.I)


def wanted_figure(question: str) -> str | None:
    """'quantity' for how much / how many / what share..., 'date' for when..., else None.

    The first interrogative says what is asked: "Which command sets how long ...?" asks
    for a command, not a duration. A question without one is searched whole.
    """
    first = _INTERROGATIVE.search(question)
    start = first.start() if first else 0

    def asks(pattern: re.Pattern[str]) -> bool:
        found = pattern.search(question, start)
        return found is not None and (first is None or found.start() == start)

    if asks(_QUANTITY_QUESTION):
        return "quantity"
    return "date" if asks(_DATE_QUESTION) else None


def asked_kind_of_name(question: str) -> str | None:
    """The kind of named thing the question asks for ("court" of "Which court has
    jurisdiction ...?"), when its first interrogative asks for one; "person" when it asks
    who wrote, maintains, edited or published something (a name answers that, where a
    "who" of a licence may be answered by a role: "the original copyright holder")."""
    if asks_for_maker(question):
        return "person"
    first = _INTERROGATIVE.search(question)
    found = _NAMED_ANSWER.match(question, first.start()) if first else None
    return found[1].lower() if found else None


def asks_for_artefact(question: str) -> bool:
    """Whether the question asks which tool, command, file, package... does something."""
    return _ARTEFACT_QUESTION.search(question) is not None


def asks_for_document(question: str) -> bool:
    """Whether the answer is which document says it: "Which sed release added --debug?",
    "In which year's letter did Smith propose it?" (the document's identity is the answer)."""
    return _DOCUMENT_QUESTION.search(question) is not None


def asks_for_code(question: str) -> bool:
    """Whether code may answer the question: it asks how to do something, or for a command,
    an example or code ("Which command ...", "How do I ..."), not what an option does."""
    return _CODE_QUESTION.search(question) is not None


def identifiers(text: str, rare_zipf: float) -> set[str]:
    """What reads as the name of a thing on a system: paths and joined names
    ("/etc/inputrc", "isc-dhcp-server") and words rare in English ("rsync", "atrm")."""
    joined = (match.group().strip(".,;:()[]\"'").lower() for match in _IDENTIFIER.finditer(text))
    found = {name for name in joined if sum(c.isalnum() for c in name) >= _MIN_IDENTIFIER_CHARS}
    return found | {word.lower() for word in distinctive_words(text, rare_zipf)}


def brings(stated: list[str], asked: set[str], wants: str | None) -> bool:
    """Whether a quote stating these numbers gives a figure of the kind asked for that the
    question does not already give: any number for a date ('March 5', '2024'), not a year
    for a quantity (a question about 2025 is not answered by 'in 2025 than in 2024')."""
    new = [number for number in stated if number not in asked]
    if wants == "date":
        return bool(new)
    return wants == "quantity" and any(not YEAR.match(number) for number in new)


def is_instruction(text: str) -> bool:
    return _INSTRUCTION.search(text) is not None


@dataclass
class Candidate:
    """A passage sentence that could be quoted, with its score and the terms it covers."""

    passage: Document
    rank: int
    start: int
    end: int
    text: str
    score: float
    terms: frozenset[str]
    context_start: int  # where the quote starts when the sentence needs the one before it
    features: dict[str, float] = field(default_factory=dict)
    companion: bool = False  # joined an answer beside a better sentence (`selection.py`)
    cut: tuple[bool, bool] = (False, False)  # quoted without its start, its end (`clauses.py`)
    items_start: int | None = None  # a lead-in's quote goes on with the items it announces

    @property
    def key(self) -> tuple[str, int]:
        """Where the sentence stands in its source: the same sentence reached through two
        overlapping passages, or through two parts of a question, is one candidate."""
        return (self.passage.metadata["source"], self.start)

    def overlaps(self, other: Candidate) -> bool:
        """Whether the two quotes share a stretch of their document: a sentence quoted with
        the one before it as context overlaps that sentence's own quote."""
        same = self.passage.metadata["source"] == other.passage.metadata["source"]
        return same and self.context_start < other.end and other.context_start < self.end

    @property
    def shown(self) -> str:
        """The quote as an answer shows it: the source's exact words, its hard line breaks
        read as spaces and its "[n]" no citation markers, "…" where a sentence was cut,
        without the bullet that opens a list item ("- Remove previously deprecated code.")
        and, from a Markdown file, without inline syntax ("Added --mkpath option", not
        "Added [`--mkpath`](rsync.1#opt) option")."""
        quote = self.quote
        if is_markdown(str(self.passage.metadata.get("source", ""))):
            quote = rendered_inline(quote)
        words = _BULLET.sub("", " ".join(neutralise_markers(quote).split()))
        return f"{'… ' if self.cut[0] else ''}{words}{' …' if self.cut[1] else ''}"

    @property
    def quote(self) -> str:
        """The sentence, with the one before it when it opens by pointing back."""
        base = int(self.passage.metadata["start"])
        return self.passage.page_content[self.context_start - base : self.end - base]


# A list item's bullet: release notes and plain-text lists open their items with one.
_BULLET = re.compile(r"^[-*•‣◦·–]\s+")


# What the model sees of a candidate, in the order of the fitted file.
FEATURES: tuple[str, ...] = (
    "coverage",  # IDF share of the question's terms in the quote or its document heading
    "passage_coverage",  # the same share over the whole passage
    "reciprocal_rank",  # 1 / (1 + the passage's rank)
    "passage_similarity",  # the passage's dense similarity to the question (0 without)
    "names",  # share of the question's names the quote has (part credit: its document)
    "brings_figure",  # a new figure of the kind asked for
    "lacks_figure",  # a figure is asked for and the quote brings none
    "other_year",  # states only other years than the one asked about
    "heading",  # a heading or title line
    "question",  # the sentence is itself a question
    "code",  # from a code block
    "table",  # a table row
    "needs_context",  # opens by pointing back, so is quoted with the sentence before
    "log_words",  # log of the quote's length in words
    "brings_identifier",  # a tool, file or package is asked for and the quote names one
    "sentence_similarity",  # the quote's own similarity in meaning to the question
)
# The model also sees each feature as its gap to the best value among the candidates of the
# same question, so a pointwise model ranks within a question (5-fold CV on the tuning
# part: best-3 holds the answer for 0.805 of the cases without the gaps, 0.866 with them).
MODEL_INPUTS: tuple[str, ...] = FEATURES + tuple(f"{name}_gap" for name in FEATURES)


def of_named_documents(candidates: list[Candidate]) -> list[Candidate]:
    """Those from the documents the question names (retrieval flags their passages); all
    of them when none is."""
    named = [c for c in candidates if c.passage.metadata.get(NAMED_SCOPE_KEY) is True]
    return named or candidates


def named_first(ranked: list[Candidate], ratio: float) -> list[Candidate]:
    """The ranking led by the best sentence of a document the question names ("In rsync's
    August 2020 release, ...") when another document's leads and it scores at least `ratio`
    of that: the question said where the answer is."""
    if ranked[0].passage.metadata.get(NAMED_SCOPE_KEY) is not False:
        return ranked  # no document named, or the best is from one
    named = next((c for c in ranked if c.passage.metadata.get(NAMED_SCOPE_KEY) is True), None)
    if named is None or named.score < ratio * ranked[0].score:
        return ranked
    return [named, *(c for c in ranked if c is not named)]


def with_gaps(features: list[dict[str, float]]) -> list[dict[str, float]]:
    """Each candidate's features and their gaps to the best of the question's candidates."""
    if not features:
        return []
    best = {name: max(values[name] for values in features) for name in FEATURES}
    return [
        values | {f"{name}_gap": values[name] - best[name] for name in FEATURES}
        for values in features
    ]


def _same_paragraph(text: str, paragraphs: list[Span] | None, before: Span, sentence: Span) -> bool:
    """Whether a sentence stands in the paragraph of the one before it: a sentence that
    opens a paragraph ("The government report ...") is not read as continuing the last."""
    if paragraphs:
        return not any(before.end <= p.start <= sentence.start for p in paragraphs)
    return "\n" not in text[before.end : sentence.start]


def quote_similarity(
    similarities: list[tuple[int, int, float]], start: int, end: int, passage: float
) -> float:
    """The stored similarity of the sentences a quote spans (the mean, when it has the one
    before it too); the passage's own when none was stored (an index built before, a
    sentence past the model's input length)."""
    inside = [score for first, last, score in similarities if first >= start and last <= end]
    return sum(inside) / len(inside) if inside else passage


class SentenceScorer:
    """Scores every sentence of the passages against a question."""

    def __init__(
        self,
        lexical: LexicalIndex,
        weights: AnswererWeights,
        model: SentenceModel | None = None,
    ) -> None:
        self.lexical = lexical
        self.weights = weights
        self.model = model or load_sentence_model()
        # Each document's acronyms, with the text they were read from (a rebuilt index
        # gives a new text object).
        self._acronyms: dict[str, tuple[str, dict[str, frozenset[str]]]] = {}

    def acronyms(self, source: str) -> dict[str, frozenset[str]]:
        """The acronyms the document defines, each as the terms of the words it stands for."""
        text = self.lexical.source_text(source)
        known = self._acronyms.get(source)
        if known is None or known[0] is not text:
            defined = {
                token: frozenset(tokenize(words))
                for acronym, words in acronym_definitions(text).items()
                for token in tokenize(acronym)
            }
            known = self._acronyms[source] = (text, defined)
        return known[1]

    def term_weights(self, question: str) -> dict[str, float]:
        """The question's subject terms, each weighted by its IDF; in a joined follow-up
        ("How do I restrict crontab — is there an equivalent for at?"), a term only the
        earlier question has weighs less: what is asked now decides the answer."""
        terms = [t for t in tokenize(question) if t not in _GENERIC]
        now = set(tokenize(asked_now(question)))
        earlier = self.weights.earlier_question_weight
        return {term: self.lexical.idf(term) * (1.0 if term in now else earlier) for term in terms}

    def coverage(self, question: str, candidate: Candidate) -> float:
        weights = self.term_weights(question)
        return sum(weights[t] for t in candidate.terms) / (sum(weights.values()) or 1.0)

    def candidates(self, question: str, passages: list[Document]) -> list[Candidate]:
        """Every quotable sentence, best first (one candidate per sentence of a source)."""
        tuned = self.weights
        weights = self.term_weights(question)
        total = sum(weights.values()) or 1.0
        wants = wanted_figure(question)
        asked_numbers = set(numbers(question))
        question_names = names(question)
        artefact = asks_for_artefact(question)
        known = identifiers(question, tuned.distinctive_max_zipf)
        asked_years = {n for n in asked_numbers if YEAR.match(n)}
        about_documents = _IDENTITY_QUESTION.search(question) is not None
        found: dict[tuple[str, int], Candidate] = {}
        names_in: dict[str, set[str]] = {}  # the question's names each document has
        for rank, passage in enumerate(passages):
            text = passage.page_content
            base = int(passage.metadata["start"])
            title = str(passage.metadata.get("title", ""))
            chunk_kind = str(passage.metadata.get("kind", "prose"))
            block_kinds = str(passage.metadata.get("block_kinds", "")).split(",")
            heading_terms = set(tokenize(heading(passage.metadata))) & weights.keys()
            byline = byline_terms(passage.metadata) if not about_documents else frozenset()
            source = passage.metadata["source"]
            if source not in names_in:  # a document's text is scanned once per question
                document = self.lexical.source_text(source)
                names_in[source] = {
                    name for name in question_names if self.lexical.mentions(name, document)
                }
            in_document = names_in[source]
            acronyms = self.acronyms(source)
            passage_terms = set(tokenize(with_heading(text, passage.metadata))) & weights.keys()
            passage_features = {
                "passage_coverage": sum(weights[t] for t in passage_terms) / total,
                "reciprocal_rank": 1 / (1 + rank),
                "passage_similarity": float(passage.metadata.get("dense_score") or 0.0),
            }
            paragraphs = decode_spans(passage.metadata.get("paragraphs"))
            similarities = passage.metadata.get("sentence_similarities") or []
            sentences = passage_sentences(text, paragraphs, block_kinds, chunk_kind)
            spans = [span for span, _ in sentences]
            for index, (span, kind) in enumerate(sentences):
                sentence = text[span.start : span.end]
                # A lead-in is quoted with the items it announces, never alone; one that
                # introduces an example ("..., leaving the maxsize at its default value of
                # 128:" before the code) says its fact itself.
                lead_in = is_lead_in(sentence) and not _introduces_code(sentences, index)
                end = (
                    announced_items(text, spans, index, tuned.max_quote_words)
                    if lead_in
                    else span.end
                )
                if (
                    is_fragment(sentence, tuned.min_sentence_words, kind)
                    or _continues_past_code(sentences, index, sentence)
                    or is_instruction(sentence)
                    or is_pointer(sentence)
                    or (lead_in and end == span.end)
                    or (not about_documents and states_only_identity(sentence, byline))
                ):
                    continue
                anaphoric = (
                    index > 0
                    and _ANAPHORIC.match(sentence) is not None
                    and _same_paragraph(text, paragraphs, spans[index - 1], span)
                )
                context = spans[index - 1].start if anaphoric else span.start
                quote = text[context:end]  # what the answer will say: score all of it
                said = set(tokenize(quote))
                # A sentence on the GWR speaks of the government work report it stands for.
                said |= {t for a in said & acronyms.keys() for t in acronyms[a]}
                terms = frozenset(said & weights.keys())
                normalised = normalise_for_matching(quote)
                stated = numbers(quote)
                stated_years = {n for n in stated if YEAR.match(n)}
                name_hits = sum(
                    1.0
                    if occurs(name, normalised)
                    else tuned.name_in_document_only
                    if name in in_document
                    else 0.0
                    for name in question_names
                )
                bringing = brings(stated, asked_numbers, wants)
                features = passage_features | {
                    "code": float(kind == "code"),
                    "table": float(kind == "table"),
                    "coverage": sum(weights[t] for t in terms | heading_terms) / total,
                    "names": name_hits / len(question_names) if question_names else 0.0,
                    "brings_figure": float(bringing),
                    "lacks_figure": float(wants is not None and not bringing),
                    "other_year": float(
                        bool(asked_years and stated_years and not asked_years & stated_years)
                    ),
                    "heading": float(is_heading(sentence, title, tuned.heading_capitalised_share)),
                    "question": float(sentence.rstrip().endswith(("?", "？"))),
                    "needs_context": float(anaphoric),
                    "log_words": math.log(len(quote.split())),
                    "brings_identifier": float(
                        artefact and bool(identifiers(quote, tuned.distinctive_max_zipf) - known)
                    ),
                    "sentence_similarity": quote_similarity(
                        similarities, context, end, passage_features["passage_similarity"]
                    ),
                }
                candidate = Candidate(
                    passage,
                    rank,
                    base + span.start,
                    base + end,
                    sentence,
                    0.0,
                    terms,
                    base + context,
                    features,
                    items_start=base + span.end if end != span.end else None,
                )
                # The same sentence through two passages: keep the better-ranked passage.
                if candidate.key not in found or found[candidate.key].rank > rank:
                    found[candidate.key] = candidate
        unique = list(found.values())
        for candidate, inputs in zip(unique, with_gaps([c.features for c in unique])):
            candidate.features = inputs
            candidate.score = self.model.probability(inputs)
        return sorted(unique, key=lambda c: c.score, reverse=True)
