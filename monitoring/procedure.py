"""The monitoring procedure as a township runs it: identification (识别认定) and risk elimination (风险消除)
as chains of dated steps, each with who did it and what it produced.

The chains, who may do each step and which steps one person may not both do are declared once here;
every step goes through :func:`_record_step`, one transaction that locks the case, checks the order,
the date, the separation of duties, and moves the case on. Refusals are ``ValidationError``s whose
messages say why, in Chinese once translated.
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relocation.models import Household

from .models import (
    Alert,
    CaseStep,
    MonitoringCase,
    Objection,
    ObjectionOffice,
    Procedure,
    PublicNotice,
    StepEvidence,
    StepKind,
    Thresholds,
)

K = StepKind

CHAINS = {
    Procedure.IDENTIFICATION: [
        K.CLUE,
        K.HOUSEHOLD_CHECK,
        K.CROSS_CHECK,
        K.VILLAGE_REVIEW,
        K.NOTICE,
        K.TOWNSHIP_REVIEW,
        K.DISTRICT_CONFIRMATION,
    ],
    Procedure.ELIMINATION: [
        K.PROPOSAL,
        K.HOUSEHOLD_CHECK,
        K.VILLAGE_REVIEW,
        K.NOTICE,
        K.TOWNSHIP_REVIEW,
        K.DISTRICT_CONFIRMATION,
    ],
}

# Separation of duties: whoever did (recorded or took part in) a step on the right may not do the step
# on the left for the same case and run. Administrators are not exempt.
EXCLUSIVE = {
    K.TOWNSHIP_REVIEW: [K.HOUSEHOLD_CHECK, K.PROPOSAL],
    K.DISTRICT_CONFIRMATION: [K.HOUSEHOLD_CHECK, K.PROPOSAL, K.TOWNSHIP_REVIEW],
}

# The permission each step needs (roles get them in monitoring/permissions.py).
STEP_PERMISSION = {
    K.CLUE: "monitoring.add_monitoringcase",
    K.PROPOSAL: "monitoring.eliminate_monitoringcase",
    K.HOUSEHOLD_CHECK: "monitoring.add_casestep",
    K.CROSS_CHECK: "monitoring.add_casestep",
    K.VILLAGE_REVIEW: "monitoring.add_casestep",
    K.NOTICE: "monitoring.add_publicnotice",
    K.TOWNSHIP_REVIEW: "monitoring.review_monitoringcase",
    K.DISTRICT_CONFIRMATION: "monitoring.approve_monitoringcase",
}

# The upload each step cannot pass without.
REQUIRED_EVIDENCE = {
    (Procedure.IDENTIFICATION, K.HOUSEHOLD_CHECK): StepEvidence.Kind.AUTHORISATION,
    (Procedure.ELIMINATION, K.HOUSEHOLD_CHECK): StepEvidence.Kind.ELIMINATION_FORMS,
    (Procedure.IDENTIFICATION, K.VILLAGE_REVIEW): StepEvidence.Kind.MINUTES,
    (Procedure.ELIMINATION, K.VILLAGE_REVIEW): StepEvidence.Kind.MINUTES,
}

# What the department cross-check (部门比对) asks each bureau's data.
CROSS_CHECK_ITEMS = [
    ("vehicles", gettext_lazy("Vehicles (public security)")),
    ("real_estate", gettext_lazy("Real estate (natural resources)")),
    ("business", gettext_lazy("Business registration (market regulation)")),
    ("public_servant", gettext_lazy("Public servants and staff of public institutions")),
    ("deposits", gettext_lazy("Deposits and financial assets")),
]


def step_label(kind: str) -> str:
    return str(StepKind(kind).label)


# Object types ------------------------------------------------------------------------------------


def allowed_object_types(household: Household) -> list[str]:
    """脱贫不稳定户 only for a household lifted out of poverty, 边缘易致贫户 only for the others (一般农户);
    突发严重困难户 for either: the national definition says it 可以是脱贫户，也可以是一般农户 (docs/monitoring.md)."""
    T = MonitoringCase.ObjectType
    if household.household_type == Household.Type.LIFTED:
        return [T.UNSTABLE, T.SUDDEN]
    return [T.MARGINAL, T.SUDDEN]


def check_object_type(household: Household, object_type: str) -> None:
    if object_type not in allowed_object_types(household):
        allowed = "、".join(str(MonitoringCase.ObjectType(t).label) for t in allowed_object_types(household))
        raise ValidationError(
            {
                "object_type": _("A %(kind)s can only be identified as: %(allowed)s.")
                % {"kind": household.get_household_type_display(), "allowed": allowed}
            }
        )


def check_fast_lane(object_type: str, fast_lane: bool) -> None:
    """The fast lane (绿色通道: help at once, the chain completes afterwards) is for 突发严重困难户 only."""
    if fast_lane and object_type != MonitoringCase.ObjectType.SUDDEN:
        raise ValidationError(
            {
                "fast_lane": _(
                    "The fast lane is only for a household in sudden severe difficulty (%(sudden)s); a %(kind)s "
                    "goes through the whole identification before help starts."
                )
                % {
                    "sudden": MonitoringCase.ObjectType.SUDDEN.label,
                    "kind": MonitoringCase.ObjectType(object_type).label if object_type else "",
                }
            }
        )


# Where a case stands ------------------------------------------------------------------------------


@dataclass
class Position:
    procedure: str
    next_step: str
    due: datetime.date | None
    overdue: bool
    total_due: datetime.date | None
    total_overdue: bool

    @property
    def next_step_label(self) -> str:
        return step_label(self.next_step) if self.next_step else ""


def step_days(thresholds: Thresholds, procedure: str, kind: str) -> int | None:
    """Days allowed for a step, counted from the step before (thresholds are the year's data)."""
    if kind == K.NOTICE:
        return (
            thresholds.elimination_notice_days
            if procedure == Procedure.ELIMINATION
            else thresholds.identification_notice_days
        ) + thresholds.village_review_days
    return {
        K.HOUSEHOLD_CHECK: thresholds.household_check_days,
        K.CROSS_CHECK: thresholds.cross_check_days,
        K.VILLAGE_REVIEW: thresholds.village_review_days,
        K.TOWNSHIP_REVIEW: thresholds.review_days,
        K.DISTRICT_CONFIRMATION: thresholds.approval_days,
    }.get(kind)


def position(case: MonitoringCase, thresholds: Thresholds | None, today: datetime.date | None = None) -> Position:
    """The case's next step, its deadline and the whole identification's deadline, from the case row alone."""
    today = today or timezone.localdate()
    due = total_due = None
    if thresholds is not None and case.next_step and case.step_since:
        days = step_days(thresholds, case.procedure, case.next_step)
        due = case.step_since + datetime.timedelta(days=days) if days else None
        if case.procedure == Procedure.IDENTIFICATION:
            total_due = case.identified_at + datetime.timedelta(days=thresholds.identification_total_days)
    return Position(
        procedure=case.procedure,
        next_step=case.next_step,
        due=due,
        overdue=bool(due and due < today),
        total_due=total_due,
        total_overdue=bool(total_due and total_due < today),
    )


# The one way a step is written -------------------------------------------------------------------


def _require(actor, kind: str) -> None:
    if actor is None or not actor.has_perm(STEP_PERMISSION[kind]):
        raise PermissionDenied(_("Your role may not record the step “%(step)s”.") % {"step": step_label(kind)})


def _people(step: CaseStep) -> set[int]:
    return {*step.actors.values_list("pk", flat=True), *([step.recorded_by_id] if step.recorded_by_id else [])}


def separation_conflict(case: MonitoringCase, kind: str, actor_ids: Iterable[int]) -> str | None:
    """Why these people may not do ``kind`` on this case (they did a step it excludes), or None."""
    excluded = EXCLUSIVE.get(kind, [])
    if not excluded:
        return None
    steps = CaseStep.objects.filter(
        case=case, procedure=case.procedure, run=_run(case), kind__in=excluded
    ).prefetch_related("actors")
    wanted = set(actor_ids)
    for step in steps:
        if _people(step) & wanted:
            return _(
                "Separation of duties: whoever recorded or took part in “%(done)s” on this case may not do “%(step)s”."
            ) % {"done": step_label(step.kind), "step": step_label(kind)}
    return None


def _run(case: MonitoringCase) -> int:
    return case.procedure_run if case.procedure == Procedure.ELIMINATION else 1


def _last_step_date(case: MonitoringCase) -> datetime.date | None:
    return (
        CaseStep.objects.filter(case=case, procedure=case.procedure, run=_run(case), done_on__isnull=False)
        .order_by("-done_on")
        .values_list("done_on", flat=True)
        .first()
    )


def _lock(case: MonitoringCase) -> MonitoringCase:
    return MonitoringCase.objects.select_for_update().select_related("household").get(pk=case.pk)


def _record_step(
    case: MonitoringCase,
    kind: str,
    *,
    done_on: datetime.date,
    actor,
    actors: Iterable = (),
    result: str = CaseStep.Result.PASSED,
    details: dict | None = None,
    note: str = "",
    other_actors: str = "",
    evidence: Iterable = (),
    evidence_kind: str = StepEvidence.Kind.OTHER,
    notice=None,
    check_permission: bool = True,
) -> CaseStep:
    """Check order, date, uploads and separation of duties; write the step; move the case on. The caller
    holds the case locked inside its transaction."""
    if check_permission:
        _require(actor, kind)
    if case.next_step != kind:
        if not case.next_step:
            raise ValidationError(_("This case has no procedure under way."))
        raise ValidationError(
            _("This case is at the step “%(next)s”; “%(step)s” cannot be recorded now.")
            % {"next": step_label(case.next_step), "step": step_label(kind)}
        )
    if done_on is None:
        raise ValidationError({"done_on": _("Give the date of the step.")})
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("The date of a step cannot be in the future.")})
    before = _last_step_date(case)
    if before and done_on < before:
        raise ValidationError(
            {"done_on": _("The date cannot be earlier than the step before (%(d)s).") % {"d": before.isoformat()}}
        )
    people = {a.pk for a in actors} | ({actor.pk} if actor is not None else set())
    conflict = separation_conflict(case, kind, people)
    if conflict:
        raise ValidationError(conflict)
    files = [f for f in evidence if f]
    required = REQUIRED_EVIDENCE.get((case.procedure, kind))
    if required and result != CaseStep.Result.NOT_NEEDED and not files:
        raise ValidationError({"evidence": _("Upload the %(what)s.") % {"what": StepEvidence.Kind(required).label}})
    step = CaseStep.objects.create(
        case=case,
        procedure=case.procedure,
        run=_run(case),
        kind=kind,
        done_on=done_on,
        result=result,
        details=details or {},
        note=(note or "").strip(),
        other_actors=(other_actors or "").strip()[:100],
        notice=notice,
        recorded_by=actor,
    )
    step.actors.set(people)
    for f in files:
        StepEvidence.objects.create(
            step=step, kind=required or evidence_kind, file=f, original_name=getattr(f, "name", "")[:200]
        )
    if result == CaseStep.Result.FAILED:
        _fail(case, step, actor)
    else:
        _advance(case, step, actor)
    return step


