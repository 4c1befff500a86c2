"""`/docs` and `/redoc` work without internet: every script, stylesheet and icon they use is
served by the app itself (from the installed package), not by a CDN; and they stay open with
a token set.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urlparse

import pytest
from conftest import CHROMIUM_ARGS, build_index, copy_corpus, make_settings, serve_in_thread
from fastapi.testclient import TestClient
from playwright.sync_api import sync_playwright

from assistant.serve.app import create_app
from assistant.service import Assistant

pytestmark = pytest.mark.slow

TOKEN = "docs-token-0123456789"
TITLE = "Policy assistant API"
ABSOLUTE_URL = re.compile(r"https?://[^\s\"'<>)]+")


class _Assets(HTMLParser):
    """The URLs a page loads: `<script src>`, `<link href>`, `<img src>`."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        url = found.get("src") if tag in ("script", "img") else found.get("href")
        if tag in ("script", "link", "img") and url:
            self.urls.append((tag, url))


def assets_of(html: str) -> list[tuple[str, str]]:
    parser = _Assets()
    parser.feed(html)
    return parser.urls


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """One Assistant with a token set, so the test also shows the docs need none."""
    tmp = tmp_path_factory.mktemp("docs")
    settings = make_settings(tmp, copy_corpus(tmp / "corpus"), api_token=TOKEN)
    build_index(settings)
    return Assistant(settings)


@pytest.fixture(scope="module")
def client(assistant: Assistant) -> Iterator[TestClient]:
    with TestClient(create_app(assistant), base_url="http://127.0.0.1") as test_client:
        yield test_client


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_only_assets_the_app_serves(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    html = response.text
    assert TITLE in html
    app_origin = str(client.base_url)
    outside = [url for url in ABSOLUTE_URL.findall(html) if not url.startswith(app_origin)]
    assert outside == [], f"{page} references URLs outside the app (a CDN?)"

    assets = assets_of(html)
    kinds = {tag for tag, _ in assets}
    assert "script" in kinds and "link" in kinds  # the UI's script and its icon (and CSS)
    for _, url in assets:
        assert urlparse(url).scheme == "" and url.startswith("/"), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert asset.content, url
        if url.endswith(".js"):
            assert "javascript" in asset.headers["content-type"], url
        elif url.endswith(".css"):
            assert asset.headers["content-type"].startswith("text/css"), url


def test_swagger_ui_gets_its_script_stylesheet_and_oauth2_redirect(client: TestClient) -> None:
    html = client.get("/docs").text
    urls = [url for _, url in assets_of(html)]
    assert any(url.endswith("swagger-ui-bundle.js") for url in urls)
    assert any(url.endswith("swagger-ui.css") for url in urls)
    assert "url: '/openapi.json'" in html

    redirect = client.get("/docs/oauth2-redirect")
    assert redirect.status_code == 200 and "oauth2" in redirect.text.lower()
    assert ABSOLUTE_URL.findall(redirect.text) == []

    # The logo in ReDoc's sidebar is fetched relative to the page (not from the ReDoc CDN).
    logo = client.get("/redoc/logo-mini.svg")
    assert logo.status_code == 200 and logo.headers["content-type"].startswith("image/svg")


def test_docs_and_schema_stay_open_with_a_token(client: TestClient) -> None:
    schema = client.get("/openapi.json")
    assert schema.status_code == 200
    assert not {"/docs", "/redoc"} & set(schema.json()["paths"])
    assert client.get("/api/documents").status_code == 401  # the token is in force


def test_swagger_ui_renders_in_chromium_without_leaving_the_app(assistant: Assistant) -> None:
    with serve_in_thread(create_app(assistant)) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page()
            page.set_default_timeout(60_000)
            requests: list[str] = []
            errors: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            page.on("pageerror", lambda error: errors.append(str(error)))

            page.goto(f"{url}/docs")
            page.locator(".swagger-ui .info .title", has_text=TITLE).wait_for()
            page.locator(".opblock-summary-path", has_text="/api/ask").first.wait_for()

            page.goto(f"{url}/redoc")
            page.locator("h1", has_text=TITLE).wait_for()
            page.locator("img[alt='redocly logo']").wait_for()
            logo_loaded = page.eval_on_selector(
                "img[alt='redocly logo']", "img => img.complete && img.naturalWidth > 0"
            )
        finally:
            browser.close()

    outbound = [
        request
        for request in requests
        if urlparse(request).scheme in ("http", "https", "ws", "wss")
        and not request.startswith(url + "/")
    ]
    assert outbound == []
    assert f"{url}/openapi.json" in requests
    assert errors == []
    assert logo_loaded
