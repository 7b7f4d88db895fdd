"""`news-warehouse`: run the pipeline through Dagster, query the warehouse, see its status, open the UI."""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipelines.settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PID_TAG = "news_warehouse/pid"
HOST_TAG = "news_warehouse/host"
console = Console()


def use_project_dagster_home() -> Path:
    """Point Dagster at $DAGSTER_HOME or ./dagster_home (its dagster.yaml made from the project's
    when missing, with PostgreSQL storage when NEWS_WAREHOUSE_DAGSTER_PG_URL is set), so CLI runs,
    the schedule, the sensor and the UI share one run history."""
    from pipelines.serve import instance_config

    home = Path(os.environ.get("DAGSTER_HOME") or Path("dagster_home").absolute())
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    template = PROJECT_ROOT / "dagster_home" / "dagster.yaml"
    if not config.exists() and template.exists():
        config.write_text(instance_config(template.read_text(), Settings.from_env().dagster_postgres_url is not None))
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reclaim_abandoned_runs(instance) -> list[str]:
    """Fail the CLI runs on this host whose process is gone (e.g. SIGKILL): otherwise they keep
    the writer pool's only slot and every later run waits for it forever."""
    import dagster as dg

    in_flight = instance.get_runs(filters=dg.RunsFilter(
        statuses=[dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING],
        tags={HOST_TAG: socket.gethostname()}))
    reclaimed = []
    for run in in_flight:
        pid = run.tags.get(PID_TAG)
        if pid and pid.isdigit() and not _process_alive(int(pid)):
            reclaimed.append(fail_abandoned_run(instance, run, f"Run abandoned: its process {pid} is gone."))
    return reclaimed


def fail_abandoned_run(instance, run, reason: str) -> str:
    """Mark a run nobody runs any more failed and give back its writer-pool slot; its id."""
    instance.report_run_failed(run, reason)
    instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
    return run.run_id


def reclaim_runs_of_a_stopped_service(instance) -> list[str]:
    """At the service's start, fail the runs its previous life left in flight without saying so
    (killed with it: SIGKILL, a power cut): no run worker outlives the service that launched it,
    so none of them is running. Run retries (dagster.yaml) then start each once more. CLI runs
    carry their pid and are left to `reclaim_abandoned_runs`."""
    import dagster as dg

    in_flight = instance.get_runs(filters=dg.RunsFilter(statuses=[
        dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.CANCELING]))
    return [fail_abandoned_run(instance, run, "The service stopped while this run was in flight.")
            for run in in_flight if PID_TAG not in run.tags]


class RichProgress:
    """Progress bar for `news-warehouse run`: one task per refresh phase."""

    def __init__(self, bar: Progress) -> None:
        self.bar = bar
        self.task = None

    def start(self, phase: str, total: int) -> None:
        if self.task is not None:
            self.bar.update(self.task, completed=self.bar.tasks[self.task].total)
        self.task = self.bar.add_task(phase, total=total)

    def advance(self, n: int = 1) -> None:
        self.bar.advance(self.task, n)


def settings_from(args: argparse.Namespace) -> Settings:
    settings = Settings.from_env()
    return replace(
        settings,
        raw_dir=Path(args.raw).absolute() if getattr(args, "raw", None) else settings.raw_dir,
        warehouse=Path(args.warehouse).absolute() if args.warehouse else settings.warehouse,
        workers=getattr(args, "workers", None) or settings.workers,
    )


def print_table(title: str, header: list[str], rows: list[tuple]) -> None:
    table = Table(title=title, title_justify="left")
    for index, name in enumerate(header):
        table.add_column(name, no_wrap=index == 0)
    for row in rows:
        table.add_row(*("NULL" if v is None else str(v) for v in row))
    console.print(table)