def _advance(case: MonitoringCase, step: CaseStep, actor) -> None:
    chain = CHAINS[case.procedure]
    index = chain.index(step.kind)
    fields = ["next_step", "step_since", "updated_at"]
    if index + 1 < len(chain):
        case.next_step = chain[index + 1]
        case.step_since = step.done_on
    else:
        case.next_step = ""
        case.step_since = None
    if step.kind == K.TOWNSHIP_REVIEW and case.procedure == Procedure.IDENTIFICATION:
        case.status = MonitoringCase.Status.REVIEWED
        case.reviewed_at, case.reviewed_by = timezone.now(), actor
        fields += ["status", "reviewed_at", "reviewed_by"]
    if step.kind == K.DISTRICT_CONFIRMATION:
        fields += ["procedure"]
        case.procedure = ""
        if step.procedure == Procedure.IDENTIFICATION:
            case.status = MonitoringCase.Status.APPROVED
            case.approved_at, case.approved_by = timezone.now(), actor
            fields += ["status", "approved_at", "approved_by"]
            set_household_status(case.household, Household.Status.MONITORED)
            tighten_next_visit(case.household)
        else:
            case.status = MonitoringCase.Status.ELIMINATED
            case.eliminated_at, case.eliminated_by = step.done_on, actor
            fields += ["status", "eliminated_at", "eliminated_by"]
            set_household_status(case.household, Household.Status.ELIMINATED)
    case.save(update_fields=fields)
    if case.next_step == K.DISTRICT_CONFIRMATION:
        from accounts.approvals import notify_case_awaits_district

        notify_case_awaits_district(case)


