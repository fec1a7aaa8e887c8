"""Alembic's entry: runs the revisions in ``versions/`` against ``sqlalchemy.url``.

The assistant runs them itself when it first connects (:func:`assistant.storage.postgres.upgrade`).
By hand, from the repository root: ``RAG_DATABASE_URL=postgresql://… alembic upgrade head``; a
new revision: ``alembic revision -m "what changes"``, then write its upgrade and downgrade.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine

from assistant.storage.postgres import sqlalchemy_url

url = context.config.get_main_option("sqlalchemy.url") or sqlalchemy_url(
    os.environ.get("RAG_DATABASE_URL", "")
)
if not url:
    raise SystemExit("set RAG_DATABASE_URL=postgresql://user:password@host:5432/db")
engine = create_engine(url)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
