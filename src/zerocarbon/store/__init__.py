"""The store: schema, engine and sessions, migrations, repositories (SQLite embedded, PostgreSQL server)."""
