"""Storage: schema migrations, backups and restores, file copies and bulk inserts."""
