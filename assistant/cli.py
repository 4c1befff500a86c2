"""The `assistant` command: index, ask, chat, serve, eval."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assistant.settings import Settings


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {
        key: value
        for key, value in {
            "corpus_dir": getattr(args, "corpus", None),
            "index_dir": getattr(args, "index", None),
        }.items()
        if value is not None
    }
    return Settings(**overrides)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def cmd_index(args: argparse.Namespace) -> int:
    from assistant.indexer import Indexer, open_store
    from assistant.store import StoreError

    settings = _settings(args)
    if not settings.corpus_dir.is_dir():
        return _fail(f"corpus folder not found: {settings.corpus_dir}")
    try:
        store, embeddings = open_store(settings, rebuild=args.rebuild)
    except StoreError as error:
        return _fail(str(error))
    report = Indexer(settings, store, embeddings, progress=not args.quiet).run()
    print(report.summary())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Cited question answering over a folder of policy documents.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    index = commands.add_parser("index", help="build or update the index from the corpus")
    index.add_argument("--corpus", type=Path, help="folder of documents (default: corpus/)")
    index.add_argument("--index", type=Path, help="index folder (default: index/)")
    index.add_argument("--rebuild", action="store_true", help="drop the index and re-embed all")
    index.add_argument("--quiet", action="store_true", help="no progress bars")
    index.set_defaults(handler=cmd_index)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        return _fail("interrupted; the previous index is still usable, rerun to finish")


if __name__ == "__main__":
    raise SystemExit(main())
