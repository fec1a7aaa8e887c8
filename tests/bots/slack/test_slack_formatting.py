"""Answers as Slack sees them: Markdown to mrkdwn, citation links, splitting within Slack's limits."""

from __future__ import annotations

import json
import re

from slack_fakes import limit_errors

from assistant import Answer, Citation
from bots.slack.formatting import (
    CONTEXT_ELEMENTS,
    FEEDBACK_DOWN,
    FEEDBACK_UP,
    MESSAGE_BLOCKS,
    SECTION_CHARS,
    answer_messages,
    plain_question,
    source_label,
    source_url,
    split_text,
    to_mrkdwn,
)

URL = "https://chat.example.org"


def citation(n: int, **changes: object) -> Citation:
    values: dict[str, object] = {
        "n": n,
        "document_id": f"doc{n}",
        "title": f"Report {n}",
        "collection": "study",
        "source": f"report-{n}.pdf",
        "page": n + 4,
        "page_label": f"{n}/26",
        "text": "passage",
        **changes,
    }
    return Citation(**values)  # type: ignore[arg-type]


def answer(text: str, citations: int = 2, **changes: object) -> Answer:
    values: dict[str, object] = {
        "id": "a1b2c3",
        "question": "q",
        "answer": text,
        "grounded": True,
        "citations": [citation(n) for n in range(1, citations + 1)],
        **changes,
    }
    return Answer(**values)  # type: ignore[arg-type]


def section_texts(messages: list[dict[str, object]]) -> list[str]:
    return [
        b["text"]["text"]  # type: ignore[index]
        for m in messages
        for b in m["blocks"]  # type: ignore[attr-defined]
        if b["type"] == "section"
    ]


# --- Markdown to mrkdwn ----------------------------------------------------------------------------


def test_markdown_emphasis_headings_lists_and_links_become_mrkdwn() -> None:
    md = "## Summary\n**Bold** and *italic* and ~~gone~~, [the plan](https://x.org/a?b=1&c=2).\n- one\n* two"
    assert to_mrkdwn(md).split("\n") == [
        "*Summary*",
        "*Bold* and _italic_ and ~gone~, <https://x.org/a?b=1&c=2|the plan>.",
        "• one",
        "• two",
    ]


def test_slack_control_characters_are_escaped_but_code_is_kept() -> None:
    out = to_mrkdwn("a < b & c > d, `x<y` and\n```\nif a < b:\n```")
    assert out == "a &lt; b &amp; c &gt; d, `x&lt;y` and\n```\nif a &lt; b:\n```"


def test_snake_case_and_lone_asterisks_are_left_alone() -> None:
    assert to_mrkdwn("snake_case_name costs 2 * 3 * 4") == "snake_case_name costs 2 * 3 * 4"


def test_citation_markers_link_to_the_source_viewer() -> None:
    urls = {1: "https://v/?doc=a&page=3", 2: "https://v/?doc=b"}
    out = to_mrkdwn("Fiji did it [1]. Both did [1, 2]. Unknown [7].", urls.get)
    assert out == (
        "Fiji did it <https://v/?doc=a&page=3|[1]>. "
        "Both did <https://v/?doc=a&page=3|[1]><https://v/?doc=b|[2]>. Unknown [7]."
    )


def test_a_markdown_table_becomes_a_preformatted_block() -> None:
    out = to_mrkdwn("Figures:\n| country | egdi |\n|---|---:|\n| Fiji | 0.51 |\n\nDone.")
    assert out == "Figures:\n```\ncountry  egdi\nFiji     0.51\n```\n\nDone."


def test_source_url_and_label() -> None:
    c = citation(1, document_id="id with/slash", page=7, page_label="5/26")
    assert source_url(URL + "/", c, "ans1") == f"{URL}/?doc=id%20with%2Fslash&page=7&answer=ans1"
    assert source_label(c) == "Report 1, p. 5/26"
    data = citation(2, page=None, page_label=None, data_row=12, collection="data")
    assert source_url(URL, data) == f"{URL}/?doc=doc2"
    assert source_label(data) == "Report 2, row 12"
    assert source_label(citation(3, title="T" * 400)).startswith("T" * 149 + "…")


def test_plain_question_removes_the_bots_mention_and_unescapes() -> None:
    text = "<@U0BOT> how do <#C1|general> &amp; <@U2|ana> compare <https://a.org|this>? &lt;3"
    assert plain_question(text, "U0BOT") == "how do #general & @ana compare this? <3"


# --- Block Kit ------------------------------------------------------------------------------------


