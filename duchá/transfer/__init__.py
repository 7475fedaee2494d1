"""Transfer: spreadsheets in and out (the tables' columns, reading and checking files,
bulk import, export)."""