def _fail(case: MonitoringCase, step: CaseStep, actor) -> None:
    """A step not passed ends the procedure: an identification is revoked, an elimination falls back."""
    if case.procedure == Procedure.IDENTIFICATION:
        case.status = MonitoringCase.Status.REVOKED
        set_household_status(case.household, Household.Status.NORMAL)
    note = _("%(step)s not passed on %(d)s: %(why)s") % {
        "step": step_label(step.kind),
        "d": step.done_on.isoformat(),
        "why": step.note,
    }
    case.notes = f"{case.notes}\n{note}".strip()
    case.procedure, case.next_step, case.step_since = "", "", None
    case.save(update_fields=["status", "procedure", "next_step", "step_since", "notes", "updated_at"])


def set_household_status(household: Household, status: str) -> None:
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.status != status:
        household.status = status
        household.save(update_fields=["status", "updated_at"])


def tighten_next_visit(household: Household) -> None:
    """A new monitoring object is visited on the tighter interval from its last visit on."""
    from .models import Visit

    latest = Visit.objects.filter(household=household).order_by("-visited_on", "-pk").first()
    thresholds = Thresholds.for_date()
    if latest is None or thresholds is None:
        return
    due = latest.visited_on + datetime.timedelta(days=thresholds.visit_interval_monitored)
    if due < latest.next_visit_on:
        latest.next_visit_on = due
        latest.save(update_fields=["next_visit_on"])


