"""The dashboards' part of ``manage.py seed_demo``: count the demo data into the figures tables.

The other apps load their demo rows with ``bulk_create``, which sends no signals; this app comes
after them in INSTALLED_APPS, so its hook sees every household, member, ledger and visit.
"""

from . import summary


def seed_demo_data(stdout) -> None:
    record = summary.rebuild()
    stdout.write(f"看板统计表：{record.households} 户（{record.seconds:.1f} 秒）。")
