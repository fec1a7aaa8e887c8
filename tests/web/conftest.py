"""Fixtures of the web-chat tests (the machinery is in ``harness.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.harness import TOKEN, LiveServer, Watched, chromium_path, open_page, serve


@pytest.fixture(scope="session")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        pytest.skip(
            "Chromium is not installed: `apt-get install chromium` (or set CHROMIUM_PATH). "
            "These tests drive the system browser; `playwright install` is not used."
        )
    pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')"
    )
    return path


@pytest.fixture(scope="session")
def live(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The chat on a live server over the tiny corpus, without tokens."""
    yield from serve(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="session")
def live_with_tokens(
    chromium: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The same, with RAG_API_TOKENS set: every /api call needs the token."""
    yield from serve(tmp_path_factory.mktemp("web-tokens"), RAG_API_TOKENS=TOKEN)


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def chat(browser: Any, live: LiveServer) -> Iterator[Watched]:
    """A fresh tab (own context) on the chat page, ready; fails the test on any script error."""
    watched = open_page(browser, live.url)
    watched.page.wait_for_selector("body[data-ready=true]")
    yield watched
    watched.context.close()
    assert not watched.errors, f"script errors on the page: {watched.errors}"
    assert not watched.dialogs, f"the page opened dialogs (alert?): {watched.dialogs}"
