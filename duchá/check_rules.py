"""Gatherers for the rules on items, plans and inspections (registered with check.register)."""
