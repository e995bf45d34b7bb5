"""Load test: 50 staff browsing and recording visits while 10,000-household imports and screenings run.

    .venv/bin/python -m bench.load.run                 # 3 minutes, the quick check
    .venv/bin/python -m bench.load.run --duration 600  # the 10-minute soak
    .venv/bin/python -m bench.load.run --duration 600 --repeat  # imports and screenings all run long
    .venv/bin/python -m bench.load.run --duration 600 --faults  # Redis stopped for 5 s, twice

With ``--faults`` the portal uses a Redis of its own (started on a free loopback port, never the
shared one), a Celery worker runs beside gunicorn, and Redis is stopped for 5 s at a third and at
two thirds of the run. The goals: 0 lost visits (every visit the staff saw saved is in the
database), 0 stuck imports (none left "checking" or "importing"), list p95 still under 1 s, and
the worker still running at the end. Results in bench/load/RESULTS-faults.md.

Everything runs on this machine and talks over 127.0.0.1 only: PostgreSQL (a database of its
own, created if missing), Redis DB 14, gunicorn with the production settings, locust headless.
It writes bench/load/RESULTS.md (RESULTS-repeat.md with --repeat) and the raw figures under
bench/out/load/.
"""

import argparse
import contextlib
import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "bench" / "out" / "load"
PY = sys.executable
PASSWORD = "Load-test-2026-" + secrets.token_hex(4)
LOAD_BEFORE = os.getloadavg()[0]
BACKGROUND_NICENESS = 10
# Web workers' memory may settle (caches, connection buffers) but not keep climbing: over the last
# three quarters of the run it must grow by at most this much.
MEMORY_GROWTH_PERCENT = 10


def env_for(args) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": "load-test-" + secrets.token_hex(24),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_COOKIES": "0",  # plain HTTP on the loopback: see portal/settings.py
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "PORTAL_VAR_DIR": str(OUT / "var"),
        "LOG_LEVEL": "WARNING",
        "AXES_FAILURE_LIMIT": "1000",  # fifty users log in from one address
    }


def manage(env, *argv, check=True, **kwargs):
    return subprocess.run([PY, "manage.py", *argv], cwd=ROOT, env=env, check=check, **kwargs)


