"""What one indexing run did, in a form the CLI, the UI and the API all report from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.ingest.document import SkippedFile

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(name: str) -> str:
    """A file name safe to print on one line: control characters (a newline in a name could
    forge a line of the report) are shown escaped, as Python writes them."""
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], name)


@dataclass
class IndexReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    chunks_total: int = 0
    chunks_embedded: int = 0
    chunks_removed: int = 0
    tokens_embedded: int = 0
    staging_dropped: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        lines = [
            f"Indexed in {self.seconds:.1f} s: {len(self.added)} added, {len(self.updated)} "
            f"updated, {len(self.unchanged)} unchanged, {len(self.removed)} removed, "
            f"{len(self.skipped)} skipped.",
            f"Chunks: {self.chunks_total} in the index, {self.chunks_embedded} embedded "
            f"({self.tokens_embedded} tokens), {self.chunks_removed} removed.",
        ]
        if self.staging_dropped:
            lines.append(
                "Removed what an interrupted --rebuild left: " + ", ".join(self.staging_dropped)
            )
        if not self.changed and not self.skipped:
            lines.append("Nothing to do: the index is up to date.")
        lines += [f"Skipped {printable(s.source)}: {s.reason}" for s in self.skipped]
        return "\n".join(lines)
