"""Import and export benchmark on PostgreSQL: prints times, peak memory and the ratios.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python -m bench.imports.run 100000

Each measurement runs in its own process so its peak memory (ru_maxrss) is its own:
- floor: python-calamine parse of both sheets + COPY of the raw rows into plain unindexed tables;
- preview: exchange's dry run of an uploaded copy (services.import_preview, which stores the
  parsed rows); commit: the all-or-nothing commit of that import (services.import_commit);
- default: django-import-export with default settings on a 10,000-household subset, extrapolated;
- export: xlsx export of every household vs. writing the same rows with a bare write-only writer;
- reconcile: 账账相符 of the committed households against a national export of the same households
  (exchange.reconcile, read in the same memory-capped child as an import) vs. its floor, a
  python-calamine parse of both files (the roster and the national export).

``--quick`` runs the import and reconciliation phases only (no export, no django-import-export).
Each run replaces its own N's section of ``bench/imports/RESULTS.md``.
The database must be migrated; places and an admin user are created if missing. Commit writes
real rows: the households are deleted again before the next run.
"""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


def _user():
    from accounts.models import User

    user, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"role": User.Role.ADMIN, "district_wide": True, "is_superuser": True}
    )
    return user


def phase_floor(path):
    import csv
    import io

    from django.db import connection
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(path)
    with connection.cursor() as cursor:
        for name in book.sheet_names:
            rows = book.get_sheet_by_name(name).to_python()
            width = max(len(r) for r in rows)
            table = f"bench_floor_{abs(hash(name)) % 10000}"
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"CREATE TABLE {table} ({', '.join(f'c{i} text' for i in range(width))})")
            buffer = io.StringIO()
            csv.writer(buffer).writerows(rows)
            buffer.seek(0)
            cursor.cursor.copy_expert(f"COPY {table} FROM STDIN WITH CSV", buffer)
            cursor.execute(f"DROP TABLE {table}")


def _record(path):
    """The benchmark's import record of this workbook (made by the untimed upload phase)."""
    from exchange.models import ImportRecord

    return ImportRecord.objects.filter(file_name=Path(path).name).latest("pk")


def phase_upload(path):
    """Store the workbook as staff upload it (not timed: a copy of the file and its SHA-256)."""
    from django.core.files import File

    from exchange import services

    with open(path, "rb") as f:
        record = services.import_upload(user=_user(), uploaded_file=File(f, name=Path(path).name), kind="households")
    return record.pk


def phase_preview(path):
    """The staff preview: read (in the memory-capped child), parse, check against the database; stores the rows."""
    from exchange import sandbox, services

    record = services.import_preview(record=_record(path))
    run = sandbox.last()
    result = {"rows": record.rows_total, "new": record.rows_new, "invalid": record.rows_invalid,
              "status": record.status, "reader_mb": round(run.extra_mb) if run else None}  # fmt: skip
    if record.message:
        result["message"] = record.message[:200]
    return result


def _national(path) -> Path:
    return Path(path).with_name(Path(path).name.replace("households-", "national-"))


def phase_reconcile_floor(path):
    """The floor of a reconciliation: python-calamine parse of both files."""
    from python_calamine import CalamineWorkbook

    for workbook in (path, _national(path)):
        book = CalamineWorkbook.from_path(str(workbook))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()


def phase_reconcile(path):
    """账账相符 of the committed households against the national export, as the district's administrator."""
    from exchange import reconcile, sandbox

    result = reconcile.reconcile(str(_national(path)), user=_user())
    totals = {k: sum(len(t[k]) for t in result["townships"]) for k in ("only_portal", "only_national", "different")}
    run = sandbox.last()
    return {**totals, "national": result["national_households"], "errors": result["error_count"],
            "reader_mb": round(run.extra_mb) if run else None}  # fmt: skip


def phase_commit(path):
    """The staff commit of the previewed import: stored rows, database checks again, writes; one transaction."""
    from exchange import services

    record = services.import_commit(record_id=_record(path).pk, actor=_user())
    return {"status": record.status, "new": record.rows_new, "updated": record.rows_updated}


def phase_setup(path):
    """Places (townships, villages, the demo sites) and the importing user, if missing."""
    from django.core.management import call_command

    from relocation.demo import ensure_sites

    call_command("migrate", verbosity=0)
    ensure_sites()
    _user()


