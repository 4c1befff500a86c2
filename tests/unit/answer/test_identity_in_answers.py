"""A document's identity (who wrote it, when, under which title) in answers: it says which
document is meant, is not an answer itself, and is never reported missing from it."""

from __future__ import annotations

from collections import Counter

from langchain_core.documents import Document

from assistant.answer.citations import abstention, document_label
from assistant.answer.extractive.answerer import ExtractiveAnswerer
from assistant.answer.extractive.scoring import SentenceScorer, states_only_identity
from assistant.answer.extractive.sentence_model import SentenceModel
from assistant.config import AnswererWeights
from assistant.retrieve.scope import NAMED_SCOPE_KEY
from assistant.text.names_figures import occurs
from assistant.text.normalise import normalise_for_matching
from assistant.text.terms import tokenize

BYLINE = "14:05, January 10, 2025 By Xiong Xinyi ( Global Times"
SANYA = "Sanya in South China's Hainan Province has projected a GDP growth rate of around 6.5%."
NINGBO = "The city of Ningbo in East China's Zhejiang Province set a growth target of 5.5%."
NOTE = "Guangdong and Zhejiang both downgraded the priority of domestic demand this year."
ALWAYS = SentenceModel(features=(), mean=(), scale=(), coef=(), intercept=5.0, threshold=0.5)


class Collection:
    """Stands in for the lexical index: documents with their texts and identities (a
    document's text starts with its identity, as its heading)."""

    def __init__(self, texts: dict[str, str], identities: dict[str, str]) -> None:
        self.texts = {
            source: normalise_for_matching(f"{identities.get(source, '')} {text}")
            for source, text in texts.items()
        }
        self._identities = {s: frozenset(tokenize(i)) for s, i in identities.items()}

    def idf(self, token: str) -> float:
        return 1.0

    def refresh(self) -> None:
        """Nothing to rebuild: there is no store behind it."""

    def mentions(self, term: str, normalised_text: str) -> bool:
        return occurs(term, normalised_text)

    def source_text(self, source: str) -> str:
        return self.texts.get(source, "")

    def mentioned_anywhere(self, term: str) -> bool:
        return any(self.mentions(term, text) for text in self.texts.values())

    def identities(self) -> dict[str, frozenset[str]]:
        return self._identities

    def knows(self, token: str) -> bool:
        return any(token in tokenize(text) for text in self.texts.values())

    def identity_carriers(self) -> Counter[str]:
        return Counter(term for terms in self._identities.values() for term in terms)

    def shared_dates(self) -> frozenset[str]:
        return frozenset()


def _candidate(text: str, source: str, **metadata: object):
    """A whole text as one scored sentence of its document."""
    from assistant.answer.extractive.scoring import Candidate

    meta = {"source": source, "start": 0, "end": len(text), **metadata}
    return Candidate(Document(text, metadata=meta), 0, 0, len(text), text, 1.0, frozenset(), 0)


def _passage(text: str, source: str, named: bool | None = None, **metadata: str) -> Document:
    meta = {"source": source, "start": 0, "end": len(text), "chunk_id": source, **metadata}
    if named is not None:
        meta[NAMED_SCOPE_KEY] = named
    return Document(page_content=text, metadata=meta)


GLOBAL_TIMES = "Chinese localities unveil growth targets, Global Times, Xiong Xinyi, 2025-01-10"


def test_a_byline_is_only_identity_and_a_sentence_on_a_subject_is_not() -> None:
    identity = frozenset(tokenize(GLOBAL_TIMES + " January"))
    assert states_only_identity(BYLINE, identity)
    assert not states_only_identity(SANYA, identity)


def test_a_byline_answers_who_wrote_the_document_and_nothing_else() -> None:
    """Asked what an author reported, the byline that names the author is no answer; asked
    who wrote the article, it is the answer."""
    meta = {"author": "Xiong Xinyi", "publisher": "Global Times", "published": "2025-01-10"}
    passage = _passage(f"{BYLINE}\n\n{SANYA}", "gt.txt", **meta)
    lexical = Collection({"gt.txt": passage.page_content}, {"gt.txt": GLOBAL_TIMES + " January"})
    scorer = SentenceScorer(lexical, AnswererWeights())  # type: ignore[arg-type]
    about = scorer.candidates("What did Xiong Xinyi report about Hainan in 2025?", [passage])
    assert [c.text for c in about] == [SANYA]
    who = scorer.candidates("Who wrote the Global Times article?", [passage])
    assert BYLINE in [c.text for c in who]
    # "whose" relating a noun of the question asks nothing of the document's byline.
    cities = scorer.candidates(
        "List the cities whose growth targets the article reports.", [passage]
    )
    assert [c.text for c in cities] == [SANYA]


