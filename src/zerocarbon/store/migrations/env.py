"""Alembic environment: migrations run against the URL given by zerocarbon.store.db.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from zerocarbon.store.schema import metadata

config = context.config
url: str = str(config.attributes.get("connection_url") or config.get_main_option("sqlalchemy.url"))


def run() -> None:
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
