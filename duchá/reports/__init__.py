"""Reports: the dashboard, the overdue list, the weekly report, the unit scoreboard and the
draft inspection report, as SQL over indexed tables returning plain rows."""
