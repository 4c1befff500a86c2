"""Paragraph, sentence and chunk boundaries on small hand-made texts."""

from __future__ import annotations

import itertools

from assistant.ingest.chunking import ChunkSizes, chunk_text
from assistant.text.sentences import announced_items, paragraph_spans, sentence_spans
from assistant.text.token_count import count_tokens


def texts(text: str, spans) -> list[str]:
    return [text[s.start : s.end] for s in spans]


def test_header_lines_stay_separate_sentences() -> None:
    text = (
        "Report title\n研究報告\n瀏覽數:47\n發布日期:2025/03/20\n\nGrowth was 5.3 percent. It rose."
    )
    assert texts(text, sentence_spans(text)) == [
        "Report title",
        "研究報告",
        "瀏覽數:47",
        "發布日期:2025/03/20",
        "Growth was 5.3 percent.",
        "It rose.",
    ]


def test_wrapped_prose_is_one_paragraph() -> None:
    text = "The target was set\nat around 5 percent, analysts said.\nNew paragraph here."
    assert texts(text, paragraph_spans(text)) == [
        "The target was set\nat around 5 percent, analysts said.",
        "New paragraph here.",
    ]


def test_a_quoted_term_in_hard_wrapped_text_stays_with_its_definition() -> None:
    """A line ending in a closing quote ends a sentence only after a full stop: the term a
    license defines is read with its definition on the next line, not apart from it."""
    definition = (
        '1.7. "Larger Work"\n'
        "    means a work that combines Covered Software with other material, in\n"
        "    a separate file or files, that is not Covered Software."
    )
    said = 'It said: "It applies now."\nA new paragraph starts here.'
    wrapped = "\n".join([*(["A line of hard-wrapped prose that comes close to the width."] * 4)])
    text = f"{wrapped}\n\n{definition}\n\n{said}"
    found = texts(text, paragraph_spans(text))
    assert definition in found
    assert said.split("\n")[0] in found


def test_decimals_and_abbreviations_do_not_split() -> None:
    text = "The U.S. grew 2.5% in 2024. China grew 5.0 percent."
    assert texts(text, sentence_spans(text)) == [
        "The U.S. grew 2.5% in 2024.",
        "China grew 5.0 percent.",
    ]


def test_cjk_sentences_split_on_cjk_punctuation() -> None:
    text = "中国经济增长。第二句话！第三句？"
    assert texts(text, sentence_spans(text)) == ["中国经济增长。", "第二句话！", "第三句？"]


def test_chunks_respect_token_limit_and_overlap() -> None:
    sentences = [f"Sentence number {i} talks about province {i} and its target." for i in range(60)]
    text = " ".join(sentences)
    chunks = chunk_text("doc.txt", text, ChunkSizes(target=60, overlap=15, minimum=10))
    assert len(chunks) > 3
    assert all(chunk.tokens <= 60 for chunk in chunks)
    assert all(text[c.start : c.end] == c.text for c in chunks)
    for before, after in itertools.pairwise(chunks):
        assert after.start < before.end, "consecutive windows share an overlap"


def test_overlong_sentence_is_cut_by_tokens() -> None:
    text = "word " * 500
    chunks = chunk_text("doc.txt", text, ChunkSizes(target=100, overlap=0, minimum=10))
    assert len(chunks) >= 5
    assert all(chunk.tokens <= 101 for chunk in chunks)
    assert "".join(c.text for c in chunks).replace(" ", "") == text.replace(" ", "")


def test_short_heading_joins_next_paragraph() -> None:
    text = "Heading\n\n" + "A full paragraph with enough words to stand alone. " * 5
    chunks = chunk_text("doc.txt", text, ChunkSizes(target=200, overlap=10, minimum=20))
    assert len(chunks) == 1
    assert chunks[0].text.startswith("Heading")


def test_chunk_ids_survive_an_edit_elsewhere() -> None:
    paragraphs = [f"Paragraph {i} " + "has many words about policy. " * 8 for i in range(6)]
    sizes = ChunkSizes(target=120, overlap=10, minimum=20)
    before = chunk_text("doc.txt", "\n\n".join(paragraphs), sizes)
    paragraphs[0] = "An edited first paragraph that is different. " * 3
    after = chunk_text("doc.txt", "\n\n".join(paragraphs), sizes)
    assert before[0].id != after[0].id
    assert [c.id for c in before[1:]] == [c.id for c in after[1:]]
    assert count_tokens(before[1].text) == before[1].tokens


