"""Access arithmetic: who may see what (assistant/access.py)."""

from __future__ import annotations

import pytest

from assistant.access import (
    caller_access,
    can_see,
    covers,
    granted,
    is_loopback,
    parse_tokens,
    visible_ids,
)
from assistant.models import DocumentRecord

TOKEN = "t" * 32


def doc(doc_id: str, access: str = "public") -> DocumentRecord:
    return DocumentRecord(
        doc_id=doc_id, source=doc_id, path=f"/c/{doc_id}", title=doc_id, access=access
    )


@pytest.mark.parametrize(
    ("access", "expected"),
    [
        (("public",), frozenset({"public"})),
        (("hr",), frozenset({"public", "hr"})),  # public is always readable
        ((), frozenset({"public"})),
        (None, None),  # an operator: everything
    ],
)
def test_granted(access: tuple[str, ...] | None, expected: frozenset[str] | None) -> None:
    assert granted(access) == expected


def test_can_see_and_visible_ids() -> None:
    docs = [doc("a"), doc("b", "hr"), doc("c", "finance")]
    assert [can_see(d, ("public",)) for d in docs] == [True, False, False]
    assert [can_see(d, ("hr",)) for d in docs] == [True, True, False]
    assert all(can_see(d, None) for d in docs)
    assert visible_ids(docs, ("hr",)) == {"a", "b"}
    assert visible_ids(docs, None) == {"a", "b", "c"}


@pytest.mark.parametrize(
    ("outer", "inner", "expected"),
    [
        (None, ("hr",), True),
        (("hr",), None, False),
        (("hr", "finance"), ("hr",), True),
        (("hr",), ("hr", "finance"), False),
        (("public",), (), True),
    ],
)
def test_covers(
    outer: tuple[str, ...] | None, inner: tuple[str, ...] | None, expected: bool
) -> None:
    assert covers(outer, inner) is expected


def test_caller_access() -> None:
    assert caller_access(["hr"]) == ("public", "hr")
    assert caller_access(["*"]) is None
    assert caller_access(["public", "hr"]) == ("public", "hr")


def test_parse_tokens_forms_and_errors() -> None:
    assert parse_tokens(f'{{"{TOKEN}": ["hr", "hr"]}}') == {TOKEN: ("hr",)}
    assert parse_tokens(f'["{TOKEN}"]') == {TOKEN: ()}
    assert parse_tokens(f"{TOKEN}, {'u' * 32}") == {TOKEN: (), "u" * 32: ()}
    assert parse_tokens("") == {}
    with pytest.raises(ValueError, match="at least 32"):
        parse_tokens('{"short": []}')
    with pytest.raises(ValueError, match="not valid JSON"):
        parse_tokens("{nope")
    with pytest.raises(ValueError, match="list of collection names"):
        parse_tokens(f'{{"{TOKEN}": [1]}}')


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", True),
        ("127.8.9.1", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("10.0.0.1", False),
        ("example.org", False),
    ],
)
def test_is_loopback(host: str, expected: bool) -> None:
    assert is_loopback(host) is expected
