from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.management.backup import BackupError, RestoreError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an EMPTY database (a new PostgreSQL database with no tables, or a "
        "new SQLite file) and an empty media folder; checks every table's row count. Never empties a database."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="A portal-backup-<time>.tar.age written by `manage.py backup`.")
        parser.add_argument("--identity", required=True, help="The age key file (secret key) the backup is for.")

    def handle(self, *args, archive, identity, **options):
        path, key = Path(archive), Path(identity)
        if not path.is_file():
            raise CommandError(f"No such backup: {path}")
        if not key.is_file():
            raise CommandError(f"No such key file: {key}")
        try:
            report = backup_restore(archive=path, identity=key, stdout=self.stdout)
        except (RestoreError, BackupError) as exc:
            raise CommandError(str(exc)) from exc
        for table, (expected, found) in report.items():
            if expected:
                self.stdout.write(f"  {table}: {found}/{expected}")
        self.stdout.write(self.style.SUCCESS("Every row of the backup is in the database: switch the portal to it."))
