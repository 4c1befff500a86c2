"""Web pages saved as one file (MHTML, "Webpage, Single File" in Chrome and Edge): the page's
HTML part, decoded from its MIME transfer encoding and charset, read like any web page."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from assistant.ingest.document import Extracted, LoadError
from assistant.ingest.formats.html import extract_html


def _html_part(message: EmailMessage) -> bytes | None:
    """The first text/html part (the page itself; the others are its images and styles)."""
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                charset = part.get_content_charset() or "utf-8"
                return payload.decode(charset, errors="replace").encode("utf-8")
    return None


def extract_mhtml(raw: bytes) -> Extracted:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    page = _html_part(message) if isinstance(message, EmailMessage) else None
    if page is None:
        raise LoadError("no HTML page inside this MHTML file")
    return extract_html(page)
