"""Follow-ups on the real stack (the embedding model, Chroma, BM25): a follow-up joined to
the question before it is answered with what it asks now."""

from __future__ import annotations

from pathlib import Path

from conftest import build_index, make_settings

from assistant.service import Assistant

SCHEDULING = {
    "scheduling.txt": "Scheduling tasks\n\nYou can restrict access to crontab by creating an "
    "explicit authorization file (whitelist) in /etc/cron.allow, in which you indicate the "
    "only users authorized to schedule commands. The root user has their own crontab.\n\n"
    "The at command executes a command at a specified moment. Its users are listed in "
    "/etc/at.allow, and those who may not use it in /etc/at.deny.",
    "backups.txt": "Backups\n\nThe backup server copies the home directories every night.",
}


def test_a_follow_up_is_answered_with_what_it_asks_not_the_last_answer(tmp_path: Path) -> None:
    """ "Is there an equivalent for the at command?" after a question on crontab: the words
    of the earlier question weigh less, so the sentence on at's own file is quoted, not
    only the crontab sentence again."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in SCHEDULING.items():
        (corpus / name).write_text(text + "\n", encoding="utf-8")
    settings = make_settings(tmp_path, corpus=corpus)
    build_index(settings)
    assistant = Assistant(settings)
    question = "How do I restrict crontab to a list of allowed users?"
    first = assistant.ask(question)
    assert "/etc/cron.allow" in first.answer
    history = [
        {"role": "user", "content": question},
        {"role": "assistant", "content": first.answer},
    ]
    result = assistant.ask("Is there an equivalent for the at command?", history=history)
    assert not result.abstained
    assert "/etc/at.allow" in result.answer, result.answer
