"""What every benchmark under `bench/` shares: Django on a temporary var directory, a database of
the benchmark's own (never the application's), a description of the database and the machine,
and the results file with one entry per database vendor. Then what the two sweep benchmarks
(`deadline_sweep.py`, `expiry_sweep.py`) share: their arguments, emptying, loading and analysing
a table, timing a call, the query plan, the small and the large run, their common figures and
the common lines of their report."""

import argparse
import contextlib
import json
import os
import platform
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

BASE_DIR = Path(__file__).resolve().parent.parent

# The sweep benchmarks: how their tables are loaded, and the size of their warm-up run.
LOAD_CHUNK = 50_000  # model instances built at a time
BATCH_SIZE = 5000
WARM_UP_ROWS = 1000

T = TypeVar("T")


def setup_django(var_dir: str) -> None:
    """Configure Django on a temporary var directory, so that the SQLite file, the broker folder
    and media of this run never mix with the application's own."""
    sys.path.insert(0, str(BASE_DIR))
    os.environ["DJANGO_SETTINGS_MODULE"] = "repairflow.settings"
    os.environ["REPAIRFLOW_VAR_DIR"] = var_dir
    import django

    django.setup()


def open_database(var_dir: str, benchmark: str) -> str | None:
    """Prepare a migrated, empty database of our own; return the name to give back to
    `destroy_test_db`, or None on SQLite (the file goes with the temporary directory). Elsewhere
    the database is `<name>_bench_<benchmark>`, made by Django's test-database creation."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        # DATABASE_URL (or .env) may name another SQLite file: never use it.
        bench_file = Path(var_dir) / "repairflow.sqlite3"
        if Path(str(connection.settings_dict["NAME"])).resolve() != bench_file.resolve():
            connection.settings_dict["NAME"] = str(bench_file)
        call_command("migrate", verbosity=0, interactive=False)
        return None
    original_name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"{original_name}_bench_{benchmark}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return original_name


def close_database(original_name: str | None) -> None:
    from django.db import connection

    if original_name is None:
        connection.close()
    else:
        connection.creation.destroy_test_db(original_name, verbosity=0)


def database_description() -> tuple[str, str]:
    """The database vendor and its server's version."""
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        return "sqlite", sqlite3.sqlite_version
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version" if connection.vendor == "postgresql" else "SELECT VERSION()")
        return connection.vendor, cursor.fetchone()[0]


def machine_description() -> dict[str, Any]:
    """CPU model, cores and memory as Linux reports them (None where it does not)."""

    def first_value(path: str, key: str) -> str | None:
        try:
            with open(path, encoding="utf-8") as lines:
                for line in lines:
                    name, _, value = line.partition(":")
                    if name.strip() == key:
                        return value.strip()
        except OSError:
            pass
        return None

    memory = first_value("/proc/meminfo", "MemTotal")  # "24576000 kB"
    return {
        "cpu": first_value("/proc/cpuinfo", "model name") or platform.processor() or None,
        "cpus": os.cpu_count(),
        "memory_gib": round(int(memory.split()[0]) / 1024**2, 1) if memory else None,
        "machine": platform.machine(),
    }


def write_results(results_file: Path, vendor: str, figures: dict[str, Any]) -> None:
    """Keep one entry per database vendor, so that runs on SQLite and PostgreSQL sit side by side."""
    results_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        results = json.loads(results_file.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        results = {}
    results[vendor] = figures
    results_file.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def environment() -> dict[str, Any]:
    """The versions, the machine and the time of a run, kept with its figures."""
    import django
    import simple_history

    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "simple_history": simple_history.__version__,
        **machine_description(),
        "measured_at": datetime.now(tz=UTC).isoformat(timespec="seconds"),
    }


def machine_line(figures: dict[str, Any]) -> str:
    memory = f"{figures['memory_gib']} GiB RAM" if figures["memory_gib"] else "RAM unknown"
    return f"machine: {figures['cpu']}, {figures['cpus']} CPUs, {memory}, {figures['machine']}"


def run_benchmark(
    name: str, results_file: Path, run: Callable[[], dict[str, Any]], report: Callable[[dict[str, Any]], None]
) -> int:
    """Run a benchmark on a database of its own, keep and print its figures; the exit status is
    1 when its target is missed."""
    with tempfile.TemporaryDirectory(prefix="repairflow-bench-") as var_dir:
        setup_django(var_dir)
        original_name = open_database(var_dir, name)
        try:
            figures = run()
        finally:
            close_database(original_name)
    write_results(results_file, figures["database"], figures)
    report(figures)
    return 0 if figures["target_met"] else 1


# The sweep benchmarks: a sweep timed over a small and a large table with the same rows due.


def parse_sweep_arguments(description: str, rows: str, due_help: str) -> argparse.Namespace:
    """--small, --large and --due, checked: at least one due, fewer due than the small size, and the
    large size not under the small one. `rows` names what the table holds ("records"), `due_help`
    what the due ones do on the sweep day ("expiring on the sweep day")."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--small", type=int, default=10_000, help=f"{rows} in the small run (default 10000)")
    parser.add_argument("--large", type=int, default=1_000_000, help=f"{rows} in the large run (default 1000000)")
    parser.add_argument("--due", type=int, default=100, help=f"of them, {due_help} (default 100)")
    arguments = parser.parse_args()
    if arguments.due < 1:
        parser.error("--due must be at least 1")
    if arguments.small <= arguments.due:
        parser.error("--small must be more than --due")
    if arguments.large < arguments.small:
        parser.error("--large must not be less than --small")
    return arguments


def empty_tables(tables: list[str], *, cascade: bool = False) -> None:
    """Empty these tables (TRUNCATE on PostgreSQL, … CASCADE with `cascade`) and reset their
    sequences; VACUUM on SQLite, so that every size starts afresh."""
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=cascade)
    connection.ops.execute_sql_flush(statements)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")


def analyze(table: str) -> None:
    """Fresh planner statistics: for this table on PostgreSQL, for the whole file on SQLite."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        else:
            cursor.execute("ANALYZE")


