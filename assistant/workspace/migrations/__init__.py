"""The workspace schema's Alembic migrations, applied by `database.migrate` when a store opens.

A schema change is a new file in `versions/` whose `down_revision` is the current head; it
goes forward only (the store never downgrades). tests/unit/workspace/test_migrations.py
checks that the migrated schema matches the models in `conversations.py`.
"""
