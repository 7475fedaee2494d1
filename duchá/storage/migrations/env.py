"""Alembic environment: runs on the connection duchá hands over, inside its transaction."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - duchá always passes its own connection
    raise RuntimeError("run migrations through duchá (duchá.storage.migrate.upgrade), "
                       "not the alembic CLI")

# The caller's connection is already inside one BEGIN IMMEDIATE transaction, so Alembic does
# not open or commit its own: every step, its version rows included, lands together or not at all.
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
