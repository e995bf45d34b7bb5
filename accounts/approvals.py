"""待我审批: what waits for a head's (or the district office's) decision, gathered from the apps.

Three kinds wait for a decision above the township's staff:
- a monitoring case whose next step is 区级审定 (district confirmation of an identification or an
  elimination): the district office decides, heads follow it;
- a housing extension the village group agreed to, waiting for the township's approval;
- a unit's progress report, submitted and waiting for the district to accept it or send it back.

``queue_for(user)`` reads them through each model's scope gate; ``count_for(user)`` is the menu's
number; ``notify_*`` tell the deciders when something starts to wait.
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scope import scope_of
from notifications.services import notify

DISTRICT_CONFIRMATION = "district_confirmation"


DECIDERS = (User.Role.HEAD, User.Role.DISTRICT_OFFICE, User.Role.ADMIN)


def _decides(user) -> bool:
    # Township cadres may approve a housing extension too, but their day starts at 我的户.
    return user.role in DECIDERS or user.is_superuser


def _sees_cases(user) -> bool:
    return _decides(user) and (user.has_perm("monitoring.approve_monitoringcase") or user.role == User.Role.HEAD)


def _sees_extensions(user) -> bool:
    return _decides(user) and user.has_perm("assistance.approve_housingextension")


def _sees_reports(user) -> bool:
    # Reports are accepted by the district (a township head files their own, never accepts them).
    return _decides(user) and user.has_perm("assistance.review_progressreport") and scope_of(user).everything


def may_have_queue(user) -> bool:
    return bool(user.is_authenticated and (_sees_cases(user) or _sees_extensions(user) or _sees_reports(user)))


def _cases(user):
    from monitoring.models import MonitoringCase

    return MonitoringCase.objects.for_user(user).filter(next_step=DISTRICT_CONFIRMATION)


def _extensions(user):
    from assistance.models import HousingExtension

    return HousingExtension.objects.for_user(user).filter(status=HousingExtension.Status.VILLAGE_APPROVED)


def _reports(user):
    from assistance.models import ProgressReport

    return ProgressReport.objects.for_user(user).filter(status=ProgressReport.Status.SUBMITTED)


@dataclass
class Queue:
    cases: list = field(default_factory=list)
    extensions: list = field(default_factory=list)
    reports: list = field(default_factory=list)
    shows_cases: bool = False
    shows_extensions: bool = False
    shows_reports: bool = False

    @property
    def total(self) -> int:
        return len(self.cases) + len(self.extensions) + len(self.reports)


def queue_for(user, limit: int = 200) -> Queue:
    queue = Queue(
        shows_cases=_sees_cases(user), shows_extensions=_sees_extensions(user), shows_reports=_sees_reports(user)
    )
    if queue.shows_cases:
        queue.cases = list(
            _cases(user)
            .select_related("household__township", "household__settlement")
            .order_by("step_since", "pk")[:limit]
        )
    if queue.shows_extensions:
        queue.extensions = list(
            _extensions(user)
            .select_related("household__township", "household__settlement")
            .order_by("village_reviewed_at", "pk")[:limit]
        )
    if queue.shows_reports:
        queue.reports = list(
            _reports(user)
            .select_related("assignment__task", "assignment__department", "assignment__township")
            .order_by("submitted_at", "pk")[:limit]
        )
    return queue


def count_for(user) -> int:
    """How many decisions wait for this user (the number beside 待我审批 in the menu)."""
    total = 0
    if _sees_cases(user):
        total += _cases(user).count()
    if _sees_extensions(user):
        total += _extensions(user).count()
    if _sees_reports(user):
        total += _reports(user).count()
    return total


MENU_COUNT_SECONDS = 60


def _count_key(user_pk) -> str:
    return f"approvals:count:{user_pk}"


def menu_count(user) -> int:
    """The menu's number, read at most once a minute per user (every page shows it); a new item for
    the user, or a look at the queue itself, refreshes it at once."""
    return cache.get_or_set(_count_key(user.pk), lambda: count_for(user), MENU_COUNT_SECONDS)


def remember_count(user, total: int) -> None:
    cache.set(_count_key(user.pk), total, MENU_COUNT_SECONDS)


def _deciders(check, obj_in_scope) -> list:
    users = User.objects.filter(is_active=True, role__in=[User.Role.HEAD, User.Role.DISTRICT_OFFICE])
    found = [u for u in users if check(u) and obj_in_scope(u)]
    cache.delete_many([_count_key(u.pk) for u in found])
    return found


def notify_case_awaits_district(case) -> int:
    """A case now waits for 区级审定: the district office and the heads whose scope holds it are told."""
    from monitoring.models import MonitoringCase

    users = _deciders(_sees_cases, lambda u: MonitoringCase.objects.for_user(u).filter(pk=case.pk).exists())
    return notify(
        users=users,
        kind="approvals.case",
        title=_("Case of %(household)s awaits district confirmation") % {"household": case.household},
        url=reverse("monitoring:case_detail", kwargs={"case_pk": case.pk}),
        dedupe_key=f"approvals:case:{case.pk}:{case.step_since}:{case.procedure}",
    )


def notify_extension_awaits_approval(application) -> int:
    """The village group agreed to a housing extension: the heads who approve it are told."""
    from assistance.models import HousingExtension

    users = _deciders(
        _sees_extensions, lambda u: HousingExtension.objects.for_user(u).filter(pk=application.pk).exists()
    )
    return notify(
        users=users,
        kind="approvals.extension",
        title=_("Housing extension of %(household)s awaits approval") % {"household": application.household},
        url=reverse("assistance:extension_detail", kwargs={"extension_pk": application.pk}),
        dedupe_key=f"approvals:extension:{application.pk}",
    )


def notify_report_awaits_acceptance(report) -> int:
    """A progress report was submitted: the district heads who accept reports are told."""
    users = _deciders(_sees_reports, lambda u: True)
    return notify(
        users=users,
        kind="approvals.report",
        title=_("Progress report on %(task)s awaits acceptance") % {"task": report.assignment.task},
        body=str(report.assignment.unit),
        url=reverse("assistance:report_detail", kwargs={"report_pk": report.pk}),
        dedupe_key=f"approvals:report:{report.pk}:{report.submitted_at.isoformat()}",
    )
