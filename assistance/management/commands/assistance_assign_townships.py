from django.core.management.base import BaseCommand

from assistance import services


class Command(BaseCommand):
    help = (
        "Assign every policy task naming the townships concerned (有关乡镇) to each township with a site "
        "or dispersed households; safe to run again."
    )

    def handle(self, *args, **options):
        count = services.task_assign_townships()
        self.stdout.write(f"{count} township assignment(s) added.")