def test_an_overview_of_a_subject_quotes_the_sentences_naming_it() -> None:
    """ "What did the note say about Guangdong?" is answered with what it says of Guangdong,
    not with its most central sentences on other provinces."""
    note = _passage(f"{NINGBO} {NOTE}", "note.txt")
    lexical = Collection({"note.txt": note.page_content}, {"note.txt": "research note 2026"})
    answerer = ExtractiveAnswerer(lexical, answerability=ALWAYS)  # type: ignore[arg-type]
    result = answerer.answer("What did the 2026 note say about Guangdong?", [note])
    assert not result.abstained
    assert [claim.text for claim in result.claims] == [NOTE]


def test_an_overview_of_an_unnamed_subject_quotes_the_sentences_on_it() -> None:
    """ "What does the 2025 research report say about talent and hukou?" names no subject
    with a capital: its own words on it ("talent", "hukou") choose the sentences, and those
    that say which document is meant ("research report", "2025") do not."""
    talent = "Local governments compete for talent by relaxing hukou restrictions."
    text = f"{NINGBO} {NOTE} {talent}"
    report = _passage(text, "report.txt")
    lexical = Collection({"report.txt": text}, {"report.txt": "research report 2025"})
    answerer = ExtractiveAnswerer(lexical, answerability=ALWAYS)  # type: ignore[arg-type]
    asked = "In the 2025 research report, what does it say about talent and hukou?"
    result = answerer.answer(asked, [report])
    assert [claim.text for claim in result.claims] == [talent]


def test_an_overview_of_a_subject_no_quoted_document_names_is_refused() -> None:
    """Asked what the Global Times said about Guangdong, when only another document names
    Guangdong: a near miss, refused, not answered with other cities' targets."""
    article = _passage(f"{SANYA} {NINGBO}", "gt.txt", named=True, title="Local targets")
    texts = {"gt.txt": article.page_content, "note.txt": NOTE}
    lexical = Collection(texts, {"gt.txt": GLOBAL_TIMES, "note.txt": "research note 2026"})
    answerer = ExtractiveAnswerer(lexical, answerability=ALWAYS)  # type: ignore[arg-type]
    result = answerer.answer("What did the Global Times say about Guangdong?", [article])
    assert result.abstained
    assert "Guangdong appears in them" in result.answer


def test_a_refusal_names_the_documents_the_question_names_instead_of_their_year() -> None:
    """ "2013" and "Smith" name a document: they are not missing from the documents, and the
    refusal says that the named document does not say, not "2013 appears in them"."""
    passage = _passage("Smith wrote on housing.", "2013-Smith-1.txt", named=True, title="Smith")
    other = _passage("Jones wrote on debt in 2013.", "2014-Jones-2.txt", named=False)
    lexical = Collection(
        {p.metadata["source"]: p.page_content for p in (passage, other)},
        {"2013-Smith-1.txt": "2013 Smith 1", "2014-Jones-2.txt": "2014 Jones 2"},
    )
    answerer = ExtractiveAnswerer(lexical)  # type: ignore[arg-type]
    result = answerer.refusal("What did Smith propose on debt in 2013?", [passage, other], ["2013"])
    assert result.abstained
    assert "Smith, which it names, does not say." in result.answer
    assert "2013 appears" not in result.answer
    refused = abstention("What did Li say?", [other], ["Li"], [], named=["A", "B"])
    assert "A and B, which it names, do not say." in refused.answer


def test_a_count_in_a_unit_is_answered_only_by_a_figure_in_that_unit() -> None:
    """ "How many days ...?" is not answered by "Sections 1 through 9"; the version that
    names the document ("Apache License 2.0") is no figure the question gives."""
    from assistant.answer.extractive.scoring import Candidate
    from assistant.answer.extractive.support import states_asked_figure

    def quote(text: str) -> list[Candidate]:
        passage = _passage(text, "Apache-2.0")
        return [Candidate(passage, 0, 0, len(text), text, 1.0, frozenset(), 0)]

    question = "How many days does the Apache License 2.0 give to cure a violation?"
    identity = frozenset(tokenize("Apache License Apache-2.0"))
    sections = quote("The terms are defined by Sections 1 through 9 of this document.")
    assert not states_asked_figure(question, sections, identity)
    assert states_asked_figure(question, quote("You cure it within thirty days."), identity)
    assert states_asked_figure(question, quote("You cure it prior to 30 days after notice."))
    assert states_asked_figure(question, sections)  # 2.0 then reads as a figure it gives


