"""Benchmark: the public search of published records (双公示) over 1,000,000 records.

    DATABASE_URL=postgres://... .venv/bin/python bench/public_search.py [--records N] [--requests N]

Target (issue 17): the search answers in under 50 ms of server time over 1 million records on
PostgreSQL, by a part of a name and by USCC.

What is loaded, in SQL (INSERT ... SELECT generate_series, no model instances): 10 departments,
one subject for every 5 records (one natural person in 20), names made of two of 50 place words
and a number, and the records spread over four years of decisions, nine in ten published; then
VACUUM ANALYZE. How it is measured: in-process through `django.test.Client` (the server's own time, no
network) on `/api/v1/public/records/`, each query twice to warm up, then `--requests` (default
20) timed; the median and the 95th percentile are printed with the plan of the records' query."""

import argparse
import os
import statistics as stats
import sys
import time
from typing import Any

os.environ["PUBLIC_THROTTLE_RATE"] = "1000000/minute"  # the bench is one client asking many times

from _setup import BASE_DIR, run_benchmark  # noqa: E402

RESULTS_FILE = BASE_DIR / "bench" / "results" / "public_search.json"
TARGET_MS = 50.0
WARM_UP = 2
WORDS = "泉城 明湖 历下 槐荫 天桥 历城 长清 章丘 济阳 莱芜 钢城 平阴 商河 高新 泰山 黄河 齐鲁 华夏 东方 鲁中".split()
WORDS += "金山 银河 星辰 海岱 岱宗 趵突 千佛 舜耕 龙山 凤凰 华山 鹊山 玉函 燕山 文昌 德润 博远 恒信 安泰 瑞丰".split()
WORDS += "鸿运 永盛 嘉禾 宏图 聚源 和美 汇通 卓越 正源 同创".split()


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="credit records (1000000)")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per query (20)")
    return parser.parse_args()


def load(records: int) -> str:
    """Seed departments, subjects and records in SQL; return a USCC of a subject with records."""
    from django.db import connection
    from stdnum.cn import uscc

    subjects = max(records // 5, 1)
    words = "ARRAY[" + ",".join(f"'{word}'" for word in WORDS) + "]"
    known = "9137010" + f"{77:010d}"
    known += uscc.calc_check_digit(known)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO records_department (code, name) SELECT 'D' || n, '部门' || n FROM generate_series(1, 10) n"
        )
        cursor.execute(
            f"""INSERT INTO records_creditsubject (subject_type, identifier, name, bankruptcy_source)
            SELECT CASE WHEN mod(n, 20) = 0 THEN 'natural_person' ELSE 'legal_person' END,
                   CASE WHEN n = 77 THEN %s ELSE 'X' || lpad(n::text, 17, '0') END,
                   ({words})[1 + mod(n, 50)] || ({words})[1 + mod(n / 50, 50)] || n || '科技有限公司', ''
            FROM generate_series(1, %s) n""",
            [known, subjects],
        )
        cursor.execute("SELECT min(id) FROM records_creditsubject")
        (first_subject,) = cursor.fetchone()
        cursor.execute("SELECT min(id) FROM records_department")
        (first_department,) = cursor.fetchone()
        cursor.execute(
            """INSERT INTO records_creditrecord (subject_id, category, severity, negative, department_id,
                decision_no, decision_date, title, content, state, under_objection, rule_set,
                publication_start, min_period_end, max_period_end, version, created_at, updated_at)
            SELECT %s + mod(n, %s),
                   CASE WHEN mod(n, 7) = 0 THEN 'administrative_license' ELSE 'administrative_penalty' END,
                   CASE WHEN mod(n, 7) = 0 THEN NULL ELSE 'general' END, mod(n, 7) <> 0, %s + mod(n, 10),
                   '罚〔' || n || '〕号', d, '未按规定公示年度报告', '责令改正，罚款一千元。',
                   CASE WHEN mod(n, 10) = 0 THEN 'ended' ELSE 'published' END, mod(n, 50) = 0, 'ndrc_order_58',
                   d, d + 365, d + 3 * 365, 1, now(), now()
            FROM (SELECT n, DATE '2023-01-01' + (mod(n, 1400)) AS d FROM generate_series(1, %s) n) s""",
            [first_subject, subjects, first_department, records],
        )
        # What autovacuum does after a bulk load: statistics, and the visibility map that lets a
        # covering index be read without the table.
        cursor.execute("VACUUM ANALYZE records_creditsubject")
        cursor.execute("VACUUM ANALYZE records_creditrecord")
    return known


