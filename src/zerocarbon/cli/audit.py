"""Command line of the audit chain and sign-offs (``zerocarbon audit …``).

Registered by :mod:`zerocarbon.cli.main`; thin, every command calls a service:
:mod:`zerocarbon.services.identity.audit`, :mod:`zerocarbon.services.identity.users` or
:mod:`zerocarbon.services.inventory.signoff`. Exit codes: 0 intact / unchanged, 1 a broken chain or
a changed sign-off, 2 a usage or input error.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table

from zerocarbon.errors import InputError, ZerocarbonError

console = Console()
err_console = Console(stderr=True)

audit_app = typer.Typer(no_args_is_help=True, help="审计链与核查签字 / the audit chain and verifiers' sign-offs.")

Db = Annotated[str | None, typer.Option("--db", help="数据库 URL / store URL (default: ZEROCARBON_DATABASE_URL or "
                                                   "sqlite:///zerocarbon.db)")]
AsJson = Annotated[bool, typer.Option("--json", help="输出 JSON / print JSON")]
TZ = ZoneInfo("Asia/Shanghai")


def fail(exc: ZerocarbonError) -> NoReturn:
    err_console.print(f"[bold red]错误 / error[/]\n{exc.message('zh')}\n{exc.message('en')}", highlight=False)
    raise typer.Exit(2)


def _when(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, TZ).strftime("%Y-%m-%d %H:%M:%S")


def _emit(doc: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


@audit_app.callback()
def _actor(ctx: typer.Context) -> None:
    """Entries written by these commands are the command-line user's unless the caller said otherwise."""
    from zerocarbon.store.audit import cli_actor, current_actor

    if current_actor.get() == "system":
        token = current_actor.set(cli_actor())
        ctx.call_on_close(lambda: current_actor.reset(token))


@audit_app.command("verify", help="重新计算整条审计链 / recompute the whole audit chain (exit 1 if broken).")
def verify_cmd(
    anchor: Annotated[str | None, typer.Option("--anchor", help="此前保存的链头哈希 / a head hash kept earlier, "
                                                                "which must still be in the chain")] = None,
    as_json: AsJson = False,
    db: Db = None,
) -> None:
    from zerocarbon.services.identity.audit import verify

    result = verify(db, anchor=anchor)
    if as_json:
        _emit({"ok": result.ok, "entries": result.entries, "first_bad_id": result.first_bad_id,
               "reason": result.reason, "head": result.head})
    elif result.ok:
        console.print(f"[green]OK[/] 审计链完整 / audit chain intact: {result.entries:,} entries / 条"
                      + (f"\n链头 / head: {result.head}" if result.head else ""), highlight=False)
    else:
        err_console.print(f"[bold red]审计链已被改动 / audit chain BROKEN[/] "
                          f"at entry / 条目 {result.first_bad_id if result.first_bad_id is not None else '-'} "
                          f"(after {result.entries:,} good entries / 条完好)\n{result.reason}", highlight=False)
    if not result.ok:
        raise typer.Exit(1)


@audit_app.command("log", help="最近的审计条目 / the newest audit entries.")
def log_cmd(
    limit: Annotated[int, typer.Option("--limit", "-n", help="条数 / number of entries", min=1)] = 20,
    factory: Annotated[str | None, typer.Option("--factory", help="工厂编号 / factory id")] = None,
    action: Annotated[str | None, typer.Option("--action", help="动作 / action, e.g. reading.correct")] = None,
    as_json: AsJson = False,
    db: Db = None,
) -> None:
    from zerocarbon.services.identity.audit import entries

    found = entries(db, factory_id=factory, limit=limit, action=action)
    if as_json:
        _emit({"entries": [e.to_dict() for e in found]})
        return
    table = Table(title=f"审计日志 / audit log{f' · {factory}' if factory else ''}")
    for name, justify in (("#", "right"), ("时间 / at", "left"), ("操作人 / actor", "left"),
                          ("动作 / action", "left"), ("对象 / entity", "left"), ("工厂 / factory", "left"),
                          ("内容 / after", "left")):
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for e in found:
        after = e.after or ""
        table.add_row(str(e.id), _when(e.at), e.actor, e.action, f"{e.entity}:{e.entity_id}", e.factory_id or "",
                      after if len(after) <= 80 else after[:77] + "…")
    console.print(table)


