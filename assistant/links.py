"""Signed view links: a short-lived link to one answer and the documents it cites.

When ``RAG_API_TOKENS`` is set, the web chat asks for a token before it shows anything; people
who reach it from a Slack answer hold none. A view link carries ``view=<answer id>.<expiry>.<mac>``
(an HMAC-SHA256 under a key of the server's), which lets its holder read that answer as it was
shown and the pages of the documents it cites, for ``RAG_VIEW_LINK_HOURS``, and nothing else:
no other answer, no other document, no questions. The key is ``RAG_VIEW_LINK_SECRET`` or, when
that is empty, one made once in the data directory (``view-link.key``, readable by its owner
only), which every process on that directory shares; set the secret when API hosts do not share
a data directory.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.config import Settings
from assistant.errors import ConfigError

KEY_FILE = "view-link.key"
_TOKEN = re.compile(r"([A-Za-z0-9_.\-]{1,64})\.([0-9]{1,12})\.([A-Za-z0-9_\-]{43})")


@dataclass(frozen=True)
class ViewGrant:
    """What a valid view link lets its holder read: one answer (and what it cites)."""

    answer_id: str
    expires: int  # Unix seconds


class ViewLinks:
    """Makes and checks view links under one key."""

    def __init__(self, key: bytes, hours: float) -> None:
        if len(key) < 16:
            raise ValueError("a view-link key needs at least 16 bytes")
        self._key = key
        self.hours = hours

    @classmethod
    def for_settings(cls, settings: Settings) -> ViewLinks:
        secret = settings.view_link_secret.get_secret_value().encode("utf-8")
        if secret and len(secret) < 16:
            raise ConfigError(
                "RAG_VIEW_LINK_SECRET is too short: use at least 16 characters (for example "
                "the output of `python -c 'import secrets; print(secrets.token_hex(32))'`)"
            )
        return cls(secret or _stored_key(Path(settings.data_dir)), settings.view_link_hours)

    def sign(self, answer_id: str, *, now: float | None = None) -> str:
        """A view link's token for ``answer_id``, valid for :attr:`hours` from ``now``."""
        expires = int((time.time() if now is None else now) + self.hours * 3600)
        return f"{answer_id}.{expires}.{self._mac(answer_id, expires)}"

    def read(self, token: str, *, now: float | None = None) -> ViewGrant | None:
        """The grant ``token`` carries; None when it is malformed, forged or expired."""
        match = _TOKEN.fullmatch(token or "")
        if not match:
            return None
        answer_id, expires, mac = match.group(1), int(match.group(2)), match.group(3)
        if not hmac.compare_digest(mac, self._mac(answer_id, expires)):
            return None
        if expires <= (time.time() if now is None else now):
            return None
        return ViewGrant(answer_id, expires)

    def _mac(self, answer_id: str, expires: int) -> str:
        digest = hmac.new(self._key, f"view|{answer_id}|{expires}".encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(digest.digest()).decode("ascii").rstrip("=")


def _stored_key(data_dir: Path) -> bytes:
    """The data directory's view-link key, made on first use, readable by its owner only. It
    is written whole to a file of its own and then linked into place, which fails if a key is
    there already: two processes that race both end up with the winner's key."""
    path = data_dir / KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        draft = data_dir / f".{KEY_FILE}.{secrets.token_hex(8)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_bytes(32).hex())
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return bytes.fromhex(path.read_text(encoding="ascii").strip())