# Identification ----------------------------------------------------------------------------------


@transaction.atomic
def case_open(
    *,
    alert: Alert,
    object_type: str,
    risk_types: list[str],
    discovery_channel: str,
    identified_at: datetime.date,
    actor,
    fast_lane: bool = False,
    notes: str = "",
) -> MonitoringCase:
    """Take an alert (the clue) into the identification procedure; an open case of the household takes
    the new risks instead. With the fast lane the household is a monitoring object at once."""
    from .services import clean_risk_types

    _require(actor, K.CLUE)
    risk_types = clean_risk_types(risk_types)
    if not risk_types:
        raise ValidationError({"risk_types": _("Choose at least one risk type.")})
    if discovery_channel not in MonitoringCase.Channel.values:
        raise ValidationError({"discovery_channel": _("Choose how the risk was discovered.")})
    if identified_at > timezone.localdate():
        raise ValidationError({"identified_at": _("The date of the clue cannot be in the future.")})
    alert = Alert.objects.select_for_update().select_related("household").get(pk=alert.pk)
    if alert.status != Alert.Status.OPEN:
        raise ValidationError(_("This alert has already been dealt with."))
    household = alert.household
    case = (
        MonitoringCase.objects.select_for_update()
        .filter(household=household, status__in=MonitoringCase.OPEN_STATUSES)
        .first()
    )
    if case is None:
        check_object_type(household, object_type)
        check_fast_lane(object_type, fast_lane)
        if fast_lane and not (notes or "").strip():
            raise ValidationError({"notes": _("Say what sudden hardship puts the household in the fast lane.")})
        case = MonitoringCase.objects.create(
            household=household,
            object_type=object_type,
            risk_types=risk_types,
            discovery_channel=discovery_channel,
            identified_at=identified_at,
            identified_by=actor,
            notes=notes.strip(),
            procedure=Procedure.IDENTIFICATION,
            next_step=K.CLUE,
            fast_lane=fast_lane,
        )
        _record_step(
            case,
            K.CLUE,
            done_on=identified_at,
            actor=actor,
            details={"alert": alert.pk, "rule": alert.rule, "channel": discovery_channel},
            note=notes,
            check_permission=False,
        )
        if fast_lane:
            set_household_status(household, Household.Status.MONITORED)
            tighten_next_visit(household)
    else:
        case.risk_types = list(dict.fromkeys([*case.risk_types, *risk_types]))
        if notes:
            case.notes = f"{case.notes}\n{notes}".strip()
        case.save(update_fields=["risk_types", "notes", "updated_at"])
    alert.status = Alert.Status.IDENTIFIED
    alert.case = case
    alert.resolved_at = timezone.now()
    alert.resolved_by = actor
    alert.resolution = notes
    alert.save(update_fields=["status", "case", "resolved_at", "resolved_by", "resolution"])
    return case


