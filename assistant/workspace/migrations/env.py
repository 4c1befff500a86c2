"""Alembic's entry point: runs the migrations on the connection `database.migrate` hands over,
inside its locked transaction (no alembic.ini, no URL of its own)."""

from alembic import context

context.configure(connection=context.config.attributes["connection"])
with context.begin_transaction():
    context.run_migrations()