def _run_for(factory: str, period: str, declared: Path | None, db: str | None) -> Any:
    from zerocarbon.services.inventory.signoff import store_run

    return store_run(factory, period, db, declared)


@audit_app.command("sign", help="核查员签字确认一份盘查结果 / a verifier signs off a factory's inventory.")
def sign_cmd(
    factory: Annotated[str, typer.Option("--factory", help="工厂编号 / factory id")],
    period: Annotated[str, typer.Option("--period", help="期间 / period, YYYY or YYYY-MM")],
    user: Annotated[str, typer.Option("--user", help="核查员用户名 / the verifier's user name")],
    declared: Annotated[Path | None, typer.Option("--declared", help="申报的活动数据文件 / declared activity "
                                                                      "data file")] = None,
    note: Annotated[str, typer.Option("--note", help="备注 / note")] = "",
    db: Db = None,
) -> None:
    from zerocarbon.services.identity.users import get_user_by_name
    from zerocarbon.services.inventory.signoff import sign_off
    from zerocarbon.store.audit import acting_as

    try:
        verifier = get_user_by_name(user, db)
        if verifier is None:
            raise InputError(f"没有用户 {user}", f"no user '{user}'", field="user")
        run = _run_for(factory, period, declared, db)
        with acting_as(user):
            signoff_id = sign_off(factory, period, run, verifier.id, note, db)
    except ZerocarbonError as exc:
        fail(exc)
    console.print(f"签字记录 / sign-off #{signoff_id}: {factory} {period} by {user}")


@audit_app.command("signoff-check", help="检查签字后的盘查结果及其输入是否有变化 / check whether a signed-off "
                                         "inventory or its inputs changed since (exit 1 if so).")
def signoff_check_cmd(
    signoff_id: Annotated[int, typer.Argument(help="签字记录编号 / sign-off id")],
    factory: Annotated[str, typer.Option("--factory", help="工厂编号 / factory id")],
    declared: Annotated[Path | None, typer.Option("--declared", help="申报的活动数据文件 / declared activity "
                                                                      "data file (as at signing)")] = None,
    as_json: AsJson = False,
    db: Db = None,
) -> None:
    from zerocarbon.services.inventory.signoff import check_signoff, get_signoff

    try:
        so = get_signoff(signoff_id, db)
        if so.factory_id != factory:
            raise InputError(f"签字记录 {signoff_id} 属于工厂 {so.factory_id}",
                             f"sign-off {signoff_id} is of factory {so.factory_id}", field="factory")
        status = check_signoff(signoff_id, _run_for(factory, so.period, declared, db), db)
    except ZerocarbonError as exc:
        fail(exc)
    d = status.details
    if as_json:
        _emit({"unchanged": status.unchanged, "results_changed": status.results_changed,
               "inputs_changed": status.inputs_changed, "details": d})
    else:
        who = so.signed_by_name or (str(so.signed_by) if so.signed_by is not None else "-")
        console.print(f"签字记录 / sign-off #{so.id}: {so.factory_id} {so.period}, {who}, {_when(so.signed_at)}",
                      highlight=False)
        if status.unchanged:
            console.print("[green]未变化 / unchanged[/]: 结果与输入均与签字时一致 / results and inputs are as signed")
        else:
            console.print(f"[bold red]已变化 / CHANGED[/]  结果 / results: "
                          f"{'变化 / changed' if status.results_changed else '未变 / same'}   输入 / inputs: "
                          f"{'变化 / changed' if status.inputs_changed else '未变 / same'}", highlight=False)
            if d.get("inputs_parts_changed"):
                console.print(f"  输入部分 / input parts: {', '.join(d['inputs_parts_changed'])}", highlight=False)
            for key, v in d.get("totals_changed", {}).items():
                console.print(f"  {key}: {v['signed']} → {v['now']} tCO2e", highlight=False)
            if not d.get("record_consistent"):
                console.print("  [red]签字记录与审计链不一致 / the sign-off record differs from its audit entry[/]")
        for e in d.get("changes_since", [])[:20]:
            console.print(f"  #{e['id']} {_when(e['at'])} {e['actor']} {e['action']} {e['entity']}:{e['entity_id']}",
                          highlight=False)
    if not status.unchanged:
        raise typer.Exit(1)