@transaction.atomic
def step_household_check(
    *,
    case: MonitoringCase,
    done_on: datetime.date,
    actors: Iterable,
    findings: str,
    evidence: Iterable,
    actor,
    other_actors: str = "",
) -> CaseStep:
    """入户核实: at least two staff at the door, the household's signed authorisation (or, to eliminate,
    the elimination forms) uploaded."""
    case = _lock(case)
    people = {a.pk: a for a in [*actors, actor] if a is not None}
    # Village cadres without an account count too, named in "others present".
    others = [n for n in re.split(r"[、,，;；\s]+", other_actors or "") if n]
    if len(people) + len(others) < 2:
        raise ValidationError({"actors": _("A household check is done by at least two staff: name the others.")})
    if not (findings or "").strip():
        raise ValidationError({"findings": _("Describe what the household check found.")})
    return _record_step(
        case,
        K.HOUSEHOLD_CHECK,
        done_on=done_on,
        actor=actor,
        actors=people.values(),
        other_actors=other_actors,
        details={"findings": findings.strip()},
        evidence=evidence,
    )


@transaction.atomic
def step_cross_check(
    *, case: MonitoringCase, done_on: datetime.date, findings: dict[str, str], actor, not_needed_reason: str = ""
) -> CaseStep:
    """部门比对: what each bureau's data said, or "not needed" with the reason."""
    case = _lock(case)
    findings = {k: (v or "").strip() for k, v in (findings or {}).items() if (v or "").strip()}
    reason = (not_needed_reason or "").strip()
    if not findings and not reason:
        raise ValidationError(
            _("Record what the bureaus' data said, or why the cross-check is not needed for this household.")
        )
    return _record_step(
        case,
        K.CROSS_CHECK,
        done_on=done_on,
        actor=actor,
        result=CaseStep.Result.PASSED if findings else CaseStep.Result.NOT_NEEDED,
        details={"findings": findings},
        note=reason,
    )


@transaction.atomic
def step_village_review(
    *,
    case: MonitoringCase,
    done_on: datetime.date,
    participants: int,
    passed: bool,
    minutes: Iterable,
    actor,
    note: str = "",
) -> CaseStep:
    """村级民主评议 / 社区评议: date, how many took part, the result, the minutes uploaded."""
    case = _lock(case)
    if not participants or participants < 1:
        raise ValidationError({"participants": _("Give the number of participants in the review.")})
    if not passed and not (note or "").strip():
        raise ValidationError({"note": _("Give the reason the review did not pass.")})
    body = case.household.village or case.household.settlement
    return _record_step(
        case,
        K.VILLAGE_REVIEW,
        done_on=done_on,
        actor=actor,
        result=CaseStep.Result.PASSED if passed else CaseStep.Result.FAILED,
        details={"participants": participants, "body": str(body) if body else ""},
        note=note,
        evidence=minutes,
    )


