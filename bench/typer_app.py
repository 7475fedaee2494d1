"""A minimal two-command Typer app: the floor for duchá's single-record commands and --help
(bench_budgets.py).  `show` prints one finding of a ledger as CSV, `add` inserts one row;
the same Typer, the same interpreter, and the least a command can do with a SQLite file.

    python bench/typer_app.py show LEDGER WT-2026-0001
    python bench/typer_app.py add SCRATCH.db "a title"
"""

from typing import Annotated

import typer

app = typer.Typer(add_completion=False)


@app.command()
def show(db: Annotated[str, typer.Argument(help="The ledger.")],
         number: Annotated[str, typer.Argument(help="A finding's number.")]) -> None:
    """Show one finding."""
    import csv
    import sqlite3
    import sys

    con = sqlite3.connect(db)
    cur = con.execute("SELECT * FROM finding WHERE number = ?", (number,))
    names = [d[0] for d in cur.description]
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["field", "value"])
    for name, value in zip(names, cur.fetchone() or (), strict=False):
        w.writerow([name, "" if value is None else value])


@app.command()
def add(db: Annotated[str, typer.Argument(help="A scratch database.")],
        title: Annotated[str, typer.Argument(help="What to add.")]) -> None:
    """Add one row."""
    import sqlite3

    con = sqlite3.connect(db)
    con.execute("CREATE TABLE IF NOT EXISTS note (id INTEGER PRIMARY KEY, title TEXT)")
    con.execute("INSERT INTO note (title) VALUES (?)", (title,))
    con.commit()
    print(title)


if __name__ == "__main__":
    app()
