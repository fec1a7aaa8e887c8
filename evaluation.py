"""``python -m assistant eval FILE.jsonl``: retrieval and answer quality against gold questions.

The file format is that of ``../shared/eval/public_qa.jsonl`` (``id, question, answer, answerable,
document, page, page_label, evidence, kind``). Gold documents are paths relative to
``--corpus-root``; a retrieved passage is a hit when its file is that document and, for paged
documents, its page is the gold page.

A question may carry ``history`` (earlier user turns, oldest first): it is then asked as the
next turn of that conversation. Every question belongs to a split, ``dev`` or ``test``, fixed by
a hash of its id (:func:`split_of`): tune on dev, report both. The output gives each metric for
the whole set and for each split.

The naive baseline (dense-only top-k with the same embedding model, its best passage as the
answer) runs in the same process over the same store, so the two columns compare like with like.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import statistics
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.models import Answer, Passage
from assistant.service import Assistant

METRICS = (
    "hit_at_1",
    "hit_at_5",
    "mrr",
    "answer_accuracy",
    "citation_validity",
    "gold_document_cited",
    "refusal_accuracy",
    "false_refusal_rate",
    "indicator_exactness",
    "latency_p50_ms",
    "latency_p95_ms",
)
_STOP = frozenset(
    "the a an of to in and or on for by with from at as is are was were be it its this that their "
    "about than over only also which who what when where how per cent percent".split()
)


# Kinds answered from the indicator data (no retrieval metrics; figures must be exact).
DATA_KINDS = frozenset({"indicator", "comparison", "rank", "trend", "change", "top-n", "count"})


def split_of(question_id: str) -> str:
    """``dev`` (60%) or ``test`` (40%), by a fixed hash of the id: decided once, never tuned."""
    digest = int(hashlib.sha256(question_id.encode("utf-8")).hexdigest(), 16)
    return "dev" if digest % 100 < 60 else "test"


@dataclass
class Question:
    id: str
    question: str
    answer: str
    answerable: bool
    document: str | None
    page: int | None
    kind: str
    evidence: str | None = None
    history: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> Question:
        return cls(
            id=str(row["id"]),
            question=str(row["question"]),
            answer=str(row.get("answer") or ""),
            answerable=bool(row.get("answerable", True)),
            document=row.get("document"),
            page=row.get("page"),
            kind=str(row.get("kind") or "fact"),
            evidence=row.get("evidence"),
            history=[str(turn) for turn in row.get("history") or []],
        )

    @property
    def is_document_question(self) -> bool:
        return self.answerable and self.kind not in DATA_KINDS and bool(self.document)


@dataclass
class Row:
    id: str
    kind: str
    answerable: bool
    split: str = ""
    retrieval: bool = False  # a document question: counts in hit@k and MRR
    hit_rank: int | None = None
    answer_correct: bool | None = None
    key_terms_found: float = 0.0
    grounded: bool = False
    citations_valid: bool = True
    gold_cited: bool | None = None
    exact: bool | None = None
    latency_ms: float = 0.0
    answer: str = ""
    sources: list[str] = field(default_factory=list)


def load_questions(path: Path) -> list[Question]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(Question.from_json(json.loads(line)))
            except (json.JSONDecodeError, KeyError) as exc:
                raise SystemExit(f"{path}:{number}: not a question row ({exc})") from exc
    return rows


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().lower()


def key_terms(answer: str) -> list[str]:
    """What a correct answer must contain: numbers, and the content words of the gold answer."""
    text = _norm(answer)
    text = re.sub(r"^not answerable.*", "", text)
    numbers = re.findall(r"\d[\d,.]*\d|\d", text)
    words = [w for w in re.findall(r"[a-z][a-z\-]{2,}", text) if w not in _STOP]
    return list(dict.fromkeys([n.rstrip(".,") for n in numbers] + words))


def _contains(haystack: str, term: str) -> bool:
    if term[0].isdigit():
        variants = {term, term.replace(",", ""), term.replace(",", " "), *_rounded(term)}
        return any(v in haystack for v in variants)
    return term[:6] in haystack  # a crude stem: "establish" ~ "established"


def _rounded(term: str) -> list[str]:
    """A machine float (more than five decimals, "0.8404502742767075") may be shown rounded to
    four or three decimals; the exact value is then checked in the citations (``exact``)."""
    if not re.fullmatch(r"\d+\.\d{6,}", term):
        return []
    return [f"{float(term):.4f}", f"{float(term):.3f}"]


def answer_score(gold: str, answer: str) -> float:
    terms = key_terms(gold)
    if not terms:
        return 1.0
    haystack = _norm(answer)
    return sum(_contains(haystack, t) for t in terms) / len(terms)


def _exact_values(gold: str) -> list[str]:
    """Figures with three or more decimals in the gold answer: they must appear verbatim."""
    return re.findall(r"\d+\.\d{3,}", gold)


def _is_hit(passage: Passage, q: Question, corpus_root: Path) -> bool:
    if not q.document:
        return False
    gold = (corpus_root / q.document).resolve()
    if Path(passage.document.path).resolve() != gold and not passage.document.source.endswith(
        q.document
    ):
        return False
    return q.page is None or passage.chunk.page == q.page


def _valid_markers(answer: Answer) -> bool:
    numbers = {c.n for c in answer.citations}
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", answer.answer)}
    return markers <= numbers


def evaluate(
    assistant: Assistant, questions: list[Question], corpus_root: Path, k: int = 5
) -> dict[str, Any]:
    assistant.warm()
    rows: list[Row] = []
    base_rows: list[Row] = []
    for q in questions:
        rows.append(_run_assistant(assistant, q, corpus_root, k))
        base_rows.append(_run_baseline(assistant, q, corpus_root, k))
    result = summarise(rows)
    result["questions"] = [row.__dict__ for row in rows]
    result["baseline"] = summarise(base_rows)
    result["splits"] = {
        split: {
            "questions": sum(r.split == split for r in rows),
            "assistant": summarise([r for r in rows if r.split == split]),
            "baseline": summarise([r for r in base_rows if r.split == split]),
        }
        for split in ("dev", "test")
    }
    return result


def _run_assistant(assistant: Assistant, q: Question, corpus_root: Path, k: int) -> Row:
    row = Row(q.id, q.kind, q.answerable, split_of(q.id))
    started = time.perf_counter()
    if q.history:
        answer = assistant.converse(q.question, history=q.history, channel="eval")
    else:
        answer = assistant.ask(q.question)
    elapsed = time.perf_counter() - started
    row.retrieval = q.is_document_question
    if q.is_document_question:
        passages = assistant.search(answer.rewritten_question or q.question, k=k)
        row.hit_rank = next(
            (i for i, p in enumerate(passages, 1) if _is_hit(p, q, corpus_root)), None
        )
    row.latency_ms = elapsed * 1000
    _score_answer(row, q, answer, corpus_root)
    return row


def _run_baseline(assistant: Assistant, q: Question, corpus_root: Path, k: int) -> Row:
    row = Row(q.id, q.kind, q.answerable, split_of(q.id))
    started = time.perf_counter()
    passages = assistant.retriever.dense_only(q.question, k=k)
    row.latency_ms = (time.perf_counter() - started) * 1000
    row.retrieval = q.is_document_question
    if q.is_document_question:
        row.hit_rank = next(
            (i for i, p in enumerate(passages, 1) if _is_hit(p, q, corpus_root)), None
        )
    from assistant.answering.citations import passage_citation

    citations = [passage_citation(1, passages[0])] if passages else []
    text = (" ".join(passages[0].chunk.text.split()) + " [1]") if passages else ""
    answer = Answer(question=q.question, answer=text, grounded=bool(passages), citations=citations)
    _score_answer(row, q, answer, corpus_root)
    return row


def _score_answer(row: Row, q: Question, answer: Answer, corpus_root: Path) -> None:
    row.grounded = answer.grounded
    row.answer = answer.answer[:400]
    row.sources = [f"{c.source} p.{c.page_label or c.page or '-'}" for c in answer.citations]
    row.citations_valid = _valid_markers(answer)
    if q.answerable:
        row.key_terms_found = answer_score(q.answer, answer.answer)
        row.answer_correct = answer.grounded and row.key_terms_found >= 0.5
        if q.document:
            gold = (corpus_root / q.document).resolve()
            row.gold_cited = any(
                c.source.endswith(q.document) or Path(c.source) == gold for c in answer.citations
            )
        values = _exact_values(q.answer)
        if q.kind in DATA_KINDS and values:
            quoted = " ".join([answer.answer, *(c.text for c in answer.citations)])
            row.exact = all(v in quoted for v in values)
    else:
        row.answer_correct = not answer.grounded


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 4) if values else None


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return round(ordered[index], 1)


def summarise(rows: list[Row]) -> dict[str, Any]:
    retrieval_rows = [r for r in rows if r.retrieval]
    answerable = [r for r in rows if r.answerable]
    unanswerable = [r for r in rows if not r.answerable]
    exact = [r for r in rows if r.exact is not None]
    latencies = [r.latency_ms for r in rows]
    return {
        "hit_at_1": _mean([1.0 if r.hit_rank == 1 else 0.0 for r in retrieval_rows]),
        "hit_at_5": _mean(
            [1.0 if r.hit_rank is not None and r.hit_rank <= 5 else 0.0 for r in retrieval_rows]
        ),
        "mrr": _mean([1.0 / r.hit_rank if r.hit_rank else 0.0 for r in retrieval_rows]),
        "answer_accuracy": _mean([1.0 if r.answer_correct else 0.0 for r in answerable]),
        "citation_validity": _mean([1.0 if r.citations_valid else 0.0 for r in rows]),
        "gold_document_cited": _mean(
            [1.0 if r.gold_cited else 0.0 for r in answerable if r.gold_cited is not None]
        ),
        "refusal_accuracy": _mean([1.0 if not r.grounded else 0.0 for r in unanswerable]),
        "false_refusal_rate": _mean([1.0 if not r.grounded else 0.0 for r in answerable]),
        "indicator_exactness": _mean([1.0 if r.exact else 0.0 for r in exact]),
        "latency_p50_ms": _percentile(latencies, 0.5),
        "latency_p95_ms": _percentile(latencies, 0.95),
    }


def format_table(result: dict[str, Any]) -> str:
    splits = result.get("splits", {})
    header = f"{'metric':<22}{'assistant':>12}{'baseline':>12}"
    for split, part in splits.items():
        label = f"{split} (n={part['questions']})"
        header += f"{label:>14}{split + ' base':>12}"
    lines = [header]
    for key in METRICS:
        ours, base = result.get(key), result["baseline"].get(key)
        line = f"{key:<22}{_fmt(ours):>12}{_fmt(base):>12}"
        for part in splits.values():
            line += f"{_fmt(part['assistant'].get(key)):>14}{_fmt(part['baseline'].get(key)):>12}"
        lines.append(line)
    lines.append("")
    lines.append("per question (split, hit rank, answer correct, grounded, ms):")
    for row in result["questions"]:
        mark = "ok " if row["answer_correct"] else "NO "
        lines.append(
            f"  {row['id']:<6}{row['split']:<5}{row['kind']:<13}{mark}"
            f"hit={row['hit_rank'] or '-':<3}"
            f"grounded={row['grounded']!s:<6}{row['latency_ms']:>7.0f} ms  {row['answer'][:90]!r}"
        )
    return "\n".join(lines)


def _fmt(value: object) -> str:
    return "-" if value is None else f"{value}"


def main(assistant: Assistant, args: argparse.Namespace) -> int:
    questions = load_questions(args.file)
    result = evaluate(assistant, questions, args.corpus_root, k=args.k)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(format_table(result))
    return 0