@transaction.atomic
def step_review(
    *, case: MonitoringCase, kind: str, done_on: datetime.date, passed: bool, actor, note: str = ""
) -> CaseStep:
    """乡镇审核 or 区级审定 of either procedure; a refusal needs its reason. An elimination's preconditions
    are checked again at the district confirmation."""
    if kind not in (K.TOWNSHIP_REVIEW, K.DISTRICT_CONFIRMATION):
        raise ValueError(kind)
    case = _lock(case)
    if not passed and not (note or "").strip():
        raise ValidationError({"note": _("Give the reason for not passing.")})
    if passed and kind == K.DISTRICT_CONFIRMATION and case.procedure == Procedure.ELIMINATION:
        from .elimination import unmet_preconditions

        unmet = unmet_preconditions(case, done_on)
        if unmet:
            raise ValidationError(unmet)
    return _record_step(
        case,
        kind,
        done_on=done_on,
        actor=actor,
        result=CaseStep.Result.PASSED if passed else CaseStep.Result.FAILED,
        note=note,
    )


# Risk elimination --------------------------------------------------------------------------------


@transaction.atomic
def elimination_propose(*, case: MonitoringCase, done_on: datetime.date, actor, note: str = "") -> CaseStep:
    """Start the elimination chain; refused with every unmet precondition listed."""
    from .elimination import unmet_preconditions

    _require(actor, K.PROPOSAL)
    case = _lock(case)
    if case.procedure:
        raise ValidationError(
            _("The case's %(procedure)s is still under way.") % {"procedure": Procedure(case.procedure).label}
        )
    if case.status not in (MonitoringCase.Status.APPROVED, MonitoringCase.Status.LONG_TERM):
        raise ValidationError(_("Only a confirmed case can be proposed for risk elimination."))
    unmet = unmet_preconditions(case, done_on)
    if unmet:
        raise ValidationError(unmet)
    case.procedure = Procedure.ELIMINATION
    case.procedure_run += 1
    case.next_step = K.PROPOSAL
    case.save(update_fields=["procedure", "procedure_run", "next_step", "updated_at"])
    return _record_step(case, K.PROPOSAL, done_on=done_on, actor=actor, note=note, check_permission=False)


# Public notice (公示) ----------------------------------------------------------------------------


def notice_days(thresholds: Thresholds, procedure: str) -> int:
    if procedure == Procedure.ELIMINATION:
        return thresholds.elimination_notice_days
    return thresholds.identification_notice_days


