"""Word documents (.docx) read with python-docx: paragraphs in order, "Heading N" styles as
section headings, list styles as list items, tables as rows that carry their header."""

from __future__ import annotations

import io
import zipfile

from assistant.ingest.document import BlockKind, DocumentBuilder, Extracted, LoadError


def _kind(style_name: str) -> tuple[BlockKind, int]:
    name = style_name.lower()
    if name == "title":
        return "heading", 1
    if name.startswith("heading"):
        digits = "".join(c for c in name if c.isdigit())
        return "heading", int(digits) if digits else 1
    return ("list_item" if "list" in name else "paragraph"), 0


def extract_docx(raw: bytes) -> Extracted:
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = Document(io.BytesIO(raw))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise LoadError(f"not a readable Word document ({error})") from error
    builder = DocumentBuilder()
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            kind, level = _kind(item.style.name if item.style is not None else "")
            builder.add(item.text, kind, level)
        elif isinstance(item, Table):
            rows = [[" ".join(cell.text.split()) for cell in row.cells] for row in item.rows]
            header, body = (rows[0], rows[1:]) if len(rows) > 1 else ([], rows)
            for row in body:
                if header and len(header) == len(row):
                    line = " | ".join(f"{h}: {v}" if h else v for h, v in zip(header, row))
                else:
                    line = " | ".join(cell for cell in row if cell)
                builder.add(line, "table_row")
    title = (document.core_properties.title or "").strip()
    return builder.build({"title": title} if title else {})
