from django.core.management.base import BaseCommand

from settlements import services


class Command(BaseCommand):
    help = "Flag overdue hazard rectifications and residents' requests, notify once, clear the resolved."

    def handle(self, *args, **options):
        hazards = services.hazards_flag_overdue()
        requests = services.requests_flag_overdue()
        self.stdout.write(
            f"hazards: {hazards['flagged']} flagged, {hazards['cleared']} cleared, {hazards['notified']} notified; "
            f"requests: {requests['flagged']} flagged, {requests['cleared']} cleared, "
            f"{requests['notified']} notified"
        )
