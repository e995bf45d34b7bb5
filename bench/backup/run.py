"""Backup → restore at district scale on PostgreSQL: every table's row count equal, and the times.

    .venv/bin/python -m bench.backup.run                       # 100,000 households
    .venv/bin/python -m bench.backup.run --households 20000

It EMPTIES (drops and creates) two databases of its own, ``portal_backup_bench`` and
``portal_backup_bench_restored``: never point it at real data. It loads the households with
bench/screening's generator (members, a visit and 12 ledger months each), edits some members
through the ORM (history rows), writes access-log rows and a visit photo, then runs
``manage.py backup`` and ``manage.py restore`` (into the second, empty database) as an operator
would, and compares every table. The test suite does the same at a few dozen households
(tests/trust/test_backup_restore.py); this is the issue's 100,000-household check, too slow for CI.
Writes bench/backup/RESULTS.md.
"""

import argparse
import datetime
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable


def counts(url: str) -> dict[str, int]:
    import psycopg2

    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            result = {}
            for (name,) in sorted(cursor.fetchall()):
                cursor.execute(f'SELECT COUNT(*) FROM "{name}"')
                result[name] = cursor.fetchone()[0]
            return result
    finally:
        conn.close()


def recreate(server: str, name: str) -> None:
    import psycopg2

    conn = psycopg2.connect(f"{server}/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    source_name, target_name = "portal_backup_bench", "portal_backup_bench_restored"
    source, target = f"{args.server}/{source_name}", f"{args.server}/{target_name}"
    work = Path(tempfile.mkdtemp(prefix="portal-backup-bench-"))
    recreate(args.server, source_name)
    recreate(args.server, target_name)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "DEBUG": "1", "DATABASE_URL": source,
           "REDIS_URL": "", "PORTAL_VAR_DIR": str(work / "var"), "MEDIA_ROOT": str(work / "media")}  # fmt: skip
    subprocess.run([PY, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.files.base import ContentFile

    from accounts.models import AccessLog, User, log_access
    from bench.screening.generate import generate
    from monitoring.models import Visit, VisitPhoto
    from relocation.models import Member

    started = time.perf_counter()
    generate(args.households, as_of=datetime.date(2026, 11, 15))
    admin = User.objects.create_user("bench-admin", password="x", role=User.Role.ADMIN, district_wide=True)
    for member in Member.objects.order_by("pk")[:2000]:
        member.disability_grade = 3
        member.save()  # history rows
        log_access(admin, AccessLog.Action.UNMASK, member, detail="id_number")
    visit = Visit.objects.order_by("pk").first()
    VisitPhoto(visit=visit).image.save("wall.jpg", ContentFile(b"\xff\xd8 bench photo \xff\xd9"))
    loaded = time.perf_counter() - started

    key = work / "key.txt"
    subprocess.run(["age-keygen", "-o", str(key)], check=True, capture_output=True)
    public = next(line.split(": ", 1)[1] for line in key.read_text().splitlines() if "public key" in line)
    t0 = time.perf_counter()
    subprocess.run([PY, "manage.py", "backup", "--output-dir", str(work / "backups"), "--recipient", public],
                   cwd=ROOT, env=env, check=True)  # fmt: skip
    backup_seconds = time.perf_counter() - t0
    (archive,) = (work / "backups").glob("portal-backup-*.tar.age")
    t0 = time.perf_counter()
    restore = subprocess.run(
        [PY, "manage.py", "restore", str(archive), "--identity", str(key)], cwd=ROOT,
        env={**env, "DATABASE_URL": target, "MEDIA_ROOT": str(work / "media-restored")}, capture_output=True, text=True,
    )  # fmt: skip
    restore_seconds = time.perf_counter() - t0
    before, after = counts(source), counts(target)
    differ = {t: (before.get(t), after.get(t)) for t in set(before) | set(after) if before.get(t) != after.get(t)}
    photo_ok = (work / "media-restored" / VisitPhoto.objects.get().image.name).exists()
    lines = [
        "# Backup and restore at district scale",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M')} with `python -m bench.backup.run --households {args.households}`, "
        f"PostgreSQL on the same {os.cpu_count()}-core machine (shared with other work).",
        "",
        f"- households: {before.get('relocation_household', 0):,}; members: {before.get('relocation_member', 0):,}; "
        f"ledger rows: {before.get('monitoring_ledgerentry', 0):,}; member history rows: "
        f"{before.get('relocation_historicalmember', 0):,}; access-log rows: {before.get('accounts_accesslog', 0):,}",
        f"- tables: {len(before)}, rows in all: {sum(before.values()):,}; "
        f"archive: {archive.stat().st_size / 1048576:.1f} MB (age-encrypted pg_dump custom format)",
        f"- load: {loaded:.0f} s; `manage.py backup`: {backup_seconds:.0f} s; `manage.py restore` into an empty "
        f"database: {restore_seconds:.0f} s (exit {restore.returncode})",
        f"- every table's row count equal after the restore: {'yes' if not differ else 'NO: ' + repr(differ)}; "
        f"visit photo restored: {'yes' if photo_ok else 'NO'}",
        "",
    ]
    if restore.returncode:
        lines += ["restore output:", "```", restore.stderr[-3000:], "```", ""]
    (ROOT / "bench" / "backup" / "RESULTS.md").write_text("\n".join(lines))
    print("\n".join(lines))
    sys.exit(0 if not differ and restore.returncode == 0 else 1)


if __name__ == "__main__":
    main()
