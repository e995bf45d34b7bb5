"""Rewrite the dashboards' figures tables from the households, members, ledgers and visits."""

from django.core.management.base import BaseCommand

from dashboards import summary


class Command(BaseCommand):
    help = (
        "Rewrite the dashboards' figures tables (看板统计表) from the source tables: after a bulk load "
        "that bypassed the portal, or to check them. The nightly job does the same."
    )

    def handle(self, *args, **options):
        record = summary.rebuild()
        if options["verbosity"]:
            self.stdout.write(f"看板统计表已重算：{record.households} 户，用时 {record.seconds:.1f} 秒。")
