"""The API's endpoints. Each fetches through ``for_user`` and writes through the app's service, like its page."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from accounts.models import AccessLog, log_access
from accounts.scope import get_for_user_or_404
from assistance import services as assistance_services
from assistance.models import PolicyTask, TaskAssignment
from monitoring import services as monitoring_services
from monitoring.models import Alert, DepartmentRoster, LedgerEntry, MonitoringCase
from monitoring.roster import _row as roster_row
from relocation.models import Household, Member

from . import serializers as s
from .base import PortalAPIView


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _paged(view, request, queryset, serializer_class):
    paginator = Pages()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


def _valid(serializer_class, request, **kwargs):
    if not isinstance(request.data, dict):
        raise exceptions.ValidationError({"non_field_errors": [_("The body must be a JSON object.")]})
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _int_param(request, name):
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise exceptions.ValidationError({name: [_("A whole number is expected.")]}) from None


# Households and members --------------------------------------------------------------------------

HOUSEHOLD_READ = {"GET": ["relocation.view_household"]}


@extend_schema(
    tags=["户"],
    summary="户列表",
    description="当前用户（或令牌所属单位）范围内的搬迁户；身份证号和电话一律脱敏。",
    parameters=[
        OpenApiParameter("township", int, description="乡镇 id"),
        OpenApiParameter("settlement", int, description="安置点 id"),
        OpenApiParameter("code", str, description="户编号"),
    ],
    responses=s.HouseholdSerializer(many=True),
)
class HouseholdList(PortalAPIView):
    required_perms = HOUSEHOLD_READ

    def get(self, request):
        households = Household.objects.for_user(request.user).select_related("township", "settlement").order_by("pk")
        for name in ("township", "settlement"):
            value = _int_param(request, name)
            if value is not None:
                households = households.filter(**{f"{name}_id": value})
        if request.query_params.get("code"):
            households = households.filter(code=request.query_params["code"])
        return _paged(self, request, households, s.HouseholdSerializer)


@extend_schema(
    tags=["户"],
    summary="户详情（含家庭成员）",
    description="成员身份证号、电话脱敏。",
    responses=s.HouseholdDetailSerializer,
)
class HouseholdDetail(PortalAPIView):
    required_perms = HOUSEHOLD_READ

    def get(self, request, household_pk):
        household = get_for_user_or_404(
            Household.objects.select_related("township", "settlement").prefetch_related("members"),
            request.user,
            pk=household_pk,
        )
        return Response(s.HouseholdDetailSerializer(household).data)


@extend_schema(
    tags=["户"],
    summary="家庭成员详情",
    description="身份证号、电话脱敏；完整号码见 identity 接口。",
    responses=s.MemberSerializer,
)
class MemberDetail(PortalAPIView):
    required_perms = {"GET": ["relocation.view_member"]}

    def get(self, request, household_pk, member_pk):
        member = get_for_user_or_404(Member, request.user, pk=member_pk, household_id=household_pk)
        return Response(s.MemberSerializer(member).data)


@extend_schema(
    tags=["户"],
    summary="显示成员完整身份证号和电话",
    description="与页面上的“显示”相同：仅限可查看完整个人信息的角色（令牌须有 personal 范围），每次查看记入访问日志。",
    responses=s.MemberIdentitySerializer,
)
class MemberIdentity(PortalAPIView):
    required_perms = HOUSEHOLD_READ
    token_scope = {"GET": "personal"}

    def get(self, request, household_pk, member_pk):
        member = get_for_user_or_404(Member, request.user, pk=member_pk, household_id=household_pk)
        if not request.user.can_see_personal_data():
            raise exceptions.PermissionDenied(_("You may not see full ID numbers."))
        log_access(request.user, AccessLog.Action.UNMASK, member, detail="id_number,phone (API)")
        return Response(s.MemberIdentitySerializer(member).data)


# Visits and ledgers ------------------------------------------------------------------------------


@extend_schema(
    tags=["走访与台账"],
    summary="记录一次回访",
    description="与页面的回访表单走同一服务（monitoring.services.visit_record）和同样的规则。",
    request=s.VisitInSerializer,
    responses={201: None},
)
class VisitCreate(PortalAPIView):
    required_perms = {"POST": ["monitoring.add_visit"]}
    token_scope = {"POST": "visits"}

    def post(self, request, household_pk):
        household = get_for_user_or_404(Household, request.user, pk=household_pk)
        data = _valid(s.VisitInSerializer, request)
        employment = {}
        known = set(household.members.values_list("pk", flat=True))
        for key, value in data["member_employment"].items():
            if not str(key).isdigit() or int(key) not in known:
                raise exceptions.ValidationError(
                    {"member_employment": [_("Member %(id)s is not of this household.") % {"id": key}]}
                )
            employment[int(key)] = value
        visit = monitoring_services.visit_record(
            household=household,
            visited_on=data["visited_on"],
            findings=data["findings"],
            difficulties=data["difficulties"],
            other_visitors=data["other_visitors"],
            next_visit_on=data["next_visit_on"],
            member_employment=employment,
            actor=request.user,
        )
        return Response(
            {"id": visit.pk, "household": household.pk, "next_visit_on": visit.next_visit_on.isoformat()}, status=201
        )


def _month(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(f"{value}-01")
    except ValueError:
        raise exceptions.ValidationError({"month": [_("The month must be written YYYY-MM, e.g. 2026-03.")]}) from None


def _ledger_data(entry, period):
    data = {
        "month": f"{period:%Y-%m}",
        "version": monitoring_services.ledger_version(entry),
        "exists": entry is not None,
    }
    if entry is not None:
        data |= {"household_size": entry.household_size, "community_integration": entry.community_integration}
        data |= {name: str(getattr(entry, name)) for name in monitoring_services.LEDGER_AMOUNTS}
    return data


@extend_schema(
    tags=["走访与台账"],
    summary="月度台账（按户和月份读取、新建或更新）",
    description=(
        "PUT 走页面同一服务（monitoring.services.ledger_entry_save）。带上 GET 得到的 version 时，"
        "若该月在此期间被他人修改则拒绝（409），什么也不写。"
    ),
    request=s.LedgerInSerializer,
    responses=s.LedgerOutSerializer,
)
class LedgerMonth(PortalAPIView):
    required_perms = {"GET": ["monitoring.view_ledgerentry"], "PUT": ["monitoring.add_ledgerentry"]}
    token_scope = {"GET": "read", "PUT": "ledgers"}

    def get(self, request, household_pk, month):
        household = get_for_user_or_404(Household, request.user, pk=household_pk)
        period = _month(month)
        entry = LedgerEntry.objects.filter(household=household, period=period).first()
        return Response(_ledger_data(entry, period))

    def put(self, request, household_pk, month):
        household = get_for_user_or_404(Household, request.user, pk=household_pk)
        period = _month(month)
        data = dict(_valid(s.LedgerInSerializer, request))
        from django.core.exceptions import ValidationError

        try:
            entry = monitoring_services.ledger_entry_save(
                household=household,
                period=period,
                actor=request.user,
                household_size=data.pop("household_size"),
                community_integration=data.pop("community_integration"),
                notes=data.pop("notes"),
                expected_version=data.pop("version"),
                **data,
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == "stale":
                current = LedgerEntry.objects.filter(household=household, period=period).first()
                return Response({"detail": exc.messages[0], "current": _ledger_data(current, period)}, status=409)
            raise
        # Read back: the version is the month as stored (amounts with their two decimals).
        return Response(_ledger_data(LedgerEntry.objects.get(pk=entry.pk), period))


# Alerts and cases --------------------------------------------------------------------------------


@extend_schema(
    tags=["预警与监测对象"],
    summary="预警列表",
    parameters=[OpenApiParameter("status", str, description="open / dismissed / identified；默认全部")],
    responses=s.AlertSerializer(many=True),
)
class AlertList(PortalAPIView):
    required_perms = {"GET": ["monitoring.view_alert"]}

    def get(self, request):
        alerts = Alert.objects.for_user(request.user).select_related("household").order_by("created_at", "pk")
        if request.query_params.get("status"):
            alerts = alerts.filter(status=request.query_params["status"])
        return _paged(self, request, alerts, s.AlertSerializer)


@extend_schema(tags=["预警与监测对象"], summary="预警详情", responses=s.AlertSerializer)
class AlertDetail(PortalAPIView):
    required_perms = {"GET": ["monitoring.view_alert"]}

    def get(self, request, alert_pk):
        alert = get_for_user_or_404(Alert.objects.select_related("household"), request.user, pk=alert_pk)
        return Response(s.AlertSerializer(alert).data)


@extend_schema(
    tags=["预警与监测对象"],
    summary="核实无风险，关闭预警",
    description="同页面“排除”：monitoring.services.alert_dismiss，须写明理由。",
    request=s.DismissInSerializer,
    responses=s.AlertSerializer,
)
class AlertDismiss(PortalAPIView):
    required_perms = {"POST": ["monitoring.view_alert", "monitoring.change_alert"]}
    token_scope = {"POST": "cases"}

    def post(self, request, alert_pk):
        alert = get_for_user_or_404(Alert, request.user, pk=alert_pk)
        data = _valid(s.DismissInSerializer, request)
        alert = monitoring_services.alert_dismiss(alert=alert, reason=data["reason"], actor=request.user)
        return Response(s.AlertSerializer(alert).data)


@extend_schema(
    tags=["预警与监测对象"],
    summary="纳入识别程序",
    description="同页面“纳入识别”：monitoring.services.alert_identify，开启识别程序，返回监测对象。",
    request=s.IdentifyInSerializer,
    responses={201: s.CaseSerializer},
)
class AlertIdentify(PortalAPIView):
    required_perms = {"POST": ["monitoring.view_alert", "monitoring.change_alert", "monitoring.add_monitoringcase"]}
    token_scope = {"POST": "cases"}

    def post(self, request, alert_pk):
        alert = get_for_user_or_404(Alert, request.user, pk=alert_pk)
        data = _valid(s.IdentifyInSerializer, request)
        with transaction.atomic():
            case = monitoring_services.alert_identify(alert=alert, actor=request.user, **data)
        return Response(s.CaseSerializer(case).data, status=201)


@extend_schema(tags=["预警与监测对象"], summary="监测对象列表", responses=s.CaseSerializer(many=True))
class CaseList(PortalAPIView):
    required_perms = {"GET": ["monitoring.view_monitoringcase"]}

    def get(self, request):
        cases = MonitoringCase.objects.for_user(request.user).select_related("household").order_by("pk")
        if request.query_params.get("status"):
            cases = cases.filter(status=request.query_params["status"])
        return _paged(self, request, cases, s.CaseSerializer)


@extend_schema(tags=["预警与监测对象"], summary="监测对象详情", responses=s.CaseSerializer)
class CaseDetail(PortalAPIView):
    required_perms = {"GET": ["monitoring.view_monitoringcase"]}

    def get(self, request, case_pk):
        case = get_for_user_or_404(MonitoringCase.objects.select_related("household"), request.user, pk=case_pk)
        return Response(s.CaseSerializer(case).data)


@extend_schema(
    tags=["预警与监测对象"],
    summary="转入长期跟踪",
    description="同页面：monitoring.services.case_track_long_term（已审定且无进行中程序的对象）。",
    request=s.NoteInSerializer,
    responses=s.CaseSerializer,
)
class CaseLongTerm(PortalAPIView):
    required_perms = {"POST": ["monitoring.view_monitoringcase", "monitoring.eliminate_monitoringcase"]}
    token_scope = {"POST": "cases"}

    def post(self, request, case_pk):
        case = get_for_user_or_404(MonitoringCase, request.user, pk=case_pk)
        data = _valid(s.NoteInSerializer, request)
        case = monitoring_services.case_track_long_term(case=case, note=data["note"], actor=request.user)
        return Response(s.CaseSerializer(case).data)


# Department rosters ------------------------------------------------------------------------------

ROSTER_COLUMNS = {"id_number": 0, "name": 1, "detail": 2, "amount": 3}


def roster_rows(rows: list[dict]) -> list[dict]:
    """Pushed rows read exactly as the workbook's rows are (monitoring.roster): same ID checks, same problems."""
    out = []
    for i, r in enumerate(rows, start=1):
        amount = r.get("amount")
        values = [r["id_number"], r.get("name", ""), r.get("detail", ""), "" if amount is None else str(amount)]
        out.append(roster_row(r.get("row_number") or i, values, ROSTER_COLUMNS))
    return out


