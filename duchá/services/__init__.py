"""Services: one module per area of the ledger (units, items, findings, plans, inspections,
extensions, settings, the working-day calendar).  Each takes a Ledger (one session, one
transaction) and returns plain rows; none commits, prints or knows the command line."""
