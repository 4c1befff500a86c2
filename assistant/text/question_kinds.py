"""What kind of answer a question asks for: one fact, an overview, a list, a timeline or a
comparison. Analysts ask all five; each is answered from cited sentences in its own shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.text.compound_questions import question_parts
from assistant.text.follow_ups import asked_now
from assistant.text.names_figures import IRREGULAR_PLURALS, names, numbers
from assistant.text.terms import tokenize

QuestionKind = Literal["fact", "overview", "list", "timeline", "comparison"]

_OVERVIEW = re.compile(
    r"^\s*(?:please\s+)?(?:summari[sz]e|sum up|outline)\b"
    r"|\b(?:give|provide|write)\s+(?:me\s+)?(?:an?\s+)?(?:brief\s+|short\s+)?(?:overview|summary)\b"
    r"|^\s*(?:an?\s+)?(?:overview|summary)\s+of\b"
    r"|\b(?:main|key|major|central)\s+(?:themes?|points?|topics?|takeaways?|messages?|ideas?)\b"
    r"|\bwhat\s+(?:do|does)\s+(?:the\s+)?[\w' -]{0,60}?\b(?:cover|discuss)\b"
    # "... say about why Python uses indentation?" asks one thing of the document: a fact.
    # (Said, written or reported alike: "What did the Global Times report on Dalian?")
    r"|\bwhat\s+(?:do|does|did)\s+(?:the\s+)?[\w.'’ -]{0,40}?\b"
    r"(?:say|write|report|tell\s+(?:us|me))\s+(?:about|on|regarding|concerning)\b"
    r"(?!\s+(?:why|how|whether|what|which|when|where|who)\b)"
    # "What changed in nano 7.0?": all a release changed; not "What changed in nano 7.0
    # about ...", which asks one thing.
    r"|^\s*what\s+(?:has\s+|have\s+)?changed\s+in\s+[^?]{1,60}\??\s*$",
    re.IGNORECASE,
)
# "What did sed 4.9 change?", "What did the October 2021 Click releases fix?": all that the
# releases did of that kind, an overview whose verb is the request, not its subject.
_WHAT_THEY_DID = re.compile(
    r"^\s*what\s+(?:did|does)\s+[^?]{1,60}?\s+(change|fix|add|remove|drop|deprecate|"
    r"introduce|improve)\s*\??\s*$",
    re.IGNORECASE,
)
# The same asked in the passive: "What was dropped in Click 8.1.0?", "In the March 2022
# Click release, what was fixed?", "What's new in sed 4.8?" (all it changed).
_WHAT_WAS_DONE = re.compile(
    r"^\s*(?:(?:in|for)\s+[^,?]{1,60},\s*)?what(?:\s+(?:was|were|is|are|has\s+been|have\s+been)"
    r"|['’]s)\s+(changed|fixed|added|removed|dropped|deprecated|introduced|improved|new)"
    r"(?:\s+(?:in|by|from|with|since)\s+[^?]{1,60}?)?\s*\??\s*$",
    re.IGNORECASE,
)
_VERB_OF = {"fixed": "fix", "added": "add", "dropped": "drop", "new": "change"}


def _asked_change(question: str) -> tuple[str, str] | None:
    """What "What did X fix?" or "What was fixed in X?" asks of releases: the word as the
    question writes it, and its verb ("fixed" -> "fix"). None for any other question."""
    did = _WHAT_THEY_DID.search(question)
    if did:
        return did[1], did[1].lower()
    done = _WHAT_WAS_DONE.search(question)
    if done:
        word = done[1].lower()
        return done[1], _VERB_OF.get(word, word.removesuffix("d"))
    return None


_LIST = re.compile(
    r"^\s*(?:list|name|enumerate)\s+(?:all|every|each|the)\b"
    r"|^\s*(?:which|what)\s+(?:\w+\s+){0,2}?(?:cities|provinces|regions|countries|states|"
    r"measures|sectors|industries|tools|options|commands|features|changes|fixes|bugs|"
    r"experts|authors|people|companies|firms|products|programs|policies|laws|projects|"
    r"releases|versions|areas|fields|targets|goals|steps|items|ways|places|types|kinds)\b"
    r"|\bevery\s+(?:city|province|region|country|measure|release|version)\b",
    re.IGNORECASE,
)
# "Which infinite iterators does itertools provide?", "In nano 6.0, which new color names
# were added?", "Which subdirectories of /var does the FHS mark optional?": the noun the
# question word asks about (the word before the first auxiliary, or before "of") is the
# answer's kind, and a plural one asks for several things. Without an auxiliary the noun is
# not told from the verb ("Which command warns users ...?") and a preposition ends the
# phrase ("Which experiment for reflowing paragraphs did sed drop?" asks for one thing).
_AUXILIARY = (
    r"(?:do|does|did|are|were|is|was|have|has|had|can|could|will|would|should|must|may|might)"
)
_PREPOSITION = r"(?:of|in|on|for|from|to|with|under|about|over|at|by|into|than|if|that)"
_ASKED_NOUN = re.compile(
    r"(?:^|[,;:]\s*)(?:which|what)\s+(?:of\s+the\s+|(?:are|were)\s+the\s+)?"
    rf"(?:(?!{_AUXILIARY}\b|{_PREPOSITION}\b)[\w'’./“”\"-]+\s+){{0,4}}?"
    rf"(?!{_AUXILIARY}\b|{_PREPOSITION}\b)([\w'’./-]+)[“”\"]?\s+(?:{_AUXILIARY}|of)\b",
    re.IGNORECASE,
)


def _plural(word: str) -> bool:
    """Whether a noun is plural: "iterators", "CVEs", "people"; not "process", "status",
    "analysis" or a possessive."""
    lower = word.lower()
    return lower in IRREGULAR_PLURALS or (
        len(lower) > 3
        and lower.endswith("s")
        and not lower.endswith(("ss", "us", "is", "'s", "’s"))
    )


def asks_for_several(question: str) -> bool:
    """Whether the thing the question word asks about is plural."""
    found = _ASKED_NOUN.search(question)
    return found is not None and _plural(found[1])


_YEAR = r"(?:19|20)\d\d"
_SPAN = re.compile(rf"\bfrom\s+({_YEAR})\s+(?:to|until|through)\s+({_YEAR})\b", re.IGNORECASE)
# "from version 3.1.3 to 3.2.7", "from 7.0 to 8.0.4": a span of releases, not of years.
_VERSION = r"(?:version\s+|v)?(\d+(?:\.\d+)+)"
_VERSION_SPAN = re.compile(rf"\bfrom\s+{_VERSION}\s+(?:to|until|through)\s+{_VERSION}\b", re.I)
# What a collection's documents follow one another as: years, releases, editions, meetings.
_SERIES = r"(?:years|time|decades?|releases|versions|editions|issues|reports|meetings|sessions)"
_TIMELINE = re.compile(
    rf"\b(?:(?:over|across|through(?:out)?)\s+(?:the\s+|its\s+|their\s+)?{_SERIES}|"
    rf"since\s+{_YEAR}|evolution\s+of|timeline|year\s+by\s+year|evolved?|"
    r"develop(?:ed)?\s+over)\b",
    re.IGNORECASE,
)
_CHANGE = re.compile(
    r"\bhow\s+(?:did|has|have|do|does)\b.*\b(?:chang|evolv|develop|shift|feature)", re.IGNORECASE
)
_COMPARE = re.compile(
    r"^\s*(?:please\s+)?compare\b|\bversus\b|\bvs\.?\s|\bcompared?\s+(?:with|to)\b"
    r"|\bdifferences?\s+between\b|\bdiffer(?:s|ed)?\s+(?:between|from)\b"
    r"|\bchang(?:e|ed|es)?\s+between\b|\bhow\s+does\s+.+\s+compare\b",
    re.IGNORECASE,
)
# "How did grep 3.7 and 3.8 differ?", "What changed in grep between 3.7 and 3.8?": asks for
# a difference, a comparison when two things stand side by side.
_DIFFER = re.compile(r"\bdiffer(?:s|ed|ences?)?\b|\bchang(?:e|ed|es)?\b.*\bbetween\b", re.I)
# A side is a name, a year, a version, a thing and its version ("grep 3.8", "Click 7.0",
# "GPL 2", "Debian 12"), or a function.
_TERM = (
    r"(?:[\w.]*\w\(\)"  # a function as code names it: "shutil.copy()", "match()"
    r"|[A-Z][\w-]*(?:\s+[A-Z][\w-]*)+\s+v?\d+(?:\.\d+)*\b(?!\.\d)"
    r"|[\w-]+\s+v?\d+(?:\.\d+)+|[A-Z][\w-]*\s+\d+\b(?!\.\d)"
    r"|[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*|(?:19|20)\d\d|v?\d+(?:\.\d+)+)"
)
# "Ningbo and Sanya", "2024 versus 2025", "grep 3.7 or 3.8", "the FHS and the Debian FAQ":
# two named things side by side.
_PAIR = re.compile(rf"({_TERM})(?:['’]s)?\s+(?:and|versus|vs\.?|or)\s+(?:the\s+)?({_TERM})")
_EACH = re.compile(r"\beach\b", re.IGNORECASE)
# "... compare with developed economies": the other side follows "with" or "to".
# A version with or without its dot: "version 2", "3", "v1.1".
_NUMBERED = r"(?:version\s+|v)?(\d+(?:\.\d+)*)"
_AGAINST = re.compile(
    rf"\bcompared?\s+(?:with|to)\s+(?:the\s+)?({_NUMBERED}|[\w-]+(?:\s+[\w-]+)?)", re.I
)


@dataclass(frozen=True)
class QuestionShape:
    kind: QuestionKind
    sides: tuple[str, ...] = ()  # a comparison's sides, as the question names them


def question_kind(question: str) -> QuestionShape:
    """The kind of answer asked for, and for a comparison its two sides. A compound
    question ("On what date ..., and how did ... change between 2024 and 2025?") is
    answered part by part, as facts."""
    if len(question_parts(question)) > 1:
        return QuestionShape("fact")
    span = _SPAN.search(question)
    # "What did nano 5.0 and nano 6.0 each add?" asks for both sides as a comparison does.
    each = _EACH.search(question) is not None and _PAIR.search(question) is not None
    differ = _DIFFER.search(question) is not None and _PAIR.search(question) is not None
    if _COMPARE.search(question) or each or differ or (span and int(span[2]) - int(span[1]) == 1):
        sides = comparison_sides(question)
        if sides:
            return QuestionShape("comparison", sides)
    # "How did X change from the 2021 FAQ to the 2022 handbook and the 2023 reference?"
    years = {n for n in numbers(question) if re.fullmatch(_YEAR, n)}
    spans = span or _VERSION_SPAN.search(question) or len(years) >= 2
    if _TIMELINE.search(question) or (spans and _CHANGE.search(question)):
        return QuestionShape("timeline")
    if _OVERVIEW.search(question) or _asked_change(question):
        return QuestionShape("overview")
    if _LIST.search(question) or asks_for_several(question):
        return QuestionShape("list")
    return QuestionShape("fact")


def _side(text: str) -> str:
    """A side as the documents would name it: no request verb, possessive or full stop."""
    words = text.strip(" .?!,").split()
    while len(words) > 1 and words[0].lower() in (
        "compare", "how", "what", "which", "and", "between", "from", "in", "did", "do", "does"
    ):  # fmt: skip
        words = words[1:]
    return re.sub(r"['’]s$", "", " ".join(words))


def comparison_sides(question: str) -> tuple[str, ...]:
    """The two things compared: the years of "from 2024 to 2025", two names or years side by
    side ("Ningbo and Sanya"), two years, a name and what it is "compared with", or the
    question's first two names."""
    span = _SPAN.search(question)
    if span:
        return (span[1], span[2])
    pair = _PAIR.search(question)
    if pair:
        first, second = _side(pair[1]), _side(pair[2])
        # "grep 3.7 and 3.8": the second version is of the thing the first names.
        named = re.fullmatch(rf"(.+?)\s+{_VERSION}", first)
        if named and re.fullmatch(_VERSION, second):
            second = f"{named[1]} {second}"
        return (first, second)
    years = list(dict.fromkeys(n for n in numbers(question) if re.fullmatch(_YEAR, n)))
    if len(years) == 2:
        return (years[0], years[1])
    found = names(question)
    against = _AGAINST.search(question)
    if against and found:
        # "the GPL version 3 compared with version 2": two versions of the thing named.
        other = re.fullmatch(_NUMBERED, against[1].strip(), re.IGNORECASE)
        own = re.search(rf"\b{re.escape(found[0])}\s+{_NUMBERED}", question, re.IGNORECASE)
        if other and own:
            return (f"{found[0]} {own[1]}", f"{found[0]} {other[1]}")
        return (found[0], against[1])
    return tuple(found[:2]) if len(found) >= 2 else ()


