"""Alembic environment: runs on the connection handed over by ``geo.migrate``."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only used through geo.migrate
    raise RuntimeError("run migrations through `walouja db up` (geo.migrate.upgrade)")

context.configure(connection=connection, target_metadata=None, transaction_per_migration=False)
context.run_migrations()
