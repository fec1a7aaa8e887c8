"""The records several API hosts share: the catalogue, conversations, the audit trail with its
feedback, and briefs. The same tables as the SQLite files of one host (times as double
precision: seconds since the epoch).

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _text(name: str, *, nullable: bool = False, **kwargs: object) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.Text(), nullable=nullable, **kwargs)  # type: ignore[arg-type]


def _time(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.Double(), nullable=False)


def upgrade() -> None:
    # the catalogue (assistant/storage/catalog.py)
    op.create_table(
        "documents",
        _text("doc_id", primary_key=True),
        _text("source"),
        _text("path"),
        _text("title"),
        _text("collection"),
        _text("countries"),
        sa.Column("year", sa.Integer()),
        _text("url", nullable=True),
        _text("content_hash"),
        sa.Column("pages", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("chunks", sa.Integer(), nullable=False, server_default="0"),
        _text("access", server_default="public"),
        _text("status"),
        _time("updated"),
        _text("symbol", nullable=True),
        _text("language", nullable=True),
        _text("issued", nullable=True),
        _text("body", nullable=True),
    )
    op.create_table(
        "files",
        _text("path", primary_key=True),
        _text("content_hash"),
        _text("status"),
        _text("reason", nullable=True),
        _time("updated"),
    )
    op.create_table("state", _text("key", primary_key=True), _text("value"))
    # conversations (assistant/storage/conversations.py)
    op.create_table(
        "conversations",
        _text("id", primary_key=True),
        _text("owner"),
        _text("title"),
        _time("created"),
        _time("updated"),
    )
    op.create_index("conversations_by_owner", "conversations", ["owner", "updated"])
    op.create_table(
        "turns",
        sa.Column(
            "conversation_id",
            sa.Text(),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("n", sa.Integer(), primary_key=True),
        _text("question"),
        _text("standalone"),
        _text("kind"),
        _text("answer_id"),
        _text("answer"),
        sa.Column("grounded", sa.Integer(), nullable=False),
        _text("citations"),
        _time("created"),
    )
    # the audit trail and feedback (assistant/storage/audit.py)
    op.create_table(
        "answers",
        _text("id", primary_key=True),
        _time("created"),
        _text("owner"),
        _text("access", nullable=True),
        _text("channel"),
        _text("question"),
        _text("rewritten_question", nullable=True),
        _text("filters"),
        _text("conversation_id", nullable=True),
        _text("retrieved"),
        _text("documents"),
        _text("answer"),
        sa.Column("grounded", sa.Integer(), nullable=False),
        _text("kind"),
        _text("citations"),
        _text("answerer"),
        _text("model"),
        sa.Column("latency_ms", sa.Double(), nullable=False),
        _text("timings"),
    )
    op.create_index("answers_by_conversation", "answers", ["conversation_id"])
    op.create_table(
        "feedback",
        sa.Column("answer_id", sa.Text(), sa.ForeignKey("answers.id"), nullable=False),
        _time("created"),
        _text("owner"),
        sa.Column("rating", sa.Integer(), nullable=False),
        _text("comment"),
    )
    op.create_index("feedback_by_answer", "feedback", ["answer_id"])
    # briefs (assistant/storage/briefs.py): the brief as JSON, listed by owner, newest first
    op.create_table(
        "briefs",
        _text("id", primary_key=True),
        _text("owner"),
        _time("created"),
        _text("brief"),
    )
    op.create_index("briefs_by_owner", "briefs", ["owner", "created"])


def downgrade() -> None:
    for table in ("briefs", "feedback", "answers", "turns", "conversations", "state", "files"):
        op.drop_table(table)
    op.drop_table("documents")
