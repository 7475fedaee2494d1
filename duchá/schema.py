"""The schema version this duchá reads and writes: revision f"{SCHEMA_VERSION:04d}" of
storage/migrations.  The schema itself is models.py's; the number lives apart so that opening
a ledger checks it without loading the models."""

SCHEMA_VERSION = 9