def command_run(args: argparse.Namespace) -> int:
    import dagster as dg

    from pipelines.alerts import root_cause
    from pipelines.definitions import JOB_NAME, build_definitions, job_from_environment, rederive_config

    settings = settings_from(args)
    if settings.celery_broker and (getattr(args, "raw", None) or args.warehouse):
        console.print("[red]With Celery, the workers take the raw folder and the warehouse from their environment: "
                      "set NEWS_WAREHOUSE_RAW and NEWS_WAREHOUSE_DB for them and for this command instead of "
                      "--raw and --warehouse.[/red]")
        return 2
    use_project_dagster_home()
    print_unpublished(settings)
    run_config = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}, **rederive_config(settings, args.rederive)}
    tags = {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as bar, dg.DagsterInstance.get() as instance:
        for run_id in reclaim_abandoned_runs(instance):
            console.print(f"[yellow]Marked run {run_id[:8]} failed: its process died without finishing.[/yellow]")
        if settings.celery_broker:
            # The steps run on the Celery workers, which build the job from their own environment.
            console.print(f"Steps run on the Celery workers of {settings.celery_broker}.", highlight=False)
            with dg.execute_job(dg.reconstructable(job_from_environment), instance=instance, raise_on_error=False,
                                tags=tags, run_config=run_config) as result:
                pass
        else:
            job = build_definitions(settings, RichProgress(bar)).resolve_job_def(JOB_NAME)
            result = job.execute_in_process(instance=instance, raise_on_error=False, tags=tags, run_config=run_config)
    materialized = {
        event.asset_key.to_user_string(): event.materialization.metadata
        for event in result.get_asset_materialization_events()
    }
    columns = {"dagster/row_count": "rows", "files_read": "files read", "new": "new", "changed": "changed",
               "articles_derived": "derived", "rejected_this_run": "rejected"}
    rows = [(name, *(metadata[key].value if key in metadata else "" for key in columns))
            for name, metadata in materialized.items()]
    print_table(f"Run {result.run_id[:8]}: {settings.raw_dir} -> {settings.target}",
                ["table / view", *columns.values()], rows)
    rejected = materialized.get("rejected_documents", {}).get("rejected_this_run")
    if rejected and rejected.value:
        _, rows = query(settings, "SELECT path, reason FROM rejected_documents WHERE first_seen = "
                                  "(SELECT max(first_seen) FROM rejected_documents) ORDER BY path")
        print_table("Set aside this run (see rejected_documents)", ["path", "reason"], rows)
    left_out = materialized.get("article_extractions", {}).get("articles_left_out")
    if left_out and left_out.value:
        print_table("Facts left out this run (see article_extractions.left_out_reason)", ["path", "reason"],
                    query_working_copy(settings, LEFT_OUT_SQL + " AND e.extracted_at = (SELECT max(extracted_at) "
                                       "FROM article_extractions) ORDER BY path")[1])
    if result.success and "entities" not in materialized:
        console.print("Facts: up to date (no new, changed or removed articles since the last run).")
    published = materialized.get("entities", {}).get("published_seconds")
    if published is not None and published.value is not None:
        console.print(f"Published {settings.warehouse} in {published.value:.2f} s.", soft_wrap=True, highlight=False)
    checks = result.get_asset_check_evaluations()
    failed = [c for c in checks if not c.passed]
    console.print(f"Checks: {len(checks) - len(failed)} of {len(checks)} passed")
    for check in failed:
        found = ", ".join(f"{value.value} {name}" for name, value in check.metadata.items() if name != "examples")
        console.print(f"[red]Check {check.check_name} failed:[/red] {found}", highlight=False, soft_wrap=True)
        if "examples" in check.metadata:
            console.print(check.metadata["examples"].value.replace("`", ""), highlight=False, soft_wrap=True)
    if failed or not result.success:
        print_unpublished(settings)
    if not result.success:
        for event in result.all_events:
            if event.is_step_failure:
                console.print(f"[red]Step {event.step_key} failed:[/red] {root_cause(event.step_failure_data.error)}",
                              highlight=False, soft_wrap=True)
        console.print(f"Full log: run {result.run_id[:8]} in `news-warehouse ui` (DAGSTER_HOME={os.environ.get('DAGSTER_HOME')})",
                      highlight=False, soft_wrap=True)
        return 1
    return 1 if failed else 0  # a failed check that does not block still means wrong data


# Articles whose facts were left out, with the path of their file and why (e: article_extractions).
LEFT_OUT_SQL = ("SELECT r.paths[1] AS path, e.left_out_reason AS reason FROM article_extractions e "
                "JOIN raw_documents r USING (doc_id) WHERE e.left_out_reason IS NOT NULL")


def query_working_copy(settings: Settings, sql: str) -> tuple[list[str], list[tuple]]:
    """`query` on what the run wrote, published or not."""
    from pipelines.warehouse import working_copy

    return query(replace(settings, warehouse=working_copy(settings.warehouse)) if not settings.lake else settings, sql)


def print_unpublished(settings: Settings) -> None:
    """Say when the working copy holds changes the checks kept from being published, and why."""
    from pipelines.publishing import last_verdict
    from pipelines.warehouse import unpublished_since

    verdict = last_verdict(settings.target)
    if verdict is None or verdict["published"] or unpublished_since(settings.target) is None:
        return
    console.print(f"[red]Not published:[/red] the changes since {verdict['unpublished_since']} failed these checks "
                  f"when judged at {verdict['judged_at']} (the snapshot analysts read is as it was before them):",
                  highlight=False, soft_wrap=True)
    for name, found in verdict["failed"].items():
        console.print(f"  {name}: {found['rows']} rows, e.g. " + " | ".join(found["examples"]), highlight=False, soft_wrap=True)


def command_worker(args: argparse.Namespace) -> int:
    """Serve the steps of runs on the Celery executor until stopped (Ctrl-C): one per machine,
    started with the environment the runs have."""
    import tempfile

    from pipelines.definitions import celery_worker_command, celery_worker_environment

    settings = Settings.from_env()
    if not settings.celery_broker:
        console.print("[red]error:[/red] set NEWS_WAREHOUSE_CELERY_BROKER (redis://host:6379/0) to the broker the runs use")
        return 2
    use_project_dagster_home()
    with tempfile.TemporaryDirectory(prefix="news-warehouse-worker-") as folder:
        command = celery_worker_command(settings.celery_broker, Path(folder), "news-warehouse",
                                        args.concurrency)
        try:
            return subprocess.call(command, env=celery_worker_environment(dict(os.environ)))
        except KeyboardInterrupt:
            return 0


def command_rebuild(args: argparse.Namespace) -> int:
    """Build the warehouse again from raw/, its old files moved aside first (a file written by a
    newer DuckDB, say, which this product cannot open)."""
    from pipelines.refresh import run_lock
    from pipelines.warehouse import set_aside

    settings = settings_from(args)
    if settings.lake:
        console.print(f"[red]error:[/red] rebuild applies to a DuckDB file; the warehouse is {settings.lake}.",
                      highlight=False, soft_wrap=True)
        return 2
    with run_lock(settings.warehouse, lambda message: console.print(f"[yellow]{message}[/yellow]")):
        folder = set_aside(settings.warehouse)
    if folder is not None:
        console.print(f"Moved the old warehouse files to {folder}: delete it once the rebuilt warehouse is what you need.",
                      highlight=False, soft_wrap=True)
    return command_run(args)


def result_of(con, sql: str) -> tuple[list[str], list[tuple]]:
    """(column names, rows) of one statement, fetched to the end."""
    result = con.execute(sql)
    header = [d[0] for d in result.description] if result.description else []
    return header, result.fetchall()


def query(settings: Settings, sql: str) -> tuple[list[str], list[tuple]]:
    from pipelines.warehouse import reading

    with reading(settings.target, on_wait=lambda msg: console.print(f"[yellow]{msg}[/yellow]")) as con:
        return result_of(con, sql)


def print_result(header: list[str], rows: list[tuple]) -> None:
    print_table("", header, rows)
    console.print(f"{len(rows)} row(s)")


def print_duckdb_error(error: Exception) -> None:
    """A mistake in the SQL as DuckDB's own first line, not a traceback."""
    console.print(f"[red]error:[/red] {str(error).splitlines()[0]}", highlight=False, soft_wrap=True)


def command_sql(args: argparse.Namespace) -> int:
    print_result(*query(settings_from(args), args.query))
    return 0


SHELL_HELP = "End statements with ';'. .tables lists the tables and views, .quit (or Ctrl-D) leaves."


def command_shell(args: argparse.Namespace) -> int:
    """An interactive read-only SQL session on the published snapshot, with line editing and a
    history (~/.news_warehouse_history), printing results as `sql` does. It reads the snapshot it
    opened, so runs never wait for it; reopen it to see later runs."""
    import duckdb

    from pipelines.warehouse import reading

    settings = settings_from(args)
    interactive = sys.stdin.isatty()
    if interactive:
        import readline

        history = Path.home() / ".news_warehouse_history"
        if history.exists():
            readline.read_history_file(history)
    with reading(settings.target) as con:
        if interactive:
            console.print(f"{settings.target} (read-only snapshot). {SHELL_HELP}", highlight=False, soft_wrap=True)
        statement: list[str] = []
        while True:
            try:
                line = input("news> " if not statement else "  ... ") if interactive else sys.stdin.readline()
            except (EOFError, KeyboardInterrupt):
                break
            if not interactive and not line:
                break
            line = line.strip()
            if not statement and line in (".quit", ".exit"):
                break
            if not statement and line == ".tables":
                print_table("", *result_of(con, "SELECT table_name AS name, table_type AS type FROM information_schema.tables "
                                                "WHERE table_schema = 'main' ORDER BY table_name"))
                continue
            if line:
                statement.append(line)
            if not statement or not line.endswith(";"):
                continue
            sql, statement = "\n".join(statement), []
            try:
                print_result(*result_of(con, sql))
            except duckdb.Error as error:
                print_duckdb_error(error)
    if interactive:
        readline.write_history_file(history)
    return 0


def command_status(args: argparse.Namespace) -> int:
    import dagster as dg

    from pipelines.alerts import last_successful_refresh
    from pipelines.definitions import JOB_NAME
    from pipelines.warehouse import TABLES_DIR, VIEWS_DIR, object_name, sql_files, working_copy

    settings = settings_from(args)
    # Every table and view sql/ defines, in load order; one not created yet shows as such.
    names = [object_name(ddl) for ddl in sql_files(TABLES_DIR) + sql_files(VIEWS_DIR)]
    existing = {row[0] for row in query(settings, "SELECT table_name FROM information_schema.tables")[1]}
    present = [name for name in names if name in existing]
    counted = dict(query(settings, " UNION ALL ".join(f"SELECT '{name}', count(*) FROM {name}" for name in present))[1]) \
        if present else {}
    counts = [(name, counted.get(name, "not created yet")) for name in names]
    if settings.lake:
        console.print(f"Warehouse: {settings.lake}", soft_wrap=True, highlight=False)
    else:
        work = working_copy(settings.warehouse)
        console.print(f"Warehouse (what analysts open): {settings.warehouse}, {settings.warehouse.stat().st_size / 1e6:,.1f} MB",
                      soft_wrap=True)
        if work.exists():
            console.print(f"Working copy (what runs write): {work}, {work.stat().st_size / 1e6:,.1f} MB", soft_wrap=True)
    print_table("Tables and views", ["table / view", "rows"], counts)
    _, rejected = query(settings, "SELECT path, stage, reason, first_seen FROM rejected_documents ORDER BY first_seen DESC, path")
    print_table("Rejected files", ["path", "stage", "reason", "first seen"], rejected)
    existing_columns = query(settings, "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'article_extractions' "
                                       "AND column_name = 'left_out_reason'")[1][0][0]
    if existing_columns:
        print_table("Articles whose facts were left out", ["path", "reason"], query(settings, LEFT_OUT_SQL + " ORDER BY path")[1])
    from pipelines.publishing import last_verdict

    verdict = last_verdict(settings.target)
    if verdict and verdict["published"]:
        console.print(f"Last judged run: published at {verdict['judged_at']}, every blocking check passed.", highlight=False)
    print_unpublished(settings)
    use_project_dagster_home()
    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs(limit=1)
        if runs:
            run = runs[0]
            stats = instance.get_run_stats(run.run_id)
            started = stats.start_time and __import__("datetime").datetime.fromtimestamp(stats.start_time)
            console.print(f"Last run: {run.run_id[:8]} {run.job_name} {run.status.value} started {started:%Y-%m-%d %H:%M:%S}")
        else:
            console.print("Last run: none recorded in this DAGSTER_HOME")
        print_freshness(settings, last_successful_refresh(instance, JOB_NAME))
    return 0


def print_freshness(settings: Settings, last_success) -> None:
    """Whether the warehouse is stale: no successful refresh within NEWS_WAREHOUSE_STALE_HOURS.
    Measured from the Dagster instance's runs, not the warehouse: a successful run with nothing
    new writes nothing, so only the run history tells a quiet hour from a stopped service."""
    from datetime import UTC, datetime

    from pipelines.alerts import stale_since

    window = f"{settings.stale_after.total_seconds() / 3600:g} h"
    if last_success is None:
        console.print(f"Freshness: no successful refresh recorded in this DAGSTER_HOME (stale after {window})",
                      highlight=False)
        return
    now = datetime.now(UTC)
    age = f"{last_success:%Y-%m-%d %H:%M:%S} UTC, {(now - last_success).total_seconds() / 3600:.1f} h ago"
    if stale_since(last_success, settings.stale_after, now):
        console.print(f"[red]Stale:[/red] the last successful refresh ended {age} (allowed: {window}); "
                      f"is the service running?", highlight=False, soft_wrap=True)
    else:
        console.print(f"Fresh: the last successful refresh ended {age} (stale after {window})", highlight=False)


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something already listens on host:port (a second `news-warehouse ui`, say)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1)
        return probe.connect_ex((host, port)) == 0