# Words that ask for a kind of answer or point at the collection, not at a subject.
_REQUEST_WORDS = """
summarise summarize summary overview outline sum theme themes point
points topic topics takeaway takeaways message messages idea ideas document documents
collection text texts article articles report reports note notes analysis analyses paper
papers page pages piece pieces letter letters chapter chapters section sections cover covers
docs documentation handbook handbooks manual manuals guide guides release releases
say says said give provide write writes wrote written brief short list name every all each
tell tells told us mention mentions mentioned reported
compare comparison versus change changed evolve evolved develop developed over years time
timeline evolution since between difference differences differ differs differed please me
"""
_REQUEST = frozenset(tokenize(_REQUEST_WORDS))
# "the main themes", "the key points": a request; "key functions", "major cities": a subject.
_RANKED_REQUEST = re.compile(
    r"\b(main|key|major|central)\s+(?=(?:themes?|points?|topics?|takeaways?|messages?|"
    r"ideas?)\b)",
    re.IGNORECASE,
)


def topic_terms(question: str) -> list[str]:
    """The terms that say what an overview or list is about ("consumption"), beyond the
    request itself and the names of documents: none for "Summarise the main themes". The
    noun a year or version qualifies is the kind of document meant ("Summarise the nano 6.0
    release", "the 1954 message says"), not its subject."""
    named = {t for phrase in names(question) for t in tokenize(phrase)}
    figures = set(numbers(question))
    kinds = {t for match in _KIND_AFTER_FIGURE.finditer(question) for t in tokenize(match[1])}
    kinds |= {t for match in _KIND_AFTER_NAME.finditer(question) for t in tokenize(match[1])}
    change = _asked_change(question)
    request = _REQUEST | set(tokenize(change[0]) if change else ())
    asked = _RANKED_REQUEST.sub(" ", question)
    return [
        t
        for t in tokenize(asked)
        if t not in request and t not in named and t not in figures and t not in kinds
    ]