def test_an_answer_to_which_release_says_which_document_it_quotes() -> None:
    """Release notes never state their version: asked which release added an option, the
    answer is labelled with the document's title and date, which carry it."""
    note = "New option, --debug: print the input sed script in canonical form."
    passage = _passage(note, "sed/2018-12-19_v4.6.txt", title="sed v4.6", published="2018-12-19")
    lexical = Collection({"sed/2018-12-19_v4.6.txt": note}, {"sed/2018-12-19_v4.6.txt": "sed v4.6"})
    answerer = ExtractiveAnswerer(lexical, answerability=ALWAYS)  # type: ignore[arg-type]
    which = answerer.answer("Which sed release added the --debug option?", [passage])
    assert which.answer.startswith("sed v4.6 (2018-12-19): New option, --debug")
    what = answerer.answer("What does the --debug option of sed print?", [passage])
    assert what.answer.startswith("New option, --debug")


def test_an_overview_of_a_subject_no_document_has_a_word_for_is_refused() -> None:
    """ "What did the documents say about cryptocurrency regulation?" was answered with three
    unrelated sentences; no document has the word, so there is nothing to gather."""
    note = _passage(f"{NINGBO} {NOTE}", "note.txt")
    lexical = Collection({"note.txt": note.page_content}, {"note.txt": "research note 2026"})
    answerer = ExtractiveAnswerer(lexical, answerability=ALWAYS)  # type: ignore[arg-type]
    refused = answerer.answer("What did the documents say about cryptocurrency regulation?", [note])
    assert refused.abstained
    assert "they never mention cryptocurrency" in refused.answer
    answered = answerer.answer("What did the documents say about domestic demand?", [note])
    assert not answered.abstained


def test_a_version_the_question_names_is_the_documents_own_not_any_number_in_them() -> None:
    """ "the GPL version 4" is not answered from GPL-3 because its text has a section 4."""
    from assistant.answer.extractive.scoring import SentenceScorer
    from assistant.answer.extractive.support import unsupported

    text = "Section 4 lets you convey verbatim copies. States should not allow software patents."
    passage = _passage(text, "GPL-3")
    lexical = Collection({"GPL-3": text}, {"GPL-3": "GNU General Public License GPL-3"})
    scorer = SentenceScorer(lexical, AnswererWeights())  # type: ignore[arg-type]
    four = unsupported(
        scorer, "What does the GPL version 4 say about patents?", [passage], [passage]
    )
    assert four.numbers == ["version 4"]
    three = unsupported(
        scorer, "What does the GPL version 3 say about patents?", [passage], [passage]
    )
    assert three.numbers == []


def test_a_one_line_document_whose_title_is_its_sentence_still_answers() -> None:
    """A one-line file takes its title from its only sentence: that sentence is not a
    byline, though every word of it is in the document's identity."""
    from assistant.answer.extractive.scoring import byline_terms

    line = "The Blorptown aquarium houses eleven thousand jellyfish in its new hall."
    meta = {"source": "new.txt", "title": line}
    assert not states_only_identity(line, byline_terms(meta))
    dated = {"source": "gt.txt", "author": "Xiong Xinyi", "publisher": "Global Times"}
    assert states_only_identity(BYLINE, byline_terms({**dated, "published": "2025-01-10"}))


def test_a_person_named_in_full_is_the_author_a_file_name_gives_by_surname() -> None:
    """The letters' texts never name their authors; their file names give the surname.
    "Franklin D. Roosevelt" is then found in `1934-Roosevelt-1.txt`, and a refusal for
    "Harry S. Truman" says he appears in the documents, not that they never mention him."""
    relief = "I propose that the Congress appropriate 950 million dollars for relief."
    roads = "I propose a highway programme of 50 billion dollars over ten years."
    letters = {"1934-Roosevelt-1.txt": relief, "1954-Eisenhower-1.txt": roads}
    identities = {"1934-Roosevelt-1.txt": "1934 Roosevelt 1", "1947-Truman-1.txt": "1947 Truman 1"}
    identities["1954-Eisenhower-1.txt"] = "1954 Eisenhower 1"
    answerer = ExtractiveAnswerer(Collection(letters, identities), answerability=ALWAYS)  # type: ignore[arg-type]
    passage = _passage(relief, "1934-Roosevelt-1.txt", named=True)
    asked = "In the 1934 document, what figure did Franklin D. Roosevelt propose for relief?"
    assert answerer.assess(asked, [passage]).missing.names == []
    assert "950 million dollars" in answerer.answer(asked, [passage]).answer
    other = _passage(roads, "1954-Eisenhower-1.txt", named=False)
    asked = "What did Harry S. Truman propose for highways?"
    assert answerer.assess(asked, [other]).missing.names == ["Harry S. Truman"]
    refused = answerer.refusal(asked, [other], ["Harry S. Truman"])
    assert "Harry S. Truman appears in them" in refused.answer
    assert "never mention" not in refused.answer
    elsewhere = answerer.refusal("What did John F. Kennedy propose?", [other], ["John F. Kennedy"])
    assert "never mention John F. Kennedy" in elsewhere.answer


