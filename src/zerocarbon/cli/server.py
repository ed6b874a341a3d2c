"""Command line of the management centre: the server, users and API keys.

Registered by :mod:`zerocarbon.cli.main`; thin, every command calls a service function.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from zerocarbon.cli.store import Db, fail
from zerocarbon.errors import ZerocarbonError

console = Console()
user_app = typer.Typer(no_args_is_help=True, help="用户与 API 密钥 / users and API keys.")

Role = Annotated[str, typer.Option("--role", help="admin | factory_manager | data_entry | verifier | authority")]


def serve(
    host: Annotated[str, typer.Option("--host", help="监听地址 / bind address")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口 / port")] = 8000,
    db: Db = None,
) -> None:
    """启动管理中心（API 与看板）/ start the management centre (API and dashboard)."""
    import os

    from zerocarbon.api.app import serve as run_server
    from zerocarbon.api.settings import Settings
    from zerocarbon.store.db import migrate

    if db:
        os.environ["ZEROCARBON_DATABASE_URL"] = db
    settings = Settings()
    migrate(settings.database_url)
    console.print(f"http://{host}:{port}/  ({settings.database_url}, {settings.environment})")
    run_server(host, port, settings)


@user_app.command("add", help="新建用户 / create a user.")
def user_add(
    username: Annotated[str, typer.Argument(help="用户名 / user name")],
    role: Role,
    password: Annotated[str, typer.Option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
                                          help="密码 / password")],
    factory: Annotated[list[str] | None, typer.Option("--factory", help="可访问的工厂 / factory (repeatable)")] = None,
    region: Annotated[str | None, typer.Option("--region", help="主管部门所辖省份 / an authority's province")] = None,
    db: Db = None,
) -> None:
    from zerocarbon.services.identity.users import create_user
    from zerocarbon.store.db import database_url, migrate

    try:
        migrate(db)
        user_id = create_user(username, password, role, region=region, factories=factory or [],
                              url=database_url(db))
    except ZerocarbonError as exc:
        fail(exc)
    console.print(f"user {username} (#{user_id}, {role}) created / 已创建")


@user_app.command("api-key", help="为计量网关生成 API 密钥（只显示一次）/ create a gateway API key (shown once).")
def user_api_key(
    factory: Annotated[str, typer.Option("--factory", help="工厂编号 / factory id")],
    name: Annotated[str, typer.Option("--name", help="网关名称 / gateway name")] = "",
    db: Db = None,
) -> None:
    from zerocarbon.services.identity.api_keys import create_api_key
    from zerocarbon.store.db import database_url

    try:
        key = create_api_key(factory, name=name, url=database_url(db))
    except ZerocarbonError as exc:
        fail(exc)
    console.print(f"{key}\n(仅显示一次 / shown only once; scope: readings:write for {factory})")
