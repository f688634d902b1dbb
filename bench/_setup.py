"""What every benchmark under `bench/` shares: Django on a temporary var directory, a database of
the benchmark's own (never the application's), a description of the database and the machine,
and the results file with one entry per database vendor."""

import json
import os
import platform
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent


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
