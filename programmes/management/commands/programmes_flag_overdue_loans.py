from django.core.management.base import BaseCommand

from programmes import services


class Command(BaseCommand):
    help = "Raise a monitoring alert once per loan overdue beyond the threshold (safe to run again)."

    def handle(self, *args, **options):
        raised = services.flag_overdue_loans()
        self.stdout.write(f"overdue loans: {raised} new alerts")
