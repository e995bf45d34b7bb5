from django.core.management.base import BaseCommand

from assistance import services


class Command(BaseCommand):
    help = "Flag departments and townships late with their progress reports and notify them (once per period)."

    def handle(self, *args, **options):
        count = services.flag_late_reports()
        self.stdout.write(f"{count} late report(s) newly flagged.")
