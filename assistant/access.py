"""Who may see what: API tokens, their grants, and views of the data limited to a caller's grants.

A document's ``access`` is ``"public"`` or the name of the private collection it belongs to (set
at ingestion from a sidecar ``<file>.meta.json`` with ``{"access": "hr"}``). A caller's access is
a tuple of collection names: ``("public",)`` for anyone, ``("public", "hr")`` for a token granted
``hr``, or ``None`` for everything (operators at the command line, ingestion).

Indicator values come from data files that are documents too: every row carries the id of the
document it was read from, and :class:`assistant.storage.indicators.RestrictedIndicatorTable`
shows a caller only the rows of documents it may see (:func:`visible_ids`).
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable, Sequence
from functools import lru_cache

from assistant.models import PUBLIC, DocumentRecord

ALL_COLLECTIONS = "*"
# Shorter tokens can be guessed: 32 characters of secrets.token_urlsafe carry 192 bits.
MIN_TOKEN_CHARS = 32

Access = Sequence[str] | None


def parse_tokens(raw: str) -> dict[str, tuple[str, ...]]:
    """``RAG_API_TOKENS`` as {token: granted private collections}.

    Accepts a JSON object (``{"tok1": ["hr"], "tok2": []}``), a JSON list of tokens, or
    comma-separated tokens; the last two grant nothing beyond the public documents. ``"*"`` as
    a grant means every collection. Raises ``ValueError`` naming what is wrong.
    """
    return dict(_parse_tokens(raw.strip()))


@lru_cache(maxsize=8)
def _parse_tokens(raw: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not raw:
        return ()
    if raw[0] in "[{":
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValueError(f"RAG_API_TOKENS is not valid JSON: {exc}") from None
    else:
        data = [part.strip() for part in raw.split(",") if part.strip()]
    if isinstance(data, list):
        data = {token: [] for token in data}
    if not isinstance(data, dict):
        raise ValueError(
            "RAG_API_TOKENS must be a JSON object, a JSON list or comma-separated tokens"
        )
    out: list[tuple[str, tuple[str, ...]]] = []
    for token, grants in data.items():
        if not isinstance(token, str) or len(token) < MIN_TOKEN_CHARS or token != token.strip():
            raise ValueError(
                f"every token in RAG_API_TOKENS must be a string of at least {MIN_TOKEN_CHARS} "
                "characters without surrounding spaces; make one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
            )
        if isinstance(grants, str):
            grants = [grants]
        if not isinstance(grants, list) or not all(isinstance(g, str) and g for g in grants):
            raise ValueError(
                "the grants of each token in RAG_API_TOKENS must be a list of collection names"
            )
        out.append((token, tuple(dict.fromkeys(grants))))
    return tuple(out)


def caller_access(grants: Iterable[str]) -> tuple[str, ...] | None:
    """The access tuple for a caller with these grants (None when granted everything)."""
    grants = list(grants)
    if ALL_COLLECTIONS in grants:
        return None
    return (PUBLIC, *[g for g in grants if g != PUBLIC])


def granted(access: Access) -> frozenset[str] | None:
    """The collections ``access`` may read (None: all)."""
    return None if access is None else frozenset({PUBLIC, *access})


def can_see(doc: DocumentRecord, access: Access) -> bool:
    allowed = granted(access)
    return allowed is None or (doc.access or PUBLIC) in allowed


def covers(outer: Access, inner: Access) -> bool:
    """True when a caller with ``outer`` may see everything a caller with ``inner`` could."""
    outer_set, inner_set = granted(outer), granted(inner)
    if outer_set is None:
        return True
    if inner_set is None:
        return False
    return inner_set <= outer_set


def visible_ids(documents: Iterable[DocumentRecord], access: Access) -> frozenset[str]:
    """Ids of the documents ``access`` may see. Ids, not file names: two corpus folders may hold
    files of the same relative name, one public and one private."""
    return frozenset(d.doc_id for d in documents if can_see(d, access))


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() in {"localhost", "ip6-localhost"}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
