"""The scorer behind ``python -m assistant eval``: the fixed dev/test split and the sets' schema."""

from __future__ import annotations

import json
from pathlib import Path

from evaluation import DATA_KINDS, Question, answer_score, load_questions, split_of

REPO = Path(__file__).resolve().parents[1]


def test_the_split_is_fixed_by_the_id_and_about_sixty_forty() -> None:
    ids = [f"Q{i:04d}" for i in range(2000)]
    splits = [split_of(i) for i in ids]
    assert splits == [split_of(i) for i in ids]  # the same every time
    dev = splits.count("dev") / len(splits)
    assert 0.55 < dev < 0.65
    # the split of an id never changes: a change would move questions between the halves
    # after tuning (these were computed when the rule was fixed)
    assert [split_of(i) for i in ("A01", "A02", "B01", "C01", "T01", "P01")] == [
        "dev",
        "dev",
        "dev",
        "dev",
        "test",
        "dev",
    ]


def test_every_question_file_in_the_repository_loads_and_is_well_formed() -> None:
    for path in sorted((REPO / "eval").glob("*_qa.jsonl")):  # question sets, not hand checks
        questions = load_questions(path)
        assert questions, path
        ids = [q.id for q in questions]
        assert len(ids) == len(set(ids)), f"duplicate ids in {path}"
        for q in questions:
            assert q.question.strip() and q.answer.strip(), q.id
            if not q.answerable:
                assert q.answer.lower().startswith("not answerable"), q.id
            elif q.kind not in DATA_KINDS:
                assert q.document, q.id
            if q.kind == "follow-up" and path.name == "practitioner_qa.jsonl":
                assert q.history, q.id


def test_a_machine_float_may_be_shown_rounded() -> None:
    assert answer_score("GTMI 0.8404502742767075", "Indonesia's GTMI was 0.840 [1]") == 1.0
    assert answer_score("EGDI 0.67544", "Fiji's EGDI was 0.675 [1]") < 1.0  # printed figures: exact


def test_history_is_read() -> None:
    row = {"id": "X1", "question": "and samoa?", "answer": "0.5", "history": ["fiji egdi 2024"]}
    assert Question.from_json(json.loads(json.dumps(row))).history == ["fiji egdi 2024"]
