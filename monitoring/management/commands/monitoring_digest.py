from django.core.management.base import BaseCommand

from monitoring.digest import digest_send


class Command(BaseCommand):
    help = "Send today's digest of new alerts and overdue visits to township and site staff."

    def handle(self, *args, **options):
        self.stdout.write(f"{digest_send()} digest notifications sent")