# "What does the Global Times article say about innovation?": what follows "say about"
# is the subject asked of the document, even where the document's title carries it.
_SAID_ABOUT = re.compile(
    r"\b(?:say|says|said|write|writes|wrote|report|reports|reported)\s+"
    r"(?:about|on|regarding|concerning)\s+([^?]+)",
    re.IGNORECASE,
)


def said_about_clause(question: str) -> str | None:
    """What the question asks a document or speaker to have said something about, as it
    writes it ("artificial intelligence in 2024" in "What did Li Qiang say about artificial
    intelligence in 2024?"); None when it asks no such thing."""
    found = _SAID_ABOUT.search(question)
    return found[1] if found else None


def said_about(question: str) -> set[str]:
    """The terms of what the question asks a document to have said something about
    ("innovation" in "What does the Global Times article say about innovation?"); none when
    it asks no such thing."""
    clause = said_about_clause(question)
    return set(topic_terms(clause)) if clause else set()


def release_verb(question: str) -> str | None:
    """What "What did X fix?" or "What was fixed in X?" asks of releases ("fix", "add",
    "remove", ...): the kind of change an overview of them quotes first. None for "change"
    and "what's new" (all a release does is one) and for any other question."""
    change = _asked_change(question)
    return change[1] if change and change[1] != "change" else None


