"""The `assistant` command: index, ask, chat, serve, mcp, eval, feedback."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from assistant.config import Settings

if TYPE_CHECKING:
    from assistant.schema import AskResult


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {
        key: value
        for key, value in {
            "corpus_dir": getattr(args, "corpus", None),
            "index_dir": getattr(args, "index", None),
            "data_dir": getattr(args, "data", None),
        }.items()
        if value is not None
    }
    return Settings(**overrides)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def cmd_index(args: argparse.Namespace) -> int:
    from assistant.ingest.manifest import up_to_date

    settings = _settings(args)
    if not settings.corpus_dir.is_dir():
        return _fail(f"corpus folder not found: {settings.corpus_dir}")
    unchanged = None if args.rebuild else up_to_date(settings)
    if unchanged is not None:  # answered without opening the store
        print(unchanged.summary())
        return 0
    from assistant.ingest.indexer import Indexer
    from assistant.store.chroma import open_store

    store, embeddings = open_store(settings, rebuild=args.rebuild)
    report = Indexer(settings, store, embeddings, progress=not args.quiet).run()
    print(report.summary())
    return 0


def _load_history(path: Path | None) -> list[dict[str, str]]:
    if path is None:
        return []
    import json

    try:
        history = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SystemExit(_fail(f"--history {path}: {error}")) from error
    if not isinstance(history, list) or not all(
        isinstance(m, dict) and {"role", "content"} <= set(m) for m in history
    ):
        raise SystemExit(_fail(f"--history {path}: expected a JSON list of {{role, content}}"))
    return history


def _print_citations(result: AskResult) -> None:
    for citation in result.citations:
        mark = "" if citation.supported else "  (NOT SUPPORTED by this passage)"
        where = citation.location or f"chars {citation.quote_start}-{citation.quote_end}"
        print(f"  [{citation.n}] {citation.title} ({citation.source}, {where}){mark}")
        print(f'      "{citation.quote}"')


def _print_result(result: AskResult, as_json: bool) -> None:
    if as_json:
        print(result.model_dump_json(indent=2))
        return
    print(result.answer)
    _print_citations(result)


def _print_streamed(pieces: Iterable[str | AskResult]) -> AskResult:
    """Print the answer's pieces as they arrive, then its citations; return the result.

    When the final answer differs from the streamed text (an LLM's markers renumbered to
    match the citations, or its answer turned into an abstention), the final one is printed
    too, so the numbers below match the text above them.
    """
    from assistant.schema import AskResult

    streamed = ""
    result: AskResult | None = None
    try:
        for piece in pieces:
            if isinstance(piece, AskResult):
                result = piece
            else:
                print(piece, end="", flush=True)
                streamed += piece
    finally:
        if streamed:
            print()
    if result is None:
        raise RuntimeError("the answer stream ended without a result")
    if streamed.strip() != result.answer:
        print(result.answer)
    _print_citations(result)
    return result


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.schema import QuestionError
    from assistant.service import Assistant

    history = _load_history(args.history)
    try:
        assistant = Assistant(_settings(args))
        result = assistant.ask(args.question, history=history, k=args.k, mode=args.mode)
    except QuestionError as error:
        return _fail(str(error))
    _print_result(result, args.json)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from assistant.schema import QuestionError
    from assistant.service import Assistant

    assistant = Assistant(_settings(args))
    history: list[dict[str, str]] = []
    print("Ask about the documents. Empty line or Ctrl-D to quit; /clear forgets the history.")
    while True:
        try:
            question = input("> ").strip()
        except EOFError:
            return 0
        if not question:
            return 0
        if question == "/clear":
            history.clear()
            continue
        try:
            result = _print_streamed(assistant.stream(question, history=history, mode=args.mode))
        except QuestionError as error:
            print(f"error: {error}")
            continue
        history += [
            {"role": "user", "content": question},
            {"role": "assistant", "content": result.answer},
        ]


def cmd_mcp(args: argparse.Namespace) -> int:
    """The MCP server over stdio: stdout carries the protocol, so nothing else is printed."""
    from assistant.serve.mcp_server import build_mcp
    from assistant.serve.mcp_transport import run_stdio
    from assistant.service import Assistant

    run_stdio(build_mcp(Assistant(_settings(args))))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.serve.app import serve

    settings = _settings(args)
    if args.port:
        settings = settings.model_copy(update={"port": args.port})
    if args.workers:
        settings = settings.model_copy(update={"workers": args.workers})
    serve(settings)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.evaluation.runner import main as run_eval

    return run_eval(args, _settings(args))


def cmd_feedback_export(args: argparse.Namespace) -> int:
    """Rated answers as candidate golden cases, for a maintainer to review (evals/README.md)."""
    from assistant.workspace.conversations import DATABASE_FILE, ConversationStore
    from assistant.workspace.feedback import ExportRefused, write_candidates

    settings = _settings(args)
    if not settings.database_url and not (settings.data_dir / DATABASE_FILE).is_file():
        return _fail(f"no conversations stored in {settings.data_dir} (ASSISTANT_DATA_DIR)")
    rated = ConversationStore.open(settings).rated_turns()
    try:
        written = write_candidates(rated, args.out, overwrite=args.force)
    except ExportRefused as refused:
        return _fail(str(refused))
    except OSError as error:
        return _fail(f"cannot write {args.out}: {error.strerror or error}")
    print(f"{written} rated answers written to {args.out} as candidate cases")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Cited question answering over a folder of policy documents.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str, handler) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--corpus", type=Path, help="folder of documents (default: corpus/)")
        sub.add_argument("--index", type=Path, help="index folder (default: index/)")
        sub.set_defaults(handler=handler)
        return sub

    index = command("index", "build or update the index from the corpus", cmd_index)
    index.add_argument(
        "--rebuild",
        action="store_true",
        help="re-embed every file into a new index, swapped in only when complete",
    )
    index.add_argument("--quiet", action="store_true", help="no progress bars")

    modes = ("extractive", "llm")
    ask = command("ask", "answer one question with citations", cmd_ask)
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the result as one JSON object")
    ask.add_argument("--history", type=Path, help="JSON list of {role, content} messages")
    ask.add_argument("-k", type=int, help="number of passages to use")
    ask.add_argument("--mode", choices=modes, help="answerer (default from settings)")

    chat = command("chat", "interactive questions with follow-ups", cmd_chat)
    chat.add_argument("--mode", choices=modes, help="answerer (default from settings)")

    serve = command("serve", "start the web UI and the HTTP API on 127.0.0.1", cmd_serve)
    serve.add_argument("--port", type=int, help="port (default from settings: 7860)")
    serve.add_argument(
        "--workers",
        type=int,
        help="processes answering questions (default from settings: one per core)",
    )
    command("mcp", "serve the MCP tools over stdio, for desktop MCP hosts", cmd_mcp)

    evaluate = command("eval", "run the golden evals and gate on thresholds", cmd_eval)
    evaluate.add_argument("--golden", type=Path, default=Path("evals/golden.jsonl"))
    evaluate.add_argument("--thresholds", type=Path, default=Path("evals/thresholds.toml"))
    evaluate.add_argument(
        "--mode",
        action="append",
        choices=("hybrid", "dense", "lexical", "baseline", "llm"),
        help="what to evaluate (repeatable; default: hybrid, dense, lexical, baseline)",
    )
    evaluate.add_argument("--report", type=Path, default=Path("evals/reports"))

    feedback = commands.add_parser(
        "feedback", help="analysts' ratings of answers", description="analysts' ratings"
    ).add_subparsers(dest="action", required=True)
    export = feedback.add_parser(
        "export",
        help="write rated answers as candidate golden cases (JSONL)",
        description="Write every rated answer as a candidate case in the evals/ JSONL format.",
    )
    export.add_argument("--out", type=Path, required=True, help="the JSONL file to write")
    export.add_argument("--force", action="store_true", help="replace the file if it exists")
    export.add_argument("--data", type=Path, help="workspace folder (default: data/)")
    export.set_defaults(handler=cmd_feedback_export)
    return parser


def _settings_problem(error: ValidationError) -> str:
    """`ASSISTANT_NAME: what is wrong` for each bad setting (the environment's spelling)."""
    problems = []
    for problem in error.errors():
        name = "ASSISTANT_" + "__".join(str(part) for part in problem["loc"]).upper()
        problems.append(f"{name}: {problem['msg'].removeprefix('Value error, ')}")
    return "invalid settings: " + "; ".join(problems)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except ValidationError as error:
        if error.title != Settings.__name__:
            raise
        return _fail(_settings_problem(error))
    except KeyboardInterrupt:
        return _fail("interrupted; the previous index is still usable, rerun to finish")
    except Exception as error:
        # A missing server or a model mismatch, in any command. The store module is looked
        # up, not imported: a command that never opened the store cannot have raised it, and
        # importing Chroma would cost a no-op `assistant index` more than half a second.
        store = sys.modules.get("assistant.store.chroma")
        if store is not None and isinstance(error, store.StoreError):
            return _fail(str(error))
        raise


if __name__ == "__main__":
    raise SystemExit(main())
