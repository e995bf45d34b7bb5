from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.management.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded files into one archive encrypted with age "
        "(see docs/operations.md: it holds password hashes and second-factor secrets)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            default=str(Path(settings.VAR_DIR) / "backups"),
            help="Folder to write portal-backup-<time>.tar.age into (default: var/backups).",
        )
        parser.add_argument(
            "--recipient",
            action="append",
            default=None,
            help="An age public key (age1...) to encrypt for; repeatable. Default: BACKUP_AGE_RECIPIENTS.",
        )

    def handle(self, *args, output_dir, recipient, **options):
        try:
            backup_create(directory=Path(output_dir), recipients_list=recipient, stdout=self.stdout)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
