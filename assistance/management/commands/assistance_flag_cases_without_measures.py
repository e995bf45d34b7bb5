from django.core.management.base import BaseCommand

from assistance import services


class Command(BaseCommand):
    help = "Notify township staff of monitoring cases still without any assistance measure after the set days."

    def handle(self, *args, **options):
        count = services.flag_cases_without_measures()
        self.stdout.write(f"{count} notification(s) sent.")
