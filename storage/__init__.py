"""Storage: all the SQL of Oivallus, over a DuckDB file or a PostgreSQL server. It imports only
vocabulary/; the services (insights/) decide what a change is, storage says how it is stored.

One repository per concept (storage/*.py, built together in storage/repositories.py), and
one rule for all of them:

* A write takes the caller's unit of work as its first argument, `cur: Cursor`, and never
  opens, commits or rolls back a transaction itself. The service making a change opens the
  unit (`with db.transaction() as cur:`) and hands `cur` to every write of it, its audit entry
  included (insights/acting.py), so all of it lands or none. A unit opened inside another one
  joins it (storage/db.py).
* A read opens its own read (`with self.db.read() as cur:`), which inside this thread's open
  unit of work is that unit's cursor: a unit reads its own writes. A read that must be one step
  with the writes after it (read, check, write) takes `cur` like a write.
* `cur` is typed `storage.cursor.Cursor`, the protocol that both DuckDB's cursor and PostgreSQL's
  `PgCursor` (storage/postgres.py) satisfy; never a dialect's own class.
* SQL is written once, in the dialect DuckDB and PostgreSQL share; the schema of each dialect
  lives in its migrations (storage/migrations/README.md).

Exceptions, each for its reason:

* `ImportRepository.start`, `set_status` and `mark_interrupted` commit on their own: they pair
  an import's row with this process's session lock (`Database.hold`/`release`), which other
  processes must see at once, whatever unit is open.
* `ImportRepository.set_path`, `PeopleRepository.set_setting` and `PeopleRepository.setting`
  (which creates a missing setting) still open their own transaction: ingest/jobs.py calls
  them as they are. To move to the rule with it.
* storage/backup.py and storage/transfer.py move whole databases: they take a `Database` and
  open their own read or transaction (a restore or a copy is one unit of its own).
"""