@extend_schema(
    tags=["部门名单"],
    summary="部门名单：列表（GET）与推送（POST）",
    description=(
        "部门推送名单，代替上传 Excel：按身份证号比对搬迁人口，每个匹配行向所在乡镇下发预警；"
        "返回每行结果（与名单页面相同）。身份证号有误的行保留并说明问题，不会整单拒绝。"
    ),
    request=s.RosterInSerializer,
    responses={200: s.RosterSerializer(many=True), 201: s.RosterSerializer},
)
class RosterListCreate(PortalAPIView):
    required_perms = {"GET": ["monitoring.view_departmentroster"], "POST": ["monitoring.add_departmentroster"]}
    token_scope = {"GET": "read", "POST": "rosters"}

    def get(self, request):
        rosters = DepartmentRoster.objects.for_user(request.user).select_related("department").order_by("-pk")
        return _paged(self, request, rosters, s.RosterSerializer)

    def post(self, request):
        department = request.user.department
        if department is None:
            raise exceptions.PermissionDenied(_("Your account belongs to no department; ask the administrator."))
        data = _valid(s.RosterInSerializer, request)
        roster = monitoring_services.roster_upload(
            department=department,
            fact=data["fact"],
            period=data["period"],
            title=data["title"],
            rows=roster_rows(data["rows"]),
            actor=request.user,
            file_name="API",
        )
        rows = roster.rows.select_related("township", "alert").order_by("row_number")
        body = s.RosterSerializer(roster).data | {"rows": s.RosterRowSerializer(rows, many=True).data}
        return Response(body, status=201)