def briefing_server(settings: Settings, host: str, port: int) -> tuple[list[str], str]:
    """The command that serves the briefing folder beside the warehouse over HTTP, and its URL:
    the UI links each run's page there (a browser will not follow a file:// link from a web page)."""
    from pipelines.assets.briefing import briefing_folder

    folder = briefing_folder(settings.warehouse)
    folder.mkdir(parents=True, exist_ok=True)
    return [sys.executable, "-m", "http.server", str(port), "--bind", host, "--directory", str(folder)], f"http://{host}:{port}/"


def serve_briefings(settings: Settings, port: int) -> tuple[str, subprocess.Popen]:
    """The briefing folder served on loopback by a child process that ends with this one (which
    becomes `dg dev`): its URL and the process."""
    import ctypes
    import signal

    command, url = briefing_server(settings, "127.0.0.1", port)
    libc = ctypes.CDLL(None)
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              preexec_fn=lambda: libc.prctl(1, signal.SIGTERM))  # PR_SET_PDEATHSIG
    return url, server


def command_ui(args: argparse.Namespace) -> int:
    if port_in_use(args.port):
        console.print(f"[red]error:[/red] port {args.port} is already in use (another `news-warehouse ui`?); "
                      f"stop it or pass --port", highlight=False, soft_wrap=True)
        return 2
    home = use_project_dagster_home()
    console.print(f"DAGSTER_HOME={home}")
    # The code location resolves raw/ and the warehouse from the environment: pin them to this
    # directory's before `dg dev` starts in the project's (it finds the project by its pyproject.toml).
    settings = Settings.from_env()
    os.environ["NEWS_WAREHOUSE_RAW"], os.environ["NEWS_WAREHOUSE_DB"] = str(settings.raw_dir), str(settings.warehouse)
    if not port_in_use(args.port + 1):
        os.environ["NEWS_WAREHOUSE_BRIEFING_URL"] = serve_briefings(settings, args.port + 1)[0]
        console.print(f"Briefing pages: {os.environ['NEWS_WAREHOUSE_BRIEFING_URL']}latest.html", highlight=False)
    os.chdir(PROJECT_ROOT)
    dg = shutil.which("dg") or "dg"
    os.execvp(dg, [dg, "dev", "-p", str(args.port)])
    return 0