def overviews_documents(question: str) -> bool:
    """Whether the question asks for an overview of documents as a whole ("Give me an
    overview of the Gutenprint 5.2 User's Manual"), naming no subject in them."""
    return question_kind(question).kind == "overview" and not topic_terms(question)


# The nouns that say what kind of document a word before them names: "the secrets module",
# "the BSD license", "the kbd package".
DOCUMENT_NOUN = (
    r"(?:module|package|command|page|section|chapter|manual|guide|handbook|howto|faq|"
    r"document|report|letter|article|licen[cs]e|speech|memo|minutes|tutorial|paper|"
    r"statement)s?"
)
# "the BSD license": the kind of document a name names, not a subject of it.
_KIND_AFTER_NAME = re.compile(rf"\b[A-Z][\w.-]*\s+({DOCUMENT_NOUN})\b")
# A word after a year or version that ends its noun phrase: before punctuation, the end,
# a possessive, or a verb or preposition that starts what is asked of it.
_KIND_AFTER_FIGURE = re.compile(
    r"(?<![\w.])\d+(?:\.\d+)*\s+([^\W\d_]+)(?=['’]s\b|\s*[?.!,;:)]|\s*$|\s+(?:say|says|said|"
    r"cover|covers|covered|do|does|did|is|was|were|are|has|had|have|of|on|about|in|for|from|to|"
    r"and|or|by|with)\b)",
    re.IGNORECASE,
)