def bulk_load(
    model: Any,
    count: int,
    due: int,
    due_variants: list[dict[str, Any]],
    other_variants: list[dict[str, Any]],
    *,
    seed: int,
    build: Callable[[int, dict[str, Any]], Any],
) -> None:
    """Bulk-create `count` rows of `model` without history, LOAD_CHUNK instances at a time: `due`
    of them, at places drawn at random with `seed`, from `due_variants`, the others from
    `other_variants`, the variant chosen by the row's place. `build(place, variant)` makes the
    instance."""
    due_places = set(random.Random(seed).sample(range(count), due))
    for first in range(0, count, LOAD_CHUNK):
        chunk = []
        for index in range(first, min(first + LOAD_CHUNK, count)):
            variants = due_variants if index in due_places else other_variants
            chunk.append(build(index, variants[index % len(variants)]))
        model.objects.bulk_create(chunk, batch_size=BATCH_SIZE)


def timed(call: Callable[[], T], *, at: datetime | None = None) -> tuple[T, float]:
    """Call `call`, with the clock pinned to `at` (time_machine) when it is given; return its
    result and the seconds it took."""
    import time_machine

    with time_machine.travel(at) if at is not None else contextlib.nullcontext():
        started = time.perf_counter()
        result = call()
        return result, time.perf_counter() - started


def query_plan(queryset: Any, index_name: str) -> dict[str, Any]:
    """The database's plan for the sweep's select, and whether it uses the index meant for it."""
    plan = queryset.explain()
    return {"plan": plan, "plan_uses_index": index_name in plan}


def measure_small_and_large(
    measure: Callable[[int, int], dict[str, Any]], small: int, large: int, due: int, rows: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """`measure(count, due)` first over WARM_UP_ROWS rows, not counted, to load lazy code paths
    (translations, SQL compilers …); then over the small and the large size, each printed as it
    comes ("  small:     2,000 records, 50 due: 0.029 s")."""
    measure(WARM_UP_ROWS, min(due, WARM_UP_ROWS // 2))
    small_figures = measure(small, due)
    print(f"  small: {small:>9,} {rows}, {due} due: {small_figures['seconds']:.3f} s", flush=True)
    large_figures = measure(large, due)
    print(f"  large: {large:>9,} {rows}, {due} due: {large_figures['seconds']:.3f} s", flush=True)
    return small_figures, large_figures


def sweep_figures(
    benchmark: str,
    sweep_day: date,
    small: dict[str, Any],
    large: dict[str, Any],
    target_ratio: float,
    **own: Any,
) -> dict[str, Any]:
    """A sweep benchmark's figures: the database, the sweep day, the benchmark's `own` figures, the
    two runs, the time ratio (large / small) against its target, the ratio of the sweeps with
    nothing due, and the environment."""
    vendor, version = database_description()
    ratio = large["seconds"] / small["seconds"]
    idle_ratio = large["idle_seconds"] / small["idle_seconds"]
    return {
        "benchmark": benchmark,
        "database": vendor,
        "database_version": version,
        "sweep_day": sweep_day.isoformat(),
        **own,
        "small": small,
        "large": large,
        "ratio": round(ratio, 3),
        "target_ratio": target_ratio,
        "target_met": ratio < target_ratio,
        "idle_ratio": round(idle_ratio, 1),
        **environment(),
    }


def report_sweep(
    title: str,
    figures: dict[str, Any],
    describe: Callable[[dict[str, Any]], tuple[str, str]],
    index_name: str,
    results_file: Path,
) -> None:
    """A sweep benchmark's report: the title, the machine and the database; a line per run, where
    `describe(run_figures)` gives what the benchmark says of the table ("20,000 open clocks") and
    of what the sweep did ("50 fired, 97 notifications"); the verdict on the ratio, the sweeps
    with nothing due, the large run's query plan with a warning for each run whose plan does not
    use `index_name`, and where the results are."""
    print(title)
    print(machine_line(figures))
    print(f"database: {figures['database']} {figures['database_version']}")
    for label in ("small", "large"):
        run_figures = figures[label]
        table, outcome = describe(run_figures)
        print(
            f"  {label}: {table}, {run_figures['due']} due -> one sweep {run_figures['seconds']:.3f} s"
            f"  ({outcome}; load {run_figures['load_seconds']:.0f} s)"
        )
    verdict = "PASS" if figures["target_met"] else "FAIL"
    print(f"  ratio (large / small): {figures['ratio']:.2f}, target < {figures['target_ratio']:g}: {verdict}")
    small_idle, large_idle = figures["small"]["idle_seconds"], figures["large"]["idle_seconds"]
    print(
        f"  sweep again with nothing due (no target): small {small_idle * 1000:.1f} ms,"
        f" large {large_idle * 1000:.1f} ms, ratio {figures['idle_ratio']:.1f}"
    )
    print("  plan of the sweep's select (large):")
    for line in figures["large"]["plan"].splitlines():
        print(f"    {line}")
    for label in ("small", "large"):
        if not figures[label]["plan_uses_index"]:
            print(f"  WARNING: the {label} run's plan does not use {index_name}: the sweep reads rows that are not due")
    print(f"results: {results_file.relative_to(BASE_DIR)}")
