"""manage.py import_workbook FILE --kind KIND [--dry-run] --as USER

KIND: households, members, ledgers, incomes, cadres, facilities, hazards, activities, requests,
assets or employment (the same kinds as the upload page).
"""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from exchange import reader, sandbox, services
from exchange.models import ImportRecord
from exchange.views import may_import


class Command(BaseCommand):
    help = (
        "Check and import a workbook of any import kind (households, ledgers, site ledgers, employment...) "
        "as a given user (scope and rights apply)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--kind", required=True, choices=ImportRecord.Kind.values)
        parser.add_argument("--as", dest="username", required=True, help="username whose scope and rights apply")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    def handle(self, *args, file, kind, username, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"No active user {username!r}") from None
        if not may_import(user, kind):
            raise CommandError(f"{username} may not import {kind}")
        try:
            sandbox.capped(reader.inspect, path)  # refuse a bad file before copying it
            with path.open("rb") as handle:
                upload = SimpleUploadedFile(path.name, handle.read())
            record = services.import_upload(user=user, uploaded_file=upload, kind=kind)
        except reader.BadFile as exc:
            raise CommandError(str(exc)) from None
        record = services.import_preview(record=record)
        if record.status == ImportRecord.Status.REJECTED:
            raise CommandError(record.message)
        self.stdout.write(
            f"import #{record.pk}: {record.rows_total} rows, {record.rows_new} new, {record.rows_updated} updated, "
            f"{record.rows_unchanged} unchanged, {record.rows_invalid} invalid"
        )
        for error in record.errors[:200]:
            self.stdout.write(f"  {error['sheet']}!{error['row']} [{error['column']}] {error['message']}")
        if record.rows_invalid:
            raise CommandError(f"{record.rows_invalid} invalid rows: nothing imported")
        if dry_run:
            self.stdout.write("dry run: nothing written")
            return
        try:
            record = services.import_commit(record_id=record.pk, actor=user)
        except services.ImportBlocked as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"imported #{record.pk}"))