def prepare(args, env):
    """Database, demo district, load users, static files and the workbook to import."""
    name = args.database_url.rsplit("/", 1)[1]
    server = args.database_url.rsplit("/", 1)[0] + "/postgres"
    exists = subprocess.run(["psql", server, "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
                            capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    if not exists:
        subprocess.run(["psql", server, "-c", f'CREATE DATABASE "{name}"'], check=True, capture_output=True)
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "collectstatic", "--no-input", "-v", "0")
    manage(env, "seed_demo", "--households", str(args.households), stdout=subprocess.DEVNULL)
    users = [f"load{i:02d}" for i in range(1, args.users + 1)]
    script = (
        "from accounts.models import User\n"
        "from settlements.models import Township\n"
        "towns = list(Township.objects.all())\n"
        f"for name in {users!r}:\n"
        "    u, _ = User.objects.get_or_create(username=name, defaults={'role': 'township_staff', 'full_name': name})\n"
        f"    u.set_password({PASSWORD!r}); u.role = 'township_staff'; u.is_active = True; u.save()\n"
        "    u.townships.set(towns)\n"
    )
    manage(env, "shell", "-c", script)
    workbook = OUT / f"import-{args.import_rows}.xlsx"
    if not workbook.exists():
        code = (
            "import django; django.setup()\n"
            "from pathlib import Path\nfrom bench.imports.generate import generate\n"
            f"print(generate({args.import_rows}, Path({str(workbook)!r}), seed=777))"
        )
        subprocess.run([PY, "-c", code], cwd=ROOT, env=env, check=True)
    return users, workbook


def worker_pids(master: int) -> list[int]:
    import psutil

    try:
        return [c.pid for c in psutil.Process(master).children()]
    except psutil.NoSuchProcess:
        return []


def sample_memory(master: int, samples: list, stop: threading.Event):
    import psutil

    start = time.monotonic()
    while not stop.wait(5):
        rss = []
        for pid in worker_pids(master):
            with contextlib.suppress(psutil.NoSuchProcess):
                rss.append(psutil.Process(pid).memory_info().rss)
        samples.append((round(time.monotonic() - start), sum(rss) / 1048576, len(rss)))


def lower_priority():
    """Background jobs yield the processor to staff's requests, as the Celery worker does in
    production (docs/operations.md: the worker runs under ``nice``)."""
    os.nice(BACKGROUND_NICENESS)


def background_jobs(env, workbook, delay, until, log):
    """The import and the screening, started once the staff are at work; with ``until`` (a monotonic
    time) again every 30 s after the previous pair ended, until then, so that the whole run is under
    them. The first import creates the households; later ones re-check the same workbook."""
    time.sleep(delay)
    cycles = []
    while not cycles or (until is not None and time.monotonic() < until):
        started = time.monotonic()
        imp = subprocess.Popen(
            [PY, "manage.py", "import_workbook", str(workbook), "--kind", "households", "--as", "admin"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=lower_priority,
        )  # fmt: skip
        scr = subprocess.Popen(
            [PY, "manage.py", "screen", "--full"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=lower_priority,
        )  # fmt: skip
        cycles.append({"import": imp.wait(), "screening": scr.wait(), "seconds": round(time.monotonic() - started, 1)})
        time.sleep(30)
    return {"cycles": cycles}


class PrivateRedis:
    """redis-server on a free loopback port with its own data folder (append-only, as in production)."""

    def __init__(self, data: Path):
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.data = data
        data.mkdir(parents=True, exist_ok=True)
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        import redis

        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.data),
             "--appendonly", "yes", "--appendfsync", "everysec", "--save", ""],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        for _ in range(100):
            with contextlib.suppress(redis.RedisError):
                if redis.Redis.from_url(self.url, socket_connect_timeout=0.3).ping():
                    return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


def redis_blips(server: PrivateRedis, at: list[float], seconds: float, log: list):
    """Stop Redis for ``seconds`` at each of the given offsets (seconds from now)."""
    start = time.monotonic()
    for offset in at:
        time.sleep(max(0, start + offset - time.monotonic()))
        stopped = time.monotonic()
        server.stop()
        time.sleep(seconds)
        server.start()
        log.append((round(stopped - start, 1), round(time.monotonic() - stopped, 1)))


def fault_outcomes(env, started_at: str) -> dict:
    """Visits saved since the start and imports left running, read from the database afterwards."""
    script = (
        "import json\n"
        "from monitoring.models import Visit\n"
        "from exchange.models import ImportRecord\n"
        "from django.utils.dateparse import parse_datetime\n"
        f"since = parse_datetime({started_at!r})\n"
        "visits = Visit.objects.filter(created_at__gte=since, findings__startswith='压力测试回访').count()\n"
        "stuck = ImportRecord.objects.filter(status__in=['previewing', 'committing']).count()\n"
        "print(json.dumps({'visits': visits, 'stuck_imports': stuck}))\n"
    )
    out = manage(env, "shell", "-c", script, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    return json.loads(out)


def read_stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=180, help="seconds of load (600 for the soak)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--import-rows", type=int, default=10000)
    parser.add_argument(
        "--repeat",
        action="store_true",
        help="import and screen again and again all run long (harder than the goal: one of each)",
    )
    parser.add_argument(
        "--faults",
        action="store_true",
        help="a private Redis, stopped for 5 s at a third and at two thirds of the run; a Celery worker beside",
    )
    parser.add_argument("--port", type=int, default=8797)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/portal_trust_load")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()
    import socket

    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", args.port)) == 0:
            sys.exit(f"Port {args.port} is already in use: choose another with --port.")
    OUT.mkdir(parents=True, exist_ok=True)
    redis_server = None
    if args.faults:
        redis_server = PrivateRedis(OUT / "redis")
        redis_server.start()
        args.redis_url = redis_server.url
    env = env_for(args)
    users, workbook = prepare(args, env)
    log = (OUT / "server.log").open("w")
    worker = None
    blips: list = []
    started_at = __import__("datetime").datetime.now(__import__("datetime").UTC).isoformat()
    if args.faults:
        worker = subprocess.Popen(
            [str(Path(PY).parent / "celery"), "-A", "portal", "worker", "--concurrency=1", "--loglevel=WARNING"],
            cwd=ROOT, env=env, stdout=(OUT / "worker.log").open("w"), stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=lower_priority,
        )  # fmt: skip
        threading.Thread(
            target=redis_blips,
            args=(redis_server, [args.duration / 3, 2 * args.duration / 3], 5.0, blips),
            daemon=True,
        ).start()
    gunicorn = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "portal.wsgi", "-b", f"127.0.0.1:{args.port}", "-w", str(args.workers),
         "--timeout", "60", "--access-logfile", "-"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    samples, stop = [], threading.Event()
    jobs = {}
    try:
        time.sleep(4)
        sampler = threading.Thread(target=sample_memory, args=(gunicorn.pid, samples, stop), daemon=True)
        sampler.start()
        runner = threading.Thread(
            target=lambda: jobs.update(
                background_jobs(
                    env,
                    workbook,
                    min(30, args.duration // 6),
                    time.monotonic() + args.duration - 30 if args.repeat else None,
                    log,
                )
            ),
            daemon=True,
        )
        runner.start()
        prefix = OUT / "locust"
        locust_env = {**env, "LOAD_USERS": ",".join(users), "LOAD_PASSWORD": PASSWORD}
        subprocess.run(
            [str(Path(PY).parent / "locust"), "-f", str(ROOT / "bench/load/locustfile.py"), "--headless",
             "-u", str(args.users), "-r", "10", "-t", f"{args.duration}s", "--host", f"http://127.0.0.1:{args.port}",
             "--csv", str(prefix), "--only-summary", "--stop-timeout", "10"],
            cwd=ROOT, env=locust_env, check=False, timeout=args.duration + 120,
        )  # fmt: skip
        runner.join(timeout=600)
    finally:
        stop.set()
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=30)
    faults = None
    if args.faults:
        time.sleep(10)  # the last blip's redelivery, if any
        faults = {"blips": blips, "worker_alive": worker.poll() is None, **fault_outcomes(env, started_at)}
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
        redis_server.stop()
    write_results(args, read_stats(OUT / "locust"), samples, jobs, faults)


def write_results(args, stats, samples, jobs, faults=None):
    rows = [s for s in stats if s["Name"] != "Aggregated"]
    total = next(s for s in stats if s["Name"] == "Aggregated")
    lists = [s for s in rows if s["Name"].startswith("list:")]
    worst_list_p95 = max(float(s["95%"]) for s in lists) if lists else float("nan")
    warm = [mb for t, mb, _ in samples if t >= args.duration * 0.25]
    cycles = jobs.get("cycles", [])
    growth = (warm[-1] - warm[0]) / warm[0] * 100 if len(warm) > 1 and warm[0] else float("nan")
    lines = [
        "# Load test results",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M')} with `python -m bench.load.run --duration {args.duration}`: "
        f"{args.users} staff, {args.workers} gunicorn workers, {args.households} demo households, "
        f"a {args.import_rows}-household import and a full screening run side by side"
        + (", again and again from 30 s in until the end" if args.repeat else ", once, 30 s in")
        + f" (at nice {BACKGROUND_NICENESS}, as the production worker). "
        f"{os.cpu_count()}-core machine, PostgreSQL, Redis and locust on the same machine; "
        f"load average before the run: {LOAD_BEFORE:.2f}.",
        "",
        f"- requests: {total['Request Count']}, failures: {total['Failure Count']}",
        f"- worst list page p95: {worst_list_p95:.0f} ms (goal: under 1000 ms)",
        f"- web workers' memory after warm-up: {warm[0]:.0f} MB → {warm[-1]:.0f} MB ({growth:+.1f} %)"
        if len(warm) > 1
        else "- web workers' memory: not enough samples",
        f"- import and screening: {len(cycles)} rounds during the run, "
        f"{sum(1 for c in cycles if c['import'] == 0 and c['screening'] == 0)} with both exiting 0; "
        f"a round took {min(c['seconds'] for c in cycles):.0f}–{max(c['seconds'] for c in cycles):.0f} s"
        if cycles
        else "- import and screening: no round finished",
        "",
        "| request | count | failures | median ms | p95 ms | max ms |",
        "|---|---|---|---|---|---|",
    ]
    failures = int(total["Failure Count"])
    memory_ok = len(warm) > 1 and growth <= MEMORY_GROWTH_PERCENT
    lines[8:8] = [
        f"- verdict: errors {'met' if failures == 0 else 'NOT met'}; list p95 < 1 s "
        f"{'met' if worst_list_p95 < 1000 else 'NOT met'}; memory growth after warm-up ≤ {MEMORY_GROWTH_PERCENT} % "
        f"{'met' if memory_ok else 'NOT met'}; background jobs "
        f"{'all succeeded' if cycles and all(c['import'] == 0 and c['screening'] == 0 for c in cycles) else 'FAILED'}",
    ]
    if faults is not None:
        saved = next((s for s in rows if s["Name"] == "visit save"), None)
        answered = int(saved["Request Count"]) - int(saved["Failure Count"]) if saved else 0
        lost = answered - faults["visits"]
        lines[8:8] = [
            f"- Redis stopped {len(faults['blips'])} times "
            + ", ".join(f"at {t:.0f} s for {d:.0f} s" for t, d in faults["blips"])
            + f"; visits saved as the staff saw them: {answered}, in the database: {faults['visits']} "
            f"(lost: {lost}); imports left running: {faults['stuck_imports']}; Celery worker alive at the end: "
            f"{'yes' if faults['worker_alive'] else 'NO'}",
            f"- fault verdict: lost visits {'0: met' if lost <= 0 else 'NOT met'}; stuck imports "
            f"{'0: met' if faults['stuck_imports'] == 0 else 'NOT met'}; list p95 < 1 s "
            f"{'met' if worst_list_p95 < 1000 else 'NOT met'}; worker {'alive' if faults['worker_alive'] else 'DEAD'}",
        ]
    for s in rows:
        lines.append(
            f"| {s['Name']} | {s['Request Count']} | {s['Failure Count']} | {s['Median Response Time']} | "
            f"{s['95%']} | {float(s['Max Response Time']):.0f} |"
        )
    lines += ["", "Memory of the web workers (seconds since start, MB, processes):", "", "```"]
    lines += [f"{t:>5} s {mb:8.1f} MB {n}" for t, mb, n in samples]
    lines += ["```", ""]
    name = "RESULTS-faults.md" if faults is not None else "RESULTS-repeat.md" if args.repeat else "RESULTS.md"
    (ROOT / "bench" / "load" / name).write_text("\n".join(lines))
    summary = {"stats": stats, "memory": samples, "jobs": jobs, "faults": faults}
    (OUT / "summary.json").write_text(json.dumps(summary, indent=1))
    print("\n".join(lines[:12]))


if __name__ == "__main__":
    main()
