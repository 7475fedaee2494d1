"""Schema version 2: hash-chain the history, and index events by business date.

Revision ID: 0002
Revises: 0001
Version 1 wrote events without prev_hash/hash.  This step links every existing event, oldest
first, exactly as duchá.history.events links new ones (the canonical form is repeated
here so
that this step keeps meaning what it meant when it was written), and adds ix_event_on for
`duchá log --since` and dated reports.
"""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

HASHED = ("id", "at", "on", "actor", "action", "subject_table", "subject", "before", "after",
          "prev_hash")


def _digest(content: dict[str, object]) -> str:
    canon = {k: content.get(k) for k in HASHED}
    text = json.dumps(canon, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def upgrade() -> None:
    conn = op.get_bind()
    cols = ", ".join(f'"{c}"' for c in HASHED if c != "prev_hash")
    rows = conn.execute(sa.text(f"SELECT {cols} FROM event ORDER BY id")).mappings().all()
    prev = None
    for r in rows:
        content = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()}
        content["prev_hash"] = prev
        h = _digest(content)
        conn.execute(sa.text("UPDATE event SET prev_hash = :p, hash = :h WHERE id = :i"),
                     {"p": prev, "h": h, "i": r["id"]})
        prev = h
    op.create_index("ix_event_on", "event", ["on"])
    op.execute("UPDATE ducha_meta SET value = '2' WHERE key = 'schema_version'")
