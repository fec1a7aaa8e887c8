"""Every branch of the access arithmetic (assistant/access.py), table by table.

Complements tests/assistant/test_access.py. An access is a tuple of collection names (public is
always readable) or None for everything; ``"*"`` is a grant of every collection, turned into
None by :func:`caller_access`.
"""

from __future__ import annotations

import json

import pytest

from assistant.access import (
    ALL_COLLECTIONS,
    MIN_TOKEN_CHARS,
    caller_access,
    can_see,
    covers,
    granted,
    is_loopback,
    parse_tokens,
    visible_ids,
)
from assistant.models import PUBLIC, DocumentRecord

TOKEN = "a" * MIN_TOKEN_CHARS
OTHER = "b" * (MIN_TOKEN_CHARS + 10)


def doc(doc_id: str, access: str = PUBLIC) -> DocumentRecord:
    return DocumentRecord(doc_id=doc_id, source=doc_id, path=doc_id, title=doc_id, access=access)


# --- granted -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("access", "expected"),
    [
        (None, None),
        ((), {"public"}),
        ([], {"public"}),
        (("public",), {"public"}),
        (("hr",), {"public", "hr"}),
        (["hr", "finance", "hr"], {"public", "hr", "finance"}),
        (("public", "hr"), {"public", "hr"}),
    ],
)
def test_granted(access: list[str] | tuple[str, ...] | None, expected: set[str] | None) -> None:
    result = granted(access)
    assert result == (None if expected is None else frozenset(expected))


# --- can_see -------------------------------------------------------------------------------------
DOCS = [doc("pub"), doc("hr-doc", "hr"), doc("fin-doc", "finance"), doc("blank", "")]


@pytest.mark.parametrize(
    ("access", "visible"),
    [
        (None, {"pub", "hr-doc", "fin-doc", "blank"}),  # an operator sees everything
        ((), {"pub", "blank"}),  # no access given: public only (a blank access is public)
        (("public",), {"pub", "blank"}),
        (("hr",), {"pub", "blank", "hr-doc"}),
        (("finance",), {"pub", "blank", "fin-doc"}),
        (("hr", "finance"), {"pub", "blank", "hr-doc", "fin-doc"}),
        (("HR",), {"pub", "blank"}),  # collection names are exact
        (("marketing",), {"pub", "blank"}),  # a grant of an empty collection adds nothing
    ],
)
def test_can_see_and_visible_ids(access: tuple[str, ...] | None, visible: set[str]) -> None:
    assert {d.doc_id for d in DOCS if can_see(d, access)} == visible
    assert visible_ids(DOCS, access) == frozenset(visible)


def test_visible_ids_are_ids_not_file_names() -> None:
    # two corpus folders may hold a file of the same name, one public and one private
    same_name = [
        DocumentRecord(doc_id="id-1", source="report.md", path="/a/report.md", title="r"),
        DocumentRecord(
            doc_id="id-2", source="report.md", path="/b/report.md", title="r", access="hr"
        ),
    ]
    assert visible_ids(same_name, ("public",)) == {"id-1"}
    assert visible_ids(same_name, ("hr",)) == {"id-1", "id-2"}
    assert visible_ids(iter(same_name), None) == {"id-1", "id-2"}  # any iterable
    assert visible_ids([], None) == frozenset()


# --- covers --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("outer", "inner", "expected"),
    [
        (None, None, True),
        (None, (), True),
        (None, ("hr", "finance"), True),
        (("hr",), None, False),  # nothing short of everything covers everything
        ((), None, False),
        ((), (), True),
        ((), ("public",), True),  # public is implied on both sides
        (("public",), (), True),
        ((), ("hr",), False),
        (("hr",), ("hr",), True),
        (("hr",), ("public",), True),
        (("hr",), ("finance",), False),
        (("hr", "finance"), ("finance",), True),
        (("finance",), ("hr", "finance"), False),
    ],
)
def test_covers(
    outer: tuple[str, ...] | None, inner: tuple[str, ...] | None, expected: bool
) -> None:
    assert covers(outer, inner) is expected