def run(arguments: argparse.Namespace) -> dict:
    from django.db import connection
    from django.test import Client

    started = time.perf_counter()
    known = load(arguments.records)
    load_seconds = time.perf_counter() - started
    queries = search_queries(known)
    figures: dict = {"database": connection.vendor, "records": arguments.records, "load_seconds": load_seconds}
    figures["queries"] = search_timed(Client(HTTP_HOST="127.0.0.1"), queries, arguments.requests)
    figures["target_met"] = all(result["p95_ms"] < TARGET_MS for result in figures["queries"].values())
    return figures


def search_queries(known: str) -> dict[str, str]:
    """What the public asks for, by label; `known` is the USCC of a subject with records."""
    return {
        "no query (newest first)": "",
        "name part, selective (泉城明湖)": "泉城明湖",
        "name part, common (科技有限)": "科技有限",
        "name start, 2 characters (泉城)": "泉城",
        "USCC": known,
    }


def timed(client: Any, path: str, params: dict[str, str], requests: int) -> dict[str, Any]:
    """`requests` GETs of `path` after the warm-up: their median and 95th percentile, and how many
    results the last one gave."""
    for _ in range(WARM_UP):
        assert client.get(path, params).status_code == 200
    times = []
    for _ in range(requests):
        begin = time.perf_counter()
        response = client.get(path, params)
        times.append((time.perf_counter() - begin) * 1000)
    times.sort()
    return {
        "median_ms": round(stats.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "found": len(response.json()["results"]),
    }


def plan_lines(sql: str, params: Any) -> list[str]:
    """The plan of a query, as run (PostgreSQL) or as planned (SQLite)."""
    from django.db import connection

    explain = "EXPLAIN ANALYZE" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
    with connection.cursor() as cursor:
        cursor.execute(f"{explain} {sql}", params)
        lines = [" ".join(str(column) for column in row) for row in cursor.fetchall()]
    return [line if len(line) <= 240 else line[:239] + "…" for line in lines]


def search_timed(client: Any, queries: dict[str, str], requests: int) -> dict[str, dict[str, Any]]:
    """Each query of the public search timed, with the plan of what a page reads first: the ids
    of its rows (portal/selectors.py `first_ids_query`)."""
    from repairflow.portal.selectors import PublicSearch, first_ids_query, public_search

    results = {}
    for label, q in queries.items():
        results[label] = timed(client, "/api/v1/public/records/", {"q": q}, requests)
        found = public_search(PublicSearch.from_query(q))
        results[label]["plan"] = plan_lines(
            *first_ids_query(found.records, found.subjects, ("-decision_date", "-id"), 21)
        )
    return results


def print_queries(queries: dict[str, dict[str, Any]]) -> None:
    for label, result in queries.items():
        print(f"\n{label}: median {result['median_ms']} ms, p95 {result['p95_ms']} ms ({result['found']} on the page)")
        for line in result["plan"]:
            print(f"    {line}")


def report(figures: dict) -> None:
    print(f"{figures['records']:,} records on {figures['database']}, loaded in {figures['load_seconds']:.0f} s")
    print_queries(figures["queries"])
    print(f"\ntarget p95 < {TARGET_MS:.0f} ms: {'met' if figures['target_met'] else 'MISSED'}")


if __name__ == "__main__":
    arguments = parse_arguments()
    sys.exit(run_benchmark("public_search", RESULTS_FILE, lambda: run(arguments), report))
