"""What `item show` and `finding show` display: the record's row and the records that hang
off it (progress notes or history, extensions, accountability), each read by its own service."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from duchá.services.extensions import accountability_of, extensions_of

if TYPE_CHECKING:
    from duchá.services.ledger import Ledger


def item_show(
    lg: Ledger, ref: str
) -> tuple[dict[str, Any], list[tuple[str, list[dict[str, Any]]]]]:
    """An item's row and its sections: progress notes, extensions, accountability, the
    notices that chased it and the units' answers on their forms (for `item show`)."""
    from duchá.services import forms, items, reminders

    rec, notes = items.show(lg, ref)
    item_id = rec["id"]
    return rec, [
        ("progress", notes),
        ("extensions", extensions_of(lg, "item", item_id)),
        ("accountability", accountability_of(lg, "item", item_id)),
        ("reminders", reminders.of_record(lg, "item", item_id)),
        ("feedback", forms.answers_of(lg, "item", item_id)),
    ]


def finding_show(
    lg: Ledger, ref: str
) -> tuple[dict[str, Any], list[tuple[str, list[dict[str, Any]]]]]:
    """The finding's row and its sections: history, extensions, accountability, the notices
    that chased it and the unit's answers on its forms."""
    from duchá.services import findings, forms, reminders
    from duchá.services.numbers import locate

    finding_id, number = locate(lg.sql, "finding", findings.PREFIX, ref, "finding")
    rec = findings.query(lg, numbers=[number])[0]
    return rec, [
        ("history", findings.history(lg, "finding", number)),
        ("extensions", extensions_of(lg, "finding", finding_id)),
        ("accountability", accountability_of(lg, "finding", finding_id)),
        ("reminders", reminders.of_record(lg, "finding", finding_id)),
        ("feedback", forms.answers_of(lg, "finding", finding_id)),
    ]
