"""Signed view links: made and checked under one key, forged or expired ones refused, the key
made once in the data directory and shared by every process there."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest

from assistant.links import KEY_FILE, ViewGrant, ViewLinks
from tests.conftest import make_settings

NOW = 1_800_000_000.0


def test_a_link_reads_back_as_its_answer_until_it_expires() -> None:
    links = ViewLinks(b"k" * 32, hours=2)
    token = links.sign("ans-123", now=NOW)
    assert links.read(token, now=NOW) == ViewGrant("ans-123", int(NOW + 7200))
    assert links.read(token, now=NOW + 7199) is not None
    assert links.read(token, now=NOW + 7200) is None  # expired


def test_a_forged_or_altered_link_is_refused() -> None:
    links = ViewLinks(b"k" * 32, hours=2)
    token = links.sign("ans-123", now=NOW)
    answer, expires, mac = token.split(".")
    assert links.read(f"ans-124.{expires}.{mac}", now=NOW) is None  # another answer
    assert links.read(f"{answer}.{int(expires) + 3600}.{mac}", now=NOW) is None  # longer life
    assert ViewLinks(b"x" * 32, hours=2).read(token, now=NOW) is None  # another key
    for junk in ("", "ans-123", "a.b.c", token + "x", f"{answer}.{expires}.{'A' * 43}"):
        assert links.read(junk, now=NOW) is None


def test_the_key_is_made_once_owner_only_and_shared_by_every_process(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data")
    made: list[ViewLinks] = []
    threads = [
        threading.Thread(target=lambda: made.append(ViewLinks.for_settings(settings)))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    token = made[0].sign("ans-1")
    assert all(links.read(token) == made[0].read(token) is not None for links in made)
    key = tmp_path / "data" / KEY_FILE
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert [p.name for p in key.parent.iterdir() if p.name.startswith(".")] == []  # no drafts


def test_a_configured_secret_is_used_and_no_key_file_made(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", view_link_secret="a-shared-secret-of-hosts")
    token = ViewLinks.for_settings(settings).sign("ans-1")
    other_host = make_settings(tmp_path / "elsewhere", view_link_secret="a-shared-secret-of-hosts")
    assert ViewLinks.for_settings(other_host).read(token) is not None
    assert not (tmp_path / "data" / KEY_FILE).exists()
    with pytest.raises(ValueError, match="16 bytes"):
        ViewLinks(b"short", hours=1)


def test_a_short_secret_is_refused_with_the_setting_named(tmp_path: Path) -> None:
    from assistant.errors import ConfigError

    with pytest.raises(ConfigError, match="RAG_VIEW_LINK_SECRET is too short"):
        ViewLinks.for_settings(make_settings(tmp_path, view_link_secret="short"))
