import datetime

from django.core.management.base import BaseCommand

from monitoring.screening import screen


class Command(BaseCommand):
    help = "Run the risk screening over ledgers and household data (incremental unless --full)."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="screen every household, not only what changed")
        parser.add_argument("--as-of", type=datetime.date.fromisoformat, help="screening date, YYYY-MM-DD")

    def handle(self, *args, full=False, as_of=None, **options):
        run = screen(full=full, as_of=as_of)
        self.stdout.write(f"{run.get_mode_display()} screening as of {run.as_of}: {run.alerts_raised} alerts raised")