def test_an_answer_has_sections_sources_and_feedback_buttons() -> None:
    [message] = answer_messages(
        answer("Fiji launched it [1]. Samoa too [2].", rewritten_question="What about Samoa?"), URL
    )
    blocks = message["blocks"]
    assert [b["type"] for b in blocks] == ["section", "context", "context", "actions"]
    assert (
        "<https://chat.example.org/?doc=doc1&page=5&answer=a1b2c3|[1]>" in blocks[0]["text"]["text"]
    )
    assert blocks[1]["elements"][0]["text"] == "Follow-up read as: _What about Samoa?_"
    assert [e["text"] for e in blocks[2]["elements"]] == [
        "*[1]* <https://chat.example.org/?doc=doc1&page=5&answer=a1b2c3|Report 1, p. 1/26>",
        "*[2]* <https://chat.example.org/?doc=doc2&page=6&answer=a1b2c3|Report 2, p. 2/26>",
    ]
    buttons = blocks[3]["elements"]
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        (FEEDBACK_UP, "a1b2c3"),
        (FEEDBACK_DOWN, "a1b2c3"),
    ]
    assert message["text"] == "Fiji launched it [1]. Samoa too [2]."
    assert limit_errors(message) == []


def test_many_sources_fill_several_context_blocks_of_ten() -> None:
    [message] = answer_messages(answer("Many [1].", citations=23), URL)
    contexts = [b for b in message["blocks"] if b["type"] == "context"]
    assert [len(b["elements"]) for b in contexts] == [10, 10, 3]
    assert CONTEXT_ELEMENTS == 10
    assert limit_errors(message) == []


def _long_markdown(paragraphs: int) -> str:
    sentence = (
        "The national strategy on digital government sets targets for services and data [1]. "
    )
    return "\n\n".join(f"**Part {i}.** " + sentence * 12 for i in range(paragraphs))


def test_a_long_answer_is_split_into_sections_and_messages_with_nothing_lost() -> None:
    md = _long_markdown(180)  # about 185,000 characters: more than 50 sections
    messages = answer_messages(answer(md), URL)
    assert len(messages) >= 2
    for m in messages:
        assert limit_errors(m) == []
        assert len(m["blocks"]) <= MESSAGE_BLOCKS
    sections = section_texts(messages)
    assert all(len(s) <= SECTION_CHARS for s in sections)
    assert (
        " ".join(sections).split()
        == to_mrkdwn(md, {1: source_url(URL, citation(1), "a1b2c3")}.get).split()
    )
    last = messages[-1]["blocks"]
    assert last[-1]["type"] == "actions"  # the buttons come once, at the end
    assert sum(1 for m in messages for b in m["blocks"] if b["type"] == "actions") == 1
    assert messages[1]["text"] == "(answer continued)"


def test_split_text_prefers_paragraphs_then_sentences() -> None:
    paragraph = "word " * 280  # 1,400 characters
    pieces = split_text(f"{paragraph.strip()}\n\n{paragraph.strip()}\n\n{paragraph.strip()}", 3000)
    assert [len(p) for p in pieces] == [2800, 1399]
    one = ("This is a sentence that goes on. " * 200).strip()
    pieces = split_text(one, 1000)
    assert all(p.endswith(".") for p in pieces)
    assert " ".join(pieces).split() == one.split()


def test_split_text_never_cuts_a_link_or_an_entity() -> None:
    link = "<https://chat.example.org/?doc=abc&page=3|[1]>"
    text = (" ".join(["x" * 20 + link + "&amp;"] * 400)).replace(" ", "")  # no spaces at all
    pieces = split_text(text, 3000)
    assert "".join(pieces) == text
    for piece in pieces:
        assert len(piece) <= 3000
        assert piece.count("<") == piece.count(">")
        assert not re.search(r"&[a-z]{0,3}$", piece) and not re.match(r"^[a-z]{1,3};", piece)


def test_split_text_closes_and_reopens_a_code_block() -> None:
    code = "```\n" + "\n".join(f"row {i} " + "x" * 60 for i in range(200)) + "\n```"
    pieces = split_text(code, 3000)
    assert len(pieces) >= 4
    for piece in pieces:
        assert len(piece) <= 3000
        assert piece.startswith("```") and piece.endswith("```")
    rows = [line for p in pieces for line in p.split("\n") if line.startswith("row ")]
    assert len(rows) == 200


# --- the AI-app surface ---------------------------------------------------------------------------


def test_streamed_text_cannot_mention_link_or_notify_through_slacks_markup() -> None:
    from bots.slack.formatting import WORD_JOINER, stream_text

    text = stream_text("Ping <!here> and <@U123> in <#C1>, see <https://x.org|this>; @channel.")
    for token in ("<!here>", "<@U123>", "<#C1>", "<https://x.org|this>", "@channel"):
        assert token not in text
    assert text.replace(WORD_JOINER, "") == (
        "Ping <!here> and <@U123> in <#C1>, see <https://x.org|this>; @channel."
    )
    assert (
        stream_text("Costs < 2 per cent and > 5 per cent") == "Costs < 2 per cent and > 5 per cent"
    )


def test_stream_pieces_keep_every_character_within_the_limit() -> None:
    from bots.slack.formatting import stream_pieces

    text = "abcdefghij" * 2_501
    pieces = stream_pieces(text, limit=12_000)
    assert [len(p) for p in pieces] == [12_000, 12_000, 1_010] and "".join(pieces) == text


