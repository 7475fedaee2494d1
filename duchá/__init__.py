"""duchá (督查): a command-line ledger for a government supervision office."""

__version__ = "0.1.0"
