"""The command line (``python -m assistant``): a conversation from the terminal, where follow-ups
read as the earlier questions meant."""

from __future__ import annotations

import io
import json

import pytest

from assistant import __main__ as cli
from assistant.config import Settings

pytestmark = pytest.mark.slow


@pytest.fixture
def on_the_small_store(small_store: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setattr(cli, "get_settings", lambda: small_store)
    return small_store


def test_chat_answers_follow_ups_in_one_conversation(
    on_the_small_store: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("What was Fiji's EGDI in 2024?\nAnd in 2022?\n"))
    assert cli.main(["chat", "--json"]) == 0
    out, err = capsys.readouterr()
    first, second = (json.loads(line) for line in out.splitlines())
    assert "0.67544" in first["answer"]
    # the follow-up alone names no country and no indicator: the conversation does
    assert second["rewritten_question"] == "What was Fiji's EGDI in 2022?"
    assert "0.62350" in second["answer"]
    assert first["conversation_id"] == second["conversation_id"]
    assert f"(conversation {first['conversation_id']})" in err


def test_ask_continues_a_conversation_by_its_id(
    on_the_small_store: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        cli.main(["ask", "What was Fiji's EGDI in 2024?", "--conversation", "new", "--json"]) == 0
    )
    first = json.loads(capsys.readouterr().out)
    conversation = first["conversation_id"]
    assert conversation
    assert cli.main(["ask", "And in 2022?", "--conversation", conversation, "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert "0.62350" in second["answer"] and second["conversation_id"] == conversation
    # without one, a question stands alone: "And in 2022?" names nothing to answer
    assert cli.main(["ask", "And in 2022?", "--json"]) == 0
    alone = json.loads(capsys.readouterr().out)
    assert "0.62350" not in alone["answer"]


def test_ask_prints_what_the_question_was_read_as_and_whole_words_of_long_quotes(
    on_the_small_store: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["ask", "fiji egdi 2024"]) == 0
    out = capsys.readouterr().out
    assert "0.67544" in out
    assert "(read as: " in out and "Fiji" in out.split("(read as: ")[1]


def test_a_long_quote_is_cut_after_a_whole_word() -> None:
    text = "The Committee encourages Governments to strengthen institutional capacities. " * 5
    clipped = cli._clipped(text, cli.QUOTE_CHARS)
    assert len(clipped) <= cli.QUOTE_CHARS + 1 and clipped.endswith("\u2026")
    assert text.startswith(clipped[:-1]) and text[len(clipped) - 1] == " "
    assert cli._clipped("short", cli.QUOTE_CHARS) == "short"


def test_a_question_rewritten_is_shown_as_a_follow_up_only_after_earlier_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from assistant.models import Answer

    answer = Answer(
        question="escap recomendations on digital govt",
        answer="…",
        grounded=True,
        citations=[],
        rewritten_question="escap recommendations on digital govt",
    )
    cli._print_answer(answer)
    assert "(searched as: escap recommendations on digital govt)" in capsys.readouterr().out
    cli._print_answer(answer, follow_up=True)
    assert "(follow-up read as: escap recommendations" in capsys.readouterr().out