def test_a_label_gives_the_date_once() -> None:
    """A title made from a dated file name carries its date; the label does not repeat it.
    A year inside a title is its subject's, not the date of the document."""

    def passage(title: str, published: str) -> Document:
        return Document("", metadata={"source": "x.txt", "title": title, "published": published})

    dated_name = passage("sed › 2016-12-30 v4.3", "2016-12-30")
    assert document_label(dated_name) == "sed › 2016-12-30 v4.3"
    assert document_label(dated_name, date_first=True) == "sed › 2016-12-30 v4.3"
    report = passage("Local Two Sessions Conclude", "2026-01")
    assert document_label(report) == "Local Two Sessions Conclude (2026-01)"
    assert document_label(report, date_first=True) == "2026-01 — Local Two Sessions Conclude"
    assert document_label(passage("2013 Smith 2", "2013")) == "2013 Smith 2"
    subject_year = passage("What reports signal ahead of the 2025 Two Sessions", "2025")
    assert document_label(subject_year) == f"{subject_year.metadata['title']} (2025)"
    assert document_label(passage("GPL 3.0", "")) == "GPL 3.0"


def test_an_overview_of_a_subject_of_several_words_quotes_sentences_saying_them_all() -> None:
    """ "The global interpreter lock" is not the subject of a sentence on the global
    namespace; words the question writes apart ("talent and hukou") are each a subject."""
    from assistant.answer.extractive.support import on_subject, topic_phrases

    lock = _candidate("The global interpreter lock lets one thread run at a time.", "faq")
    namespace = _candidate("The global namespace lasts until the interpreter quits.", "classes")
    talent = _candidate("Cities compete for talent with housing subsidies.", "a")
    hukou = _candidate("Several provinces relax hukou rules for graduates.", "b")
    texts = {c.passage.metadata["source"]: c.quote for c in (lock, namespace, talent, hukou)}
    collection = Collection(texts, {})
    question = "What do the documents say about the global interpreter lock?"
    assert on_subject(collection, question, [namespace, lock], 3.0) == [lock]  # type: ignore[arg-type]
    assert on_subject(collection, "What about talent and hukou?", [talent, hukou], 3.0) == [
        talent,
        hukou,
    ]  # type: ignore[arg-type]
    assert topic_phrases("the talent and hukou rules", {"talent", "hukou"}) == []


def test_what_a_speaker_said_about_a_subject_is_the_subject_his_sentences_first() -> None:
    """ "What did Li Qiang say about the defense budget?": the sentences on the budget, his
    first, not his sentences on anything else; none when no sentence is on the subject; and
    an answer from passages that never name him says so."""
    from assistant.answer.extractive.support import on_subject, unattributed

    his_budget = _candidate("Li Qiang announced a 7.2 percent rise in the defense budget.", "a")
    his_policy = _candidate("Li Qiang backed the foreign policy goals.", "a")
    budget = _candidate("Analysts expected the defense budget to rise.", "b")
    chips = _candidate("Funding goes to artificial intelligence and chips.", "c")
    texts = {"a": his_budget.quote + " " + his_policy.quote, "b": budget.quote, "c": chips.quote}
    collection = Collection(texts, {})
    every = [his_policy, budget, his_budget, chips]
    question = "What did Li Qiang say about the defense budget?"
    assert on_subject(collection, question, every, 3.0) == [his_budget]  # type: ignore[arg-type]
    about_housing = "What did Li Qiang say about housing?"
    assert on_subject(collection, about_housing, every, 3.0) == []  # type: ignore[arg-type]
    about_ai = "What did Li Qiang say about artificial intelligence?"
    assert unattributed(collection, about_ai, [chips], 3.0) == "Li Qiang"  # type: ignore[arg-type]
    assert unattributed(collection, question, [his_budget], 3.0) is None  # type: ignore[arg-type]
    # A name that is the subject itself is no speaker: the sentences naming him.
    about_him = "What do the documents say about Li Qiang?"
    assert unattributed(collection, about_him, [chips], 3.0) is None  # type: ignore[arg-type]
    assert on_subject(collection, about_him, every, 3.0) == [his_policy, his_budget]  # type: ignore[arg-type]