@transaction.atomic
def notice_publish(
    *,
    cases: Iterable[MonitoringCase],
    starts_on: datetime.date,
    ends_on: datetime.date,
    actor,
    office: str = "",
    office_phone: str = "",
) -> PublicNotice:
    """Draw up and put up a notice for cases waiting on one, all of one procedure and one village or site.
    The office taking objections and its phone, where not given, are those the administrator set for the
    township, else the district's default (:class:`~monitoring.models.ObjectionOffice`)."""
    from .services import thresholds_in_force

    _require(actor, K.NOTICE)
    cases = list(
        MonitoringCase.objects.select_for_update()
        .select_related("household")
        .filter(pk__in=[c.pk for c in cases])
        .order_by("pk")
    )
    if not cases:
        raise ValidationError({"cases": _("Choose the households to put on the notice.")})
    not_waiting = [c.household.head_name for c in cases if c.next_step != K.NOTICE]
    if not_waiting:
        raise ValidationError(
            {"cases": _("Not waiting for a public notice: %(names)s.") % {"names": "、".join(not_waiting)}}
        )
    if len({c.procedure for c in cases}) > 1:
        raise ValidationError({"cases": _("A notice lists identifications or eliminations, not both.")})
    places = {
        (c.household.township_id, c.household.settlement_id or None, c.household.village_id or None) for c in cases
    }
    if len(places) > 1:
        raise ValidationError(
            {"cases": _("A notice is posted in one village or at one site: choose households of one place.")}
        )
    posted = PublicNotice.objects.filter(cases__in=cases, taken_down_on__isnull=True).first()
    if posted is not None:
        raise ValidationError({"cases": _("Some of these households are already on a notice that is still up.")})
    procedure = cases[0].procedure
    thresholds = thresholds_in_force(starts_on)
    need = notice_days(thresholds, procedure)
    days = (ends_on - starts_on).days + 1
    if days < need:
        raise ValidationError(
            {
                "ends_on": _("The notice runs %(days)s days; it must run at least %(need)s days.")
                % {"days": days, "need": need}
            }
        )
    before = max((_last_step_date(c) or starts_on) for c in cases)
    if starts_on < before:
        raise ValidationError(
            {"starts_on": _("The notice cannot start before the village review (%(d)s).") % {"d": before.isoformat()}}
        )
    township, settlement, village = next(iter(places))
    office, office_phone = (office or "").strip(), (office_phone or "").strip()
    if not office or not office_phone:
        preset = ObjectionOffice.for_township(township)
        if preset is None:
            raise ValidationError(
                {
                    "office": _(
                        "Give the office taking objections and its phone: none is set for this township nor as the "
                        "district's default (an administrator sets them under 受理异议单位)."
                    )
                }
            )
        office, office_phone = office or preset.office, office_phone or preset.office_phone
    notice = PublicNotice.objects.create(
        procedure=procedure,
        township_id=township,
        settlement_id=settlement,
        village_id=None if settlement else village,
        starts_on=starts_on,
        ends_on=ends_on,
        office=office,
        office_phone=office_phone,
        posted_on=starts_on,
        created_by=actor,
    )
    notice.cases.set(cases)
    return notice


def _open_objections(notice: PublicNotice, case: MonitoringCase) -> bool:
    return Objection.objects.filter(notice=notice, case=case, resolved_on__isnull=True).exists()


def _conclude(
    notice: PublicNotice, case: MonitoringCase, actor, *, failed_because: str = "", on: datetime.date | None = None
) -> CaseStep | None:
    """Record the notice step of a case once its notice is down and its objections settled."""
    case = _lock(case)
    if case.next_step != K.NOTICE:
        return None
    if failed_because:
        return _record_step(
            case,
            K.NOTICE,
            done_on=on or timezone.localdate(),
            actor=actor,
            result=CaseStep.Result.FAILED,
            note=failed_because,
            notice=notice,
        )
    if notice.taken_down_on is None or _open_objections(notice, case):
        return None
    resolved = list(notice.objections.filter(case=case).values_list("resolved_on", flat=True))
    return _record_step(
        case,
        K.NOTICE,
        done_on=max([notice.taken_down_on, *resolved]),
        actor=actor,
        details={
            "notice": notice.pk,
            "from": notice.starts_on.isoformat(),
            "until": notice.ends_on.isoformat(),
            "objections": len(resolved),
        },
        notice=notice,
    )


@transaction.atomic
def notice_take_down(*, notice: PublicNotice, taken_down_on: datetime.date, actor) -> PublicNotice:
    """Record that the notice came down; cases with no open objection pass their notice step."""
    _require(actor, K.NOTICE)
    notice = PublicNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.taken_down_on:
        raise ValidationError(_("The notice was already taken down on %(d)s.") % {"d": notice.taken_down_on})
    if taken_down_on > timezone.localdate():
        raise ValidationError({"taken_down_on": _("The date cannot be in the future.")})
    if taken_down_on < notice.ends_on:
        raise ValidationError(
            {
                "taken_down_on": _("The notice runs until %(d)s: it cannot come down before its period is over.")
                % {"d": notice.ends_on.isoformat()}
            }
        )
    notice.taken_down_on = taken_down_on
    notice.save(update_fields=["taken_down_on"])
    for case in notice.cases.all():
        _conclude(notice, case, actor)
    return notice


