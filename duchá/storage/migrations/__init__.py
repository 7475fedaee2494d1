"""Alembic migrations of the ledger schema (revision "0001" is schema version 1, and so on).

Imported only when a ledger older than this duchá is opened (see duchá/storage/migrate.py).
"""