def phase_cleanup(path):
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("relocation_member", "dashboards_householdfigures"):
            cursor.execute(f"DELETE FROM {table} WHERE household_id IN "
                           "(SELECT id FROM relocation_household WHERE code LIKE 'GF-%%')")  # fmt: skip
        cursor.execute("DELETE FROM relocation_historicalmember")
        cursor.execute("DELETE FROM relocation_historicalhousehold WHERE code LIKE 'GF-%%'")
        cursor.execute("DELETE FROM relocation_household WHERE code LIKE 'GF-%%'")
    from exchange import parsed
    from exchange.models import ImportRecord

    for record in ImportRecord.objects.filter(file_name=Path(path).name):
        if record.file:
            parsed.discard(record.file.path)
            record.file.delete(save=False)
        record.delete()
    with connection.cursor() as cursor:
        # Dead rows and stale statistics from the last run would slow the next one's inserts.
        for table in ("relocation_household", "relocation_member", "relocation_historicalhousehold",
                      "relocation_historicalmember", "dashboards_householdfigures"):  # fmt: skip
            cursor.execute(f"VACUUM ANALYZE {table}")


def phase_default(path):
    """django-import-export, default settings, first 10,000 households (openpyxl read, as its xlsx format does).

    Our workbook has a title row and Chinese labels, which its loader cannot take, so the rows are
    first mapped to field values (cheap next to the import itself)."""
    import tablib
    from openpyxl import load_workbook

    from relocation.resources import HOUSEHOLDS, HouseholdResource
    from settlements.models import Settlement, Township

    book = load_workbook(path, read_only=True)
    rows = book.worksheets[0].iter_rows(min_row=2, values_only=True)
    header = next(rows)
    mapping = HOUSEHOLDS.match(list(header))
    columns = [HOUSEHOLDS.column(mapping[i]) for i in sorted(mapping)]
    townships = dict(Township.objects.values_list("name", "pk"))
    sites = dict(Settlement.objects.values_list("code", "pk"))
    subset = tablib.Dataset(headers=[c.attr for c in columns])
    for _n, row in zip(range(10_000), rows, strict=False):
        values = []
        for index, column in zip(sorted(mapping), columns, strict=True):
            raw = row[index] if index < len(row) else None
            if column.attr == "township":
                values.append(townships[raw])
            elif column.attr == "settlement":
                values.append(sites.get(raw))
            elif raw in (None, ""):
                values.append(None)
            else:
                values.append(column.parse(raw))
        subset.append(values)
    result = HouseholdResource().import_data(subset, dry_run=False)
    return {"rows": len(subset), "errors": result.has_errors() or result.has_validation_errors()}


def phase_export(path):
    from django.test import RequestFactory

    from exchange.exports import export_households

    request = RequestFactory().get("/exchange/export/households.xlsx")
    request.user = _user()
    request.session = {}
    response = export_households(request)
    return {"bytes": sum(len(c) for c in response.streaming_content)}


def phase_bare(path):
    from openpyxl import Workbook

    from relocation.models import Household

    book = Workbook(write_only=True)
    sheet = book.create_sheet("x")
    for row in Household.objects.order_by("code").values_list().iterator(chunk_size=2000):
        sheet.append([str(v) if v is not None else None for v in row])
    book.save("/tmp/bench-bare.xlsx")


def child(phase, path):
    _setup()
    if os.environ.get("EXCHANGE_READ_MEMORY_MB"):
        # The reader's budget for this run (the setting's default is 500 MB); the report names it.
        from django.conf import settings

        settings.EXCHANGE_READ_MEMORY_MB = int(os.environ["EXCHANGE_READ_MEMORY_MB"])
    started = time.perf_counter()
    result = globals()[f"phase_{phase}"](path)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"phase": phase, "seconds": elapsed, "peak_mb": peak, "result": result}, default=str))