# --- caller_access and "*" ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("grants", "expected"),
    [
        ([], ("public",)),
        (["hr"], ("public", "hr")),
        (["public"], ("public",)),  # public is not repeated
        (["hr", "public", "finance"], ("public", "hr", "finance")),  # order kept
        ([ALL_COLLECTIONS], None),
        (["hr", ALL_COLLECTIONS], None),  # "*" anywhere grants everything
        (iter(["hr"]), ("public", "hr")),  # any iterable
    ],
)
def test_caller_access(grants: list[str], expected: tuple[str, ...] | None) -> None:
    assert caller_access(grants) == expected


def test_a_token_granted_star_sees_every_collection() -> None:
    tokens = parse_tokens(json.dumps({TOKEN: "*", OTHER: ["hr"]}))
    assert tokens == {TOKEN: ("*",), OTHER: ("hr",)}
    star, hr = caller_access(tokens[TOKEN]), caller_access(tokens[OTHER])
    assert star is None
    assert visible_ids(DOCS, star) == {"pub", "hr-doc", "fin-doc", "blank"}
    assert visible_ids(DOCS, hr) == {"pub", "hr-doc", "blank"}
    assert covers(star, hr) and not covers(hr, star)


# --- parse_tokens -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", {}),
        ("   ", {}),
        (f"{TOKEN}", {TOKEN: ()}),
        (f" {TOKEN} ,, {OTHER} ,", {TOKEN: (), OTHER: ()}),  # comma-separated, blanks skipped
        (json.dumps([TOKEN, OTHER]), {TOKEN: (), OTHER: ()}),  # a JSON list grants nothing
        (json.dumps({TOKEN: []}), {TOKEN: ()}),
        (json.dumps({TOKEN: "hr"}), {TOKEN: ("hr",)}),  # one grant as a string
        (json.dumps({TOKEN: ["hr", "finance", "hr"]}), {TOKEN: ("hr", "finance")}),  # deduped
        (f"  {json.dumps({TOKEN: ['hr']})}\n", {TOKEN: ("hr",)}),  # surrounding space
    ],
)
def test_parse_tokens_accepts(raw: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert parse_tokens(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("[not json", "not valid JSON"),
        ("{", "not valid JSON"),
        ("short-token", f"at least {MIN_TOKEN_CHARS}"),
        ("a" * (MIN_TOKEN_CHARS - 1), f"at least {MIN_TOKEN_CHARS}"),
        (json.dumps([TOKEN, "short"]), f"at least {MIN_TOKEN_CHARS}"),
        (json.dumps([123]), f"at least {MIN_TOKEN_CHARS}"),  # not a string
        (json.dumps({f" {TOKEN}": []}), "without surrounding spaces"),
        (json.dumps({TOKEN: 1}), "list of collection names"),
        (json.dumps({TOKEN: [""]}), "list of collection names"),
        (json.dumps({TOKEN: ["hr", None]}), "list of collection names"),
        (json.dumps({TOKEN: {"hr": True}}), "list of collection names"),
    ],
)
def test_parse_tokens_refuses(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_tokens(raw)


def test_parse_tokens_returns_a_fresh_dict_each_time() -> None:
    raw = json.dumps({TOKEN: ["hr"]})
    first = parse_tokens(raw)
    first[OTHER] = ("finance",)  # the parse is cached; what a caller does with it is not
    assert parse_tokens(raw) == {TOKEN: ("hr",)}


# --- is_loopback --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("localhost", True),
        ("LOCALHOST", True),
        (" localhost ", True),
        ("ip6-localhost", True),
        ("127.0.0.1", True),
        ("127.255.255.254", True),
        ("::1", True),
        ("[::1]", True),
        ("0:0:0:0:0:0:0:1", True),
        ("128.0.0.1", False),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("[2001:db8::1]", False),
        ("localhost.example.org", False),
        ("", False),
        ("not a host", False),
    ],
)
def test_is_loopback(host: str, expected: bool) -> None:
    assert is_loopback(host) is expected
