"""Run every benchmark in turn, each on a PostgreSQL database of its own (emptied: never real data).

    .venv/bin/python -m bench.run_all            # district scale: a few minutes each
    .venv/bin/python -m bench.run_all --national # the issues' national-scale figures (an hour or more)

Each benchmark prints its own figures and ratios and writes its RESULTS.md; see bench/README.md.
"""

import argparse
import os
import subprocess
import sys

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def plan(national: bool) -> list[tuple[str, list[str], str]]:
    return [
        ("imports", ["-m", "bench.imports.run", "100000" if national else "10000"], "portal_bench_imports"),
        ("screening", ["-m", "bench.screening.run", "--sizes", "10000,1000000" if national else "10000,100000"],
         "portal_bench_screening"),
        ("dashboards", ["-m", "bench.dashboards.run", "--households", "1000000" if national else "100000"],
         "portal_bench_dashboards"),
        ("load", ["-m", "bench.load.run", "--duration", "600" if national else "180"], "portal_bench_load"),
    ]  # fmt: skip


def ensure_database(name: str) -> None:
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], capture_output=True, check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--national", action="store_true", help="the national-scale sizes of the issues")
    parser.add_argument("--only", action="append", help="run only these benchmarks (imports, screening, ...)")
    args = parser.parse_args()
    failed = []
    for name, argv, database in plan(args.national):
        if args.only and name not in args.only:
            continue
        ensure_database(database)
        env = {**os.environ, "DATABASE_URL": f"{PG}/{database}", "DEBUG": "0"}
        env.setdefault("SECRET_KEY", "bench-only-not-a-secret")
        if name == "load":
            argv = [*argv, "--database-url", f"{PG}/{database}"]
        print(f"\n=== {name}: {' '.join(argv[1:])}", flush=True)
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], env=env, check=True)
        if subprocess.run([sys.executable, *argv], env=env, check=False).returncode:
            failed.append(name)
    if failed:
        print(f"\nbenchmarks that failed to run: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
