"""Settings that would weaken the server are refused with a clear message, and
`assistant feedback export` never overwrites, follows a link or prints a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.cli import main
from assistant.config import Settings
from assistant.schema import AskResult
from assistant.workspace.conversations import ConversationStore


def test_a_short_api_token_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least 16 characters"):
        Settings(api_token="short-token")
    assert Settings(api_token="").api_token is not None  # empty: no token, as before
    assert Settings(api_token="x" * 16).api_token is not None


def test_the_cli_names_a_bad_setting_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("ASSISTANT_API_TOKEN", "secret")
    assert main(["feedback", "export", "--data", str(tmp_path), "--out", "x.jsonl"]) == 2
    err = capsys.readouterr().err
    assert "ASSISTANT_API_TOKEN" in err and "at least 16 characters" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("url", "problem"),
    [("workspace.db", "Could not parse"), ("postgres+nodriver://db/x", "Can't load plugin")],
)
def test_an_unusable_database_url_stops_the_cli_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str, problem: str
) -> None:
    monkeypatch.setenv("ASSISTANT_DATABASE_URL", url)
    assert main(["feedback", "export", "--out", "x.jsonl"]) == 2
    err = capsys.readouterr().err
    assert "ASSISTANT_DATABASE_URL: not a usable SQLAlchemy URL" in err and problem in err
    assert "Traceback" not in err


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A workspace with one rated answer."""
    store = ConversationStore(tmp_path / "data")
    conversation = store.create("alice")
    store.add_turn("alice", conversation.id, "What?", AskResult(answer="This."), {})
    store.rate("alice", conversation.id, 1, "up")
    return tmp_path / "data"


def export(data: Path, out: Path, *extra: str) -> int:
    return main(["feedback", "export", "--data", str(data), "--out", str(out), *extra])


def test_feedback_export_refuses_to_overwrite_without_force(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cases.jsonl"
    out.write_text("kept\n")
    assert export(data, out) == 2
    assert "--force" in capsys.readouterr().err and out.read_text() == "kept\n"
    assert export(data, out, "--force") == 0
    assert json.loads(out.read_text())["question"] == "What?"


def test_feedback_export_never_writes_through_a_link(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("precious\n")
    link = tmp_path / "cases.jsonl"
    link.symlink_to(target)
    for extra in ((), ("--force",)):
        assert export(data, link, *extra) == 2
        assert "symbolic link" in capsys.readouterr().err
    assert target.read_text() == "precious\n" and link.is_symlink()
    dangling = tmp_path / "dangling.jsonl"
    dangling.symlink_to(tmp_path / "missing.txt")
    assert export(data, dangling, "--force") == 2
    assert not (tmp_path / "missing.txt").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_feedback_export_to_an_unwritable_place_says_so(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    assert export(data, locked / "cases.jsonl") == 2
    assert "cannot write" in capsys.readouterr().err


def test_feedback_export_to_a_folder_or_an_impossible_path_says_so(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    assert export(data, folder, "--force") == 2
    assert "is a folder" in capsys.readouterr().err
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert export(data, blocker / "cases.jsonl") == 2
    err = capsys.readouterr().err
    assert "cannot write" in err and "Traceback" not in err