def command_serve(args: argparse.Namespace) -> int:
    """Dagster's daemon and webserver over the project's instance until SIGTERM or SIGINT: the
    schedule, the sensors and the alerts keep running without a terminal (README, "Deploy")."""
    import dagster as dg

    from pipelines.serve import service_commands, supervise

    if port_in_use(args.port):
        console.print(f"[red]error:[/red] port {args.port} is already in use", highlight=False)
        return 2
    settings = Settings.from_env()
    home = use_project_dagster_home()
    if settings.dagster_postgres_url and "postgres_url" not in (home / "dagster.yaml").read_text():
        console.print(f"[red]error:[/red] NEWS_WAREHOUSE_DAGSTER_PG_URL is set but {home / 'dagster.yaml'} keeps its "
                      f"storage in SQLite: move that file aside and start again to make it anew with PostgreSQL storage",
                      highlight=False, soft_wrap=True)
        return 2
    # The services' code servers build the definitions from the environment: pin it.
    os.environ["NEWS_WAREHOUSE_RAW"], os.environ["NEWS_WAREHOUSE_DB"] = str(settings.raw_dir), str(settings.warehouse)
    with dg.DagsterInstance.get() as instance:
        for run_id in reclaim_runs_of_a_stopped_service(instance):
            console.print(f"[yellow]Marked run {run_id[:8]} failed: the service stopped while it ran.[/yellow]")
    console.print(f"DAGSTER_HOME={home}; the UI on http://{args.host}:{args.port}; raw/ = {settings.raw_dir}; "
                  f"warehouse = {settings.target}", highlight=False, soft_wrap=True)
    commands = service_commands(PROJECT_ROOT / "workspace.yaml", args.host, args.port)
    briefing_port = args.briefing_port or args.port + 1
    if port_in_use(briefing_port):
        console.print(f"[yellow]Port {briefing_port} is in use: the briefing pages are not served.[/yellow]", highlight=False)
    else:
        command, url = briefing_server(settings, args.host, briefing_port)
        commands.append(command)
        os.environ.setdefault("NEWS_WAREHOUSE_BRIEFING_URL", url)  # a proxy's address when the env file names one
        console.print(f"Briefing pages on {url}latest.html", highlight=False)
    return supervise(commands, dict(os.environ), PROJECT_ROOT, lambda message: console.print(message, highlight=False))


