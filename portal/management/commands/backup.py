from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from portal.management.backup import backup_create


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one archive (see docs/operations.md)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            default=str(Path(settings.VAR_DIR) / "backups"),
            help="Folder to write portal-backup-<time>.tar into (default: var/backups).",
        )

    def handle(self, *args, output_dir, **options):
        backup_create(directory=Path(output_dir), stdout=self.stdout)