def test_a_subject_no_sentence_says_whole_is_read_by_its_rarest_word() -> None:
    """No sentence says "hukou reform": the one on hukou is on it, not those on reform."""
    from assistant.answer.extractive.support import on_subject

    class Rarity(Collection):
        def idf(self, token: str) -> float:
            return 5.0 if token == "hukou" else 1.0

    plenum = _candidate("The Third Plenum approved economic reform.", "a")
    hukou = _candidate("Cities relax hukou restrictions for graduates.", "b")
    collection = Rarity({"a": plenum.quote, "b": hukou.quote}, {})
    question = "What do the documents say about hukou reform?"
    assert on_subject(collection, question, [plenum, hukou], 3.0) == [hukou]  # type: ignore[arg-type]


def test_an_overview_of_a_named_document_is_focused_on_what_another_title_names() -> None:
    """ "What did the January 2026 note say about consumption?": another article's title
    carries "consumption", but the note's does not, so its sentences on consumption are
    quoted, not all it says."""
    from assistant.answer.extractive.support import on_subject
    from assistant.retrieve.scope import NAMED_SCOPE_KEY

    science = _candidate(
        "Core regions build science and technology centres.", "note", **{NAMED_SCOPE_KEY: True}
    )
    demand = _candidate(
        "Promoting consumption is a priority but not urgent.", "note", **{NAMED_SCOPE_KEY: True}
    )
    other = _candidate(
        "Localities focus on boosting consumption.", "article", **{NAMED_SCOPE_KEY: False}
    )
    texts = {"note": f"{science.quote} {demand.quote}", "article": other.quote}
    identities = {
        "note": "Local Two Sessions Conclude 2026-01 January",
        "article": "Localities unveil growth targets with focus on boosting consumption 2025-01-10",
    }
    collection = Collection(texts, identities)
    question = "What did the January 2026 note say about consumption?"
    assert on_subject(collection, question, [science, demand, other], 3.0) == [demand, other]  # type: ignore[arg-type]


def test_what_a_named_document_is_asked_to_have_said_about_is_its_subject() -> None:
    """ "What does the Global Times article say about innovation?": the article's own title
    carries "innovation", but what it is asked to have said about is still the subject, so
    its sentences on innovation are quoted, not all it says."""
    from assistant.answer.extractive.support import on_subject
    from assistant.retrieve.scope import NAMED_SCOPE_KEY

    named = {NAMED_SCOPE_KEY: True}
    target = _candidate("Ningbo set a target for GDP growth of 5.5 percent.", "article", **named)
    capability = _candidate(
        "Regions should enhance their innovation capabilities.", "article", **named
    )
    collection = Collection(
        {"article": f"{target.quote} {capability.quote}"},
        {"article": "Localities unveil targets, focus on consumption and innovation Global Times"},
    )
    question = "What does the Global Times article say about innovation?"
    assert on_subject(collection, question, [target, capability], 3.0) == [capability]  # type: ignore[arg-type]
    # Without "say about", the title's words only say which document is meant.
    summary = "Summarise the article on consumption and innovation."
    assert on_subject(collection, summary, [target, capability], 3.0) == [target, capability]  # type: ignore[arg-type]


def test_a_version_no_quoted_document_carries_is_unquoted() -> None:
    """ "Click 6.5" answered from 6.6's notes is not answered; "6.6" in the identity is, and
    a list's threshold ("above 6.5 percent") is no version."""
    from assistant.answer.extractive.answerer import _unquoted_version

    identity = frozenset(tokenize("click 2016-04-04 v6.6 6.6"))
    assert _unquoted_version("Summarise the Click 6.5 release.", "", identity) == "Click 6.5"
    assert _unquoted_version("Summarise the Click 6.6 release.", "", identity) is None
    assert _unquoted_version("Which cities set targets above 6.5 percent?", "", identity) is None
    assert _unquoted_version("What did version 2.0 add?", "version 2.0 adds x", identity) is None
    assert _unquoted_version("Under the MPL-3.0, what is reinstated?", "", identity) == "MPL-3.0"