@extend_schema(tags=["部门名单"], summary="名单详情与每行结果（交办、反馈）", responses=s.RosterSerializer)
class RosterDetail(PortalAPIView):
    required_perms = {"GET": ["monitoring.view_departmentroster"]}

    def get(self, request, roster_pk):
        roster = get_for_user_or_404(DepartmentRoster.objects.select_related("department"), request.user, pk=roster_pk)
        rows = roster.rows.select_related("township", "alert").order_by("row_number")
        return Response(s.RosterSerializer(roster).data | {"rows": s.RosterRowSerializer(rows, many=True).data})


# Policy-task progress reports --------------------------------------------------------------------


@extend_schema(
    tags=["政策任务"],
    summary="报送政策任务进展",
    description="同页面：assistance.services.report_submit；只能为本单位（部门或乡镇）负责的任务报送。",
    request=s.ReportInSerializer,
    responses={201: None},
)
class ReportCreate(PortalAPIView):
    required_perms = {"POST": ["assistance.add_progressreport"]}
    token_scope = {"POST": "reports"}

    def post(self, request, task_pk):
        own = {
            a.pk: a
            for a in TaskAssignment.objects.filed_by(request.user).filter(
                task_id=task_pk, task__in=PolicyTask.objects.filter(is_active=True)
            )
        }
        if not own:
            raise exceptions.NotFound(_("Not found, or outside your area."))
        data = _valid(s.ReportInSerializer, request)
        wanted = data.get("assignment")
        if wanted is not None and wanted not in own:
            raise exceptions.ValidationError({"assignment": [_("Your unit is not answerable under this assignment.")]})
        assignment = own[wanted] if wanted is not None else next(iter(own.values()))
        report = assistance_services.report_submit(
            assignment=assignment, period=data["period"], text=data["text"], figures=data["figures"], actor=request.user
        )
        return Response({"id": report.pk, "period": report.period.isoformat(), "status": report.status}, status=201)


__all__ = ["serializers"]
