"""Checks: gather the rows each rule of rules.py reads, with indexed SQL, and run the rules."""
