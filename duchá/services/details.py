"""What `item show` and `finding show` display: the record's row and the records that hang
off it (progress notes or history, extensions, accountability), each read by its own service."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from duchá.services.extensions import accountability_of, extensions_of

if TYPE_CHECKING:
    from duchá.services.ledger import Ledger


def item_show(
    lg: Ledger, ref: str
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """An item's row, progress notes, extensions and accountability (for `item show`)."""
    from duchá.services import items

    rec, notes = items.show(lg, ref)
    item_id = rec["id"]
    return rec, notes, extensions_of(lg, "item", item_id), accountability_of(lg, "item", item_id)


def finding_show(
    lg: Ledger, ref: str
) -> tuple[dict[str, Any], list[tuple[str, list[dict[str, Any]]]]]:
    """The finding's row and its sections: history, extensions, accountability."""
    from duchá.services import findings
    from duchá.services.numbers import locate

    finding_id, number = locate(lg.sql, "finding", findings.PREFIX, ref, "finding")
    rec = findings.query(lg, numbers=[number])[0]
    return rec, [
        ("history", findings.history(lg, "finding", number)),
        ("extensions", extensions_of(lg, "finding", finding_id)),
        ("accountability", accountability_of(lg, "finding", finding_id)),
    ]
