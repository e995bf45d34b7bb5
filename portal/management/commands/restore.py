from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.management.backup import RestoreError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup archive into an empty, migrated database; checks every model's row count."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="A portal-backup-<time>.tar written by `manage.py backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace everything in a database that is not empty (all its rows are deleted first).",
        )

    def handle(self, *args, archive, force, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"No such backup: {path}")
        try:
            report = backup_restore(archive=path, force=force, stdout=self.stdout)
        except RestoreError as exc:
            raise CommandError(str(exc)) from exc
        for label, (expected, found) in sorted(report.items()):
            if expected:
                self.stdout.write(f"  {label}: {found}/{expected}")
        self.stdout.write(self.style.SUCCESS("Every row of the backup is in the database."))