def run(phase, path) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.imports.run", "--child", phase, str(path)], cwd=ROOT,
                         capture_output=True, text=True)  # fmt: skip
    if out.returncode:
        print(f"{phase} failed:", out.stderr.strip().splitlines()[-1], file=sys.stderr)
        return {"seconds": float("nan"), "peak_mb": float("nan"), "result": "failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])


TARGETS = {"preview": 2.0, "commit": 3.0, "default": 20.0, "import_mb": 1536, "export": 2.0, "export_mb": 300}


TARGETS_RECONCILE = 2.0


def main(n: int, quick: bool = False):

    path = ROOT / f"var/bench/households-{n}.xlsx"
    if not path.exists():
        subprocess.run([sys.executable, "-m", "bench.imports.generate", str(n), str(path)], cwd=ROOT, check=True)
    national = _national(path)
    if not national.exists():
        subprocess.run([sys.executable, "-m", "bench.imports.generate", "--national", str(n), str(national)], cwd=ROOT,
                       check=True)  # fmt: skip
    run("setup", path)
    run("cleanup", path)
    run("upload", path)
    phases = ("floor", "preview", "commit", "reconcile_floor", "reconcile")
    results = {p: run(p, path) for p in (phases if quick else (*phases, "export", "bare"))}
    run("cleanup", path)
    if not quick:
        results["default"] = run("default", path)
        run("cleanup", path)
    _report(n, results, quick=quick)


def _report(n: int, results: dict, *, quick: bool) -> None:
    import datetime

    scale = n / 10_000
    floor = results["floor"]["seconds"]
    default_total = results["default"]["seconds"] * scale if "default" in results else float("nan")
    committed = results["commit"].get("result")
    members = f"{committed['new'] - n:,}" if isinstance(committed, dict) else "?"
    lines = []
    for name, r in results.items():
        lines.append(f"| {name} | {r['seconds']:.1f} s | {r['peak_mb']:.0f} MB | {r.get('result')} |")
    ratios = [
        ("preview / floor", results["preview"]["seconds"] / floor, "≤", TARGETS["preview"]),
        ("commit / floor", results["commit"]["seconds"] / floor, "≤", TARGETS["commit"]),
        ("reconcile / parse of both files", results["reconcile"]["seconds"] / results["reconcile_floor"]["seconds"],
         "≤", TARGETS_RECONCILE),
        ("import peak memory (MB)", max(results["preview"]["peak_mb"], results["commit"]["peak_mb"]), "≤",
         TARGETS["import_mb"]),
    ]  # fmt: skip
    if not quick:
        ratios += [
            ("default (extrapolated) / commit", default_total / results["commit"]["seconds"], "≥", TARGETS["default"]),
            ("export / bare writer", results["export"]["seconds"] / results["bare"]["seconds"], "≤", TARGETS["export"]),
            ("export peak memory (MB)", results["export"]["peak_mb"], "≤", TARGETS["export_mb"]),
        ]  # fmt: skip
    verdicts = []
    refused = (
        not isinstance(results["preview"].get("result"), dict)
        or results["preview"]["result"].get("status") != "previewed"
    )
    for label, value, sign, target in ratios:
        ok = value <= target if sign == "≤" else value >= target
        if value != value or (refused and label.startswith(("preview", "commit"))):  # NaN: the phase failed
            verdict = "**not measured: the phase failed or the file was refused**"
        else:
            verdict = "met" if ok else "**missed**"
        verdicts.append(f"| {label} | {value:.2f} | {sign} {target:g} | {verdict} |")
    memory = os.environ.get("EXCHANGE_READ_MEMORY_MB", "500 (default)")
    report = "\n".join([
        f"## N = {n:,}",
        "",
        f"Run of {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}: N = {n:,} households, {members} members, "
        f"one process per phase, PostgreSQL `{os.environ.get('DATABASE_URL', 'sqlite').rsplit('/', 1)[-1]}`, "
        f"reader capped at EXCHANGE_READ_MEMORY_MB={memory}{', quick run' if quick else ''}.",
        (f"django-import-export (default settings) ran on the first 10,000 households: "
         f"{results['default']['seconds']:.0f} s, extrapolated ×{scale:g} = {default_total:.0f} s."
         if "default" in results else "Not run: export, bare writer, django-import-export (`--quick`)."),
        "",
        "| phase | time | peak memory (RSS) | result |",
        "|---|---|---|---|",
        *lines,
        "",
        "| ratio | value | target | verdict |",
        "|---|---|---|---|",
        *verdicts,
    ])  # fmt: skip
    print(report)
    out = ROOT / "bench/imports/RESULTS.md"
    sections = {}
    if out.exists():
        for part in out.read_text(encoding="utf-8").split("\n## N = ")[1:]:
            number = int(part.split("\n", 1)[0].replace(",", ""))
            sections[number] = "## N = " + part.rstrip("\n")
    sections[n] = report
    body = "\n\n".join(sections[k] for k in sorted(sections))
    out.write_text("# Import and export benchmark: latest run per size\n\n" + body + "\n", encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main(int(sys.argv[1]), quick="--quick" in sys.argv[2:])
