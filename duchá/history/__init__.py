"""History: the hash-chained events, what each record's history says it is (replay and
verify), and the log."""