_COMPARING = re.compile(
    r"\b(?:compare[sd]?|comparison|versus|vs\.?|differ(?:s|ed|ences?)?|chang(?:e|ed|es))\b",
    re.IGNORECASE,
)


def compared_on(question: str) -> str:
    """The question without the words that ask for a comparison: what each side is to be
    quoted on ("How do the GPL 2 and the GPL 3 differ on patents?" -> patents, not a
    sentence saying versions "may differ in detail")."""
    return _COMPARING.sub(" ", question)


# "Who wrote the Sorting HOWTO?", "Who is the author of ...": the question opens with it
# (not "... against the Contributor who drafted it?").
_AUTHOR_QUESTION = re.compile(
    r"^\W*who\s+(?:wrote|authored|drafted|penned|(?:is|was|are|were)\s+the\s+authors?)\b",
    re.IGNORECASE,
)


def asks_for_author(question: str) -> bool:
    """Whether the question asks who wrote a document: answered where a document states
    its author, which its opening usually does. Of a follow-up joined to the question before
    ("When was the GPL 3 published — Who wrote it?"), what is asked now."""
    return _AUTHOR_QUESTION.search(asked_now(question)) is not None


# "Who maintains nano?", "Who is the editor of ...?": asked, like the author, for who
# made or keeps something.
_KEEPER_QUESTION = re.compile(
    r"^\W*who\s+(?:maintains|maintained|edits|edited|publishe[sd]|"
    r"(?:is|was|are|were)\s+the\s+(?:maintainers?|editors?|publishers?))\b",
    re.IGNORECASE,
)


def asks_for_maker(question: str) -> bool:
    """Whether the question asks who wrote, maintains, edited or published something: a
    person's or a body's name answers it, where a bare "who" of a licence may be answered
    by a role ("the original copyright holder")."""
    return asks_for_author(question) or _KEEPER_QUESTION.search(asked_now(question)) is not None


# "When was the GPL version 3 published?", "When did nano 7.0 come out?": the date of a
# document, which its header or file name gives (not "When did Guido start writing Python?").
_DOCUMENT_DATE_QUESTION = re.compile(
    r"^\W*when\s+(?:was|were|did)\b[^?]{0,80}?\b(?:published|released|issued|written|dated|"
    r"adopted|signed|enacted|come\s+out|appear(?:ed)?)\b",
    re.IGNORECASE,
)


# "When did ...?", "In what year was ...?": a question whose answer is a time, not "When a
# maintainer gives up a package, who ...?", which asks something else under a condition.
_WHEN_QUESTION = re.compile(
    r"^\W*(?:(?:and|so|then|in|on)\s+)?(?:when\s+(?:was|were|did|does|do|is|are|will|has|"
    r"have|had|would|could)\b|(?:what|which)\s+(?:year|date|day|month)\b)",
    re.IGNORECASE,
)


def asks_when(question: str) -> bool:
    """Whether the question asks when something happened or appeared."""
    return _WHEN_QUESTION.search(asked_now(question)) is not None


def asks_for_date(question: str) -> bool:
    """Whether the question asks when a document appeared: answered, like its author, where
    the document states its date."""
    return _DOCUMENT_DATE_QUESTION.search(asked_now(question)) is not None


def asks_for_identity(question: str) -> bool:
    """Whether the question asks who wrote a document or when it appeared."""
    return asks_for_author(question) or asks_for_date(question)