def test_a_quoted_full_stop_ends_no_sentence_and_a_bracketed_remark_stays_with_its_own() -> None:
    """Release notes write "the regular expression '.' no longer fails ... [Bug introduced
    in grep 3.4]": one sentence, whose last words say which release brought the bug."""
    text = (
        "In UTF-8 locales, the regular expression '.' no longer fails to match some "
        "characters. [Bug introduced in grep 3.4]\n\nIt printed nothing: grep '.\\bx' did. "
        "He left. [1] She stayed."
    )
    assert texts(text, sentence_spans(text)) == [
        "In UTF-8 locales, the regular expression '.' no longer fails to match some "
        "characters. [Bug introduced in grep 3.4]",
        "It printed nothing: grep '.\\bx' did.",
        "He left. [1]",
        "She stayed.",
    ]


def test_a_short_quoted_token_ending_in_a_full_stop_ends_no_sentence_that_goes_on() -> None:
    """ "a subpattern like '\\.' that escapes a character" is one sentence (its second half
    was quoted alone as an answer); a quotation that ends a sentence still ends it."""
    text = (
        "grep no longer goes awry on a subpattern like '\\.' that escapes a character. "
        "He said 'yes.' Then he left."
    )
    assert texts(text, sentence_spans(text)) == [
        "grep no longer goes awry on a subpattern like '\\.' that escapes a character.",
        "He said 'yes.'",
        "Then he left.",
    ]


def test_a_bracketed_remark_on_its_own_line_stays_with_the_sentence_above() -> None:
    """Hard-wrapped release notes put the remark under a short last line."""
    text = (
        "  In locales using UTF-8 encoding, the regular expression '.' no longer\n"
        "  sometimes fails to match Unicode characters U+D400 through U+D7FF and\n"
        "  Private Use Area plane B.\n"
        "  [bug introduced in sed 4.8]\n\n"
        "  I/O errors involving temp files no longer confuse sed into using a\n"
        "  FILE * pointer after fclosing it, which has undefined behavior in C.\n"
    )
    sentences = texts(text, sentence_spans(text))
    assert len(sentences) == 2
    assert sentences[0].endswith("plane B.\n  [bug introduced in sed 4.8]")


def test_a_lead_in_starts_a_chunk_rather_than_end_one_without_its_first_item() -> None:
    body = "A paragraph with enough words about the terms of the license. " * 6
    lead = "You may convey the object code, provided that you do both of the following:"
    items = "a) Give prominent notice with each copy.\n\nb) Accompany it with the license."
    text = f"{body}\n\n{lead}\n\n{items}"
    chunks = chunk_text("doc.txt", text, ChunkSizes(target=90, overlap=0, minimum=20))
    (holder,) = [c for c in chunks if lead in c.text]
    assert "a) Give prominent notice" in holder.text
    assert all(not c.text.rstrip().endswith("following:") for c in chunks)


def test_announced_items_are_all_the_enumerated_sentences_or_none() -> None:
    text = (
        "Do both of the following:\n\na) Give notice.\n\nb) Accompany it with the license.\n\n"
        "Combined works are next."
    )
    spans = sentence_spans(text)
    assert text[: announced_items(text, spans, 0, 60)].endswith("with the license.")
    assert announced_items(text, spans, 0, 6) == spans[0].end  # part of the list: none
    assert announced_items(text, spans, 3, 60) == spans[3].end  # nothing enumerated after


def test_items_lettered_or_numbered_in_roman_with_a_full_stop_are_announced_items() -> None:
    """Legal texts number their items "i.", "ii." or "a.", "b."; "J. Smith" is a name."""
    text = (
        "Rights include the following:\n\n  i. the right to reproduce a Work;\n"
        " ii. moral rights retained by the author;\n\nc. Affirmer disclaims responsibility.\n\n"
        "J. Smith signed it."
    )
    spans = sentence_spans(text)
    quoted = text[: announced_items(text, spans, 0, 60)]
    assert quoted.endswith("Affirmer disclaims responsibility.")
    assert "J. Smith" not in quoted