def test_prompts_feedback_buttons_and_the_home_stay_within_slacks_limits() -> None:
    from slack_fakes import limit_errors

    from bots.slack.formatting import feedback_actions, home_view, suggested_prompts

    prompts = suggested_prompts(
        [f"Question number {i} about a rather long subject" for i in range(9)]
    )
    assert len(prompts) == 4 and all(len(p["title"]) <= 40 and p["message"] for p in prompts)
    # an opening every prompt shares is left out of the titles, so that they differ
    same_opening = suggested_prompts(
        [f"What do the documents say about {s}?" for s in ("the CEPA", "digital identity")]
    )
    assert [p["title"] for p in same_opening] == ["The CEPA", "Digital identity"]
    assert same_opening[1]["message"] == "What do the documents say about digital identity?"
    assert [p["title"] for p in suggested_prompts(["What was Fiji's EGDI?"])] == [
        "What was Fiji's EGDI?"
    ]
    block = feedback_actions("a" * 32)
    assert limit_errors({"text": "x", "blocks": [block]}) == []
    values = [
        block["elements"][0][side]["value"] for side in ("positive_button", "negative_button")
    ]
    assert values == ["1:" + "a" * 32, "-1:" + "a" * 32]
    summary = {
        "documents": 473,
        "collections": {"un": 130, "study": 60, "profile": 198},
        "countries": 193,
        "editions": [2003, 2024],
        "last_ingest": "2026-12-04T15:00:00+00:00",
    }
    view = home_view(summary, "https://chat.example.org", ["What was Fiji's EGDI in 2024?"])
    assert view["type"] == "home" and limit_errors({"text": "x", "blocks": view["blocks"]}) == []
    text = str(view["blocks"])
    assert "*473* documents" in text and "2003, 2024" in text and "Fiji's EGDI" in text
    assert "*UN documents*: 130 documents" in text


# --- indicator tables and refusals ---------------------------------------------------------------
def indicator_row(n: int, **changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "country": f"Country {n}",
        "iso3": f"C{n:02d}",
        "year": 2024,
        "indicator": "E-Government Development Index",
        "value": f"0.{67544 + n}",
        "rank": n,
        "group": "VHEGDI",
        "source": "/corpus/data/EGOV_DATA_2024.csv",
        "row": 100 + n,
        **changes,
    }
    return row


def table_of(messages: list[dict[str, object]]) -> dict[str, object]:
    tables = [b for m in messages for b in m["blocks"] if b["type"] == "table"]  # type: ignore[attr-defined]
    assert len(tables) == 1
    return tables[0]  # type: ignore[no-any-return]


def cells(table: dict[str, object]) -> list[list[str]]:
    return [[c["text"] for c in row] for row in table["rows"]]  # type: ignore[attr-defined]


def test_an_indicator_answer_carries_its_rows_as_a_slack_table_with_numbers_aligned() -> None:
    rows = [indicator_row(1), indicator_row(2, group=None, rank=None)]
    messages = answer_messages(answer("Country 1 ranked 1 [1].", table=rows), URL)
    table = table_of(messages)
    assert cells(table) == [
        ["Country", "Year", "Value", "Rank", "Group", "Source"],
        ["Country 1", "2024", "0.67545", "1", "VHEGDI", "EGOV_DATA_2024.csv, row 101"],
        ["Country 2", "2024", "0.67546", "–", "–", "EGOV_DATA_2024.csv, row 102"],
    ]
    aligns = [s["align"] for s in table["column_settings"]]  # type: ignore[attr-defined]
    assert aligns == ["left", "right", "right", "right", "left", "left"]
    assert all(not limit_errors(m) for m in messages)


def test_a_table_of_several_indicators_names_each_and_a_long_one_says_what_it_left_out() -> None:
    rows = [indicator_row(n, indicator=f"Index {n % 2}") for n in range(1, 151)]
    localized = {"country": "국가", "value": "값"}
    messages = answer_messages(answer("Many values [1].", table=rows, labels=localized), URL)
    table = table_of(messages)
    header = cells(table)[0]
    assert header[:4] == ["국가", "Year", "Indicator", "값"]
    assert len(table["rows"]) == 100  # type: ignore[arg-type]  # Slack's most: header and 99
    assert "The first 99 of 150 rows" in json.dumps(messages)
    assert all(not limit_errors(m) for m in messages)


def test_a_refusal_is_marked_as_not_answered_where_an_answer_is_not() -> None:
    refused = answer("The documents do not say.", citations=0, grounded=False, kind="refusal")
    messages = answer_messages(refused, URL)
    first = messages[0]["blocks"][0]  # type: ignore[index]
    assert first["type"] == "context" and "Not answered by the documents" in json.dumps(first)
    assert messages[0]["text"].startswith("Not answered by the documents")  # type: ignore[union-attr]
    answered = answer_messages(answer("Korea ranked first [1]."), URL)
    assert "Not answered" not in json.dumps(answered)