def command_screenshot(args: argparse.Namespace) -> int:
    """Regenerate the README's picture of the asset graph, or of a briefing page (needs the `test`
    extra and chromium)."""
    from pipelines.screenshot import CHROMIUM, capture_briefing, regenerate_readme_picture

    if not CHROMIUM.exists():
        console.print(f"[red]error:[/red] {CHROMIUM} is missing: apt-get install chromium", highlight=False)
        return 2
    if args.briefing:
        out = Path(args.out or PROJECT_ROOT / "docs" / "briefing.png")
        capture_briefing(Path(args.briefing), out.absolute())
    else:
        out = Path(args.out or PROJECT_ROOT / "docs" / "ui-asset-graph.png")
        regenerate_readme_picture(out.absolute())
    console.print(f"Wrote {out}", highlight=False)
    return 0


def command_briefing(args: argparse.Namespace) -> int:
    """Write the briefing page of the published snapshot (read-only) beside the warehouse, as
    the `briefing` asset does after a run, and open it in a browser if asked."""
    from datetime import UTC, datetime

    from pipelines.assets.briefing import briefing_folder
    from pipelines.briefing import briefing_tables, render_briefing, write_briefing
    from pipelines.warehouse import reading

    if args.days < 1:
        console.print("[red]error:[/red] --days must be at least 1", highlight=False)
        return 2
    settings = settings_from(args)
    stamp = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    with reading(settings.target, on_wait=lambda msg: console.print(f"[yellow]{msg}[/yellow]")) as con:
        tables = briefing_tables(con, args.days)
    page = render_briefing(tables, generated_at=stamp, warehouse=str(settings.target))
    dated, latest = write_briefing(page, Path(args.out) if args.out else briefing_folder(settings.warehouse), stamp)
    period = f"{tables.start} to {tables.end}" if tables.end else "an empty warehouse"
    console.print(f"Briefing of {tables.articles} articles ({period}): {dated} (also {latest.name})", highlight=False)
    if args.open:
        import webbrowser

        webbrowser.open(latest.absolute().as_uri())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="news-warehouse", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="materialize every asset through Dagster (the run shows in the UI)")
    run.add_argument("--rederive", action="store_true",
                     help="extract the facts of every article again (a changed extraction version does this by itself)")
    rebuild = sub.add_parser("rebuild", help="move the warehouse's files aside and build it again from raw/")
    rebuild.set_defaults(rederive=False)
    for command in (run, rebuild):
        command.add_argument("--raw", help="landing directory (default: ./raw or $NEWS_WAREHOUSE_RAW)")
        command.add_argument("--workers", type=int, help="cleaning and extraction processes (default 2)")
    sql = sub.add_parser("sql", help="run a read-only SQL query and print the result")
    sql.add_argument("query")
    shell = sub.add_parser("shell", help="an interactive read-only SQL session (history, tables as `sql` prints them)")
    status = sub.add_parser("status", help="row counts, rejected files and the last run")
    screenshot = sub.add_parser("screenshot", help="regenerate the README's picture of the asset graph (headless Chromium)")
    screenshot.add_argument("--briefing", metavar="PAGE", help="picture this briefing page instead (docs/briefing.png)")
    screenshot.add_argument("--out", help="where the picture goes (default: docs/ui-asset-graph.png or docs/briefing.png)")
    worker = sub.add_parser("worker", help="serve the steps of runs on the Celery executor (scale-out)")
    worker.add_argument("--concurrency", type=int, default=1, help="steps this machine runs at once (default 1)")
    briefing = sub.add_parser("briefing", help="write the briefing page (HTML, offline) of the published warehouse")
    briefing.add_argument("--days", type=int, default=7, help="days up to the latest article's day (default 7)")
    briefing.add_argument("--open", action="store_true", help="open the page in the default browser")
    briefing.add_argument("--out", help="folder for the page (default: briefing/ beside the warehouse)")
    ui = sub.add_parser("ui", help="open the Dagster UI on this project (dagster dev)")
    ui.add_argument("--port", type=int, default=3000, help="the UI's port; the briefing pages are served on the next")
    serve = sub.add_parser("serve", help="run Dagster's daemon and webserver as one service until SIGTERM (README, Deploy)")
    serve.add_argument("--host", default="127.0.0.1", help="the webserver's address (0.0.0.0: every interface)")
    serve.add_argument("--port", type=int, default=3000)
    serve.add_argument("--briefing-port", type=int, help="where the briefing pages are served (default: the UI's port + 1)")
    for command in (run, rebuild, sql, shell, status, briefing):
        command.add_argument("--warehouse", help="DuckDB file (default: ./warehouse/news.duckdb or $NEWS_WAREHOUSE_DB)")
    args = parser.parse_args(argv)
    handlers = {"run": command_run, "rebuild": command_rebuild, "sql": command_sql, "shell": command_shell, "status": command_status,
                "screenshot": command_screenshot, "ui": command_ui, "worker": command_worker,
                "briefing": command_briefing, "serve": command_serve}
    try:
        return handlers[args.command](args)
    except Exception as error:  # the CLI's contract: a clear one-line message, not a traceback
        import duckdb

        from pipelines.lake import LakeUnavailable
        from pipelines.warehouse import WarehouseBusy, WarehouseFromNewerDuckDB, WarehouseMissing

        if isinstance(error, WarehouseBusy | WarehouseMissing | WarehouseFromNewerDuckDB | LakeUnavailable):
            console.print(f"[red]error:[/red] {error}")
            return 2
        if isinstance(error, duckdb.Error):  # a mistake in the SQL
            print_duckdb_error(error)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
