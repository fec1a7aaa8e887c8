"""The Slack bot's state, shared by several hosts: which conversation a thread continues, the
threads of its AI-app panel, and the events already handled (so that Slack's retries, which may
reach another host, never produce a second answer). The same tables as ``slack.sqlite3``.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "threads",
        sa.Column("team", sa.Text(), primary_key=True),
        sa.Column("channel", sa.Text(), primary_key=True),
        sa.Column("ts", sa.Text(), primary_key=True),
        sa.Column("conversation_id", sa.Text(), nullable=False),
        sa.Column("updated", sa.Double(), nullable=False),
    )
    op.create_table(
        "panel_threads",
        sa.Column("team", sa.Text(), primary_key=True),
        sa.Column("channel", sa.Text(), primary_key=True),
        sa.Column("ts", sa.Text(), primary_key=True),
        sa.Column("started", sa.Double(), nullable=False),
    )
    op.create_table(
        "events",
        sa.Column("event_id", sa.Text(), primary_key=True),
        sa.Column("seen", sa.Double(), nullable=False),
    )
    op.create_index("events_by_seen", "events", ["seen"])


def downgrade() -> None:
    for table in ("events", "panel_threads", "threads"):
        op.drop_table(table)