@transaction.atomic
def objection_record(
    *, notice: PublicNotice, case: MonitoringCase, raised_on: datetime.date, raised_by: str, content: str, actor
) -> Objection:
    """An objection to a case on the notice: the case's notice step waits until it is resolved."""
    _require(actor, K.NOTICE)
    notice = PublicNotice.objects.select_for_update().get(pk=notice.pk)
    if not notice.cases.filter(pk=case.pk).exists():
        raise ValidationError({"case": _("This household is not on the notice.")})
    if raised_on < notice.starts_on or raised_on > timezone.localdate():
        raise ValidationError(
            {"raised_on": _("An objection is raised after the notice went up, and not in the future.")}
        )
    if not (raised_by or "").strip() or not (content or "").strip():
        raise ValidationError(_("Say who raised the objection and what it says."))
    return Objection.objects.create(
        notice=notice,
        case=case,
        raised_on=raised_on,
        raised_by=raised_by.strip(),
        content=content.strip(),
        recorded_by=actor,
    )


@transaction.atomic
def objection_resolve(
    *, objection: Objection, resolved_on: datetime.date, outcome: str, resolution: str, actor
) -> Objection:
    """Record how an objection was checked; a founded one fails the case's notice step."""
    _require(actor, K.NOTICE)
    objection = Objection.objects.select_for_update().select_related("notice", "case").get(pk=objection.pk)
    if objection.resolved_on:
        raise ValidationError(_("This objection has already been resolved."))
    if outcome not in Objection.Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    if not (resolution or "").strip():
        raise ValidationError({"resolution": _("Say how the objection was checked.")})
    if resolved_on < objection.raised_on or resolved_on > timezone.localdate():
        raise ValidationError({"resolved_on": _("The date must fall between the objection and today.")})
    objection.resolved_on, objection.outcome = resolved_on, outcome
    objection.resolution, objection.resolved_by = resolution.strip(), actor
    objection.save(update_fields=["resolved_on", "outcome", "resolution", "resolved_by"])
    if outcome == Objection.Outcome.UPHELD:
        _conclude(
            objection.notice,
            objection.case,
            actor,
            failed_because=_("Objection founded: %(r)s") % {"r": objection.resolution},
            on=resolved_on,
        )
    else:
        _conclude(objection.notice, objection.case, actor)
    return objection


# The chain as drawn on the case page ---------------------------------------------------------------


@dataclass
class Node:
    kind: str
    label: str
    state: str  # done, not_needed, failed, before, current, pending
    step: CaseStep | None


def chain_picture(case: MonitoringCase, steps: list[CaseStep]) -> list[tuple[str, list[Node]]]:
    """Each procedure the case ran (identification, then each elimination run) as a row of nodes."""
    states = {
        CaseStep.Result.PASSED: "done",
        CaseStep.Result.NOT_NEEDED: "not_needed",
        CaseStep.Result.FAILED: "failed",
        CaseStep.Result.BEFORE_PROCEDURE: "before",
    }
    runs = [(Procedure.IDENTIFICATION, 1)] + [(Procedure.ELIMINATION, n) for n in range(1, case.procedure_run + 1)]
    out = []
    for proc, run in runs:
        done = {s.kind: s for s in steps if s.procedure == proc and s.run == run}
        current = case.procedure == proc and (proc == Procedure.IDENTIFICATION or run == case.procedure_run)
        nodes = []
        for kind in CHAINS[proc]:
            step = done.get(kind)
            if step is not None:
                state = states[step.result]
            elif current and case.next_step == kind:
                state = "current"
            else:
                state = "pending"
            nodes.append(Node(kind, step_label(kind), state, step))
        title = str(Procedure(proc).label)
        if proc == Procedure.ELIMINATION and case.procedure_run > 1:
            title = f"{title} ({run})"
        out.append((title, nodes))
    return out
