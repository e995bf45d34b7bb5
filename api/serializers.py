"""What the API reads and writes. Writes are StrictSerializers: an unknown field is refused, never ignored."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from monitoring.models import DepartmentRoster, MonitoringCase, RiskType
from portal.validators import validate_date
from relocation.idnumbers import mask_id_number, mask_phone
from relocation.models import Member

from .base import StrictSerializer, reject_unknown_fields

# Reads -------------------------------------------------------------------------------------------


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("Member id"))
    name = serializers.CharField(help_text=_("Name"))
    id_number = serializers.SerializerMethodField(help_text=_("ID number, masked (3623**********1234)"))
    phone = serializers.SerializerMethodField(help_text=_("Phone, masked (138****5678)"))
    sex = serializers.CharField()
    birth_date = serializers.DateField()
    relation = serializers.CharField()
    labour_capacity = serializers.CharField()
    health = serializers.CharField()
    employment = serializers.CharField()

    def get_id_number(self, member) -> str:
        return mask_id_number(member.id_number)

    def get_phone(self, member) -> str:
        return mask_phone(member.phone)


class MemberIdentitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    id_number = serializers.CharField(help_text=_("Full ID number"))
    phone = serializers.CharField(help_text=_("Full phone"))


class HouseholdSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(help_text=_("Household code"))
    head_name = serializers.CharField(help_text=_("Head of household"))
    township = serializers.CharField(source="township.name")
    settlement = serializers.CharField(source="settlement.name", default="")
    household_type = serializers.CharField()
    status = serializers.CharField(help_text=_("Monitoring status"))
    phone = serializers.SerializerMethodField(help_text=_("Contact phone, masked"))
    address = serializers.CharField()

    def get_phone(self, household) -> str:
        return mask_phone(household.phone)


class HouseholdDetailSerializer(HouseholdSerializer):
    members = MemberSerializer(many=True, read_only=True)


class AlertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    household = serializers.IntegerField(source="household_id")
    household_code = serializers.CharField(source="household.code")
    rule = serializers.CharField()
    rule_label = serializers.CharField(source="get_rule_display")
    period = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    source = serializers.CharField()
    created_at = serializers.DateTimeField()
    resolution = serializers.CharField()
    case = serializers.SerializerMethodField()

    def get_case(self, alert) -> int | None:
        return alert.case_id


class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    household = serializers.IntegerField(source="household_id")
    household_code = serializers.CharField(source="household.code")
    object_type = serializers.CharField()
    risk_types = serializers.ListField(child=serializers.CharField())
    discovery_channel = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    identified_at = serializers.DateField()


class RosterRowSerializer(serializers.Serializer):
    row_number = serializers.IntegerField(help_text=_("Row number as sent"))
    id_number = serializers.SerializerMethodField(help_text=_("ID number, masked"))
    name = serializers.CharField()
    township = serializers.CharField(source="township.name", default="")
    matched = serializers.SerializerMethodField()
    alert = serializers.IntegerField(source="alert_id", allow_null=True)
    outcome = serializers.SerializerMethodField(help_text=_("What became of the row, as on the roster's page"))

    def get_id_number(self, row) -> str:
        return mask_id_number(row.id_number)

    def get_matched(self, row) -> bool:
        return row.alert_id is not None

    def get_outcome(self, row) -> str:
        from monitoring.views import _row_outcome

        return str(_row_outcome(row))


class RosterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    department = serializers.CharField(source="department.name")
    fact = serializers.CharField()
    period = serializers.DateField()
    title = serializers.CharField()
    row_count = serializers.IntegerField()
    matched_count = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()


class LedgerOutSerializer(serializers.Serializer):
    month = serializers.CharField(help_text=_("YYYY-MM"))
    version = serializers.CharField(help_text=_("Fingerprint of the month as stored; send it back with PUT"))
    exists = serializers.BooleanField()
    household_size = serializers.IntegerField(required=False)
    community_integration = serializers.CharField(required=False)
    wage_income = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)


# Writes ------------------------------------------------------------------------------------------


class VisitInSerializer(StrictSerializer):
    visited_on = serializers.DateField(validators=[validate_date], help_text=_("Visit date (YYYY-MM-DD)"))
    findings = serializers.CharField(max_length=5000, help_text=_("What the visit found"))
    difficulties = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    other_visitors = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    next_visit_on = serializers.DateField(validators=[validate_date], required=False, allow_null=True, default=None)
    member_employment = serializers.DictField(
        child=serializers.ChoiceField(choices=Member.Employment.choices),
        required=False,
        default=dict,
        help_text=_("Employment of members as found: {member id: employment}"),
    )


@reject_unknown_fields
class LedgerInSerializer(serializers.Serializer):
    version = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        default=None,
        help_text=_('The month as you read it (its "version"; "" for a new month): refused if changed since'),
    )
    household_size = serializers.IntegerField(min_value=1, max_value=50, required=False, allow_null=True, default=None)
    community_integration = serializers.ChoiceField(
        choices=[("good", "good"), ("fair", "fair"), ("poor", "poor")], required=False, allow_blank=True, default=""
    )
    notes = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    wage_income = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, default=0)
    business_income = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, default=0)
    property_income = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, default=0)
    transfer_income = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, default=0)
    production_cost = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, default=0)
    medical_expense = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, default=0)
    schooling_expense = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, default=0)


class DismissInSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=1000, help_text=_("Why verification found no risk"))


class IdentifyInSerializer(StrictSerializer):
    object_type = serializers.ChoiceField(choices=MonitoringCase.ObjectType.choices)
    risk_types = serializers.ListField(child=serializers.ChoiceField(choices=RiskType.choices), min_length=1)
    discovery_channel = serializers.ChoiceField(choices=MonitoringCase.Channel.choices)
    identified_at = serializers.DateField(
        validators=[validate_date],
    )
    notes = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    fast_lane = serializers.BooleanField(required=False, default=False)


class NoteInSerializer(StrictSerializer):
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


@reject_unknown_fields
class RosterRowInSerializer(serializers.Serializer):
    row_number = serializers.IntegerField(min_value=1, required=False, help_text=_("Your row number (default: order)"))
    id_number = serializers.CharField(max_length=30, allow_blank=True, help_text=_("身份证号, 18 characters"))
    name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    detail = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True, default=None)


class RosterInSerializer(StrictSerializer):
    fact = serializers.ChoiceField(choices=DepartmentRoster.Fact.choices)
    period = serializers.DateField(validators=[validate_date], help_text=_("The date the department's data refers to"))
    title = serializers.CharField(max_length=100)
    rows = RosterRowInSerializer(many=True, allow_empty=False, max_length=20000)

    def validate_period(self, value):
        from django.utils import timezone

        if value > timezone.localdate():  # as the upload form (monitoring.forms.RosterUploadForm)
            raise serializers.ValidationError(_("The date cannot be in the future."))
        return value


class ReportInSerializer(StrictSerializer):
    assignment = serializers.IntegerField(
        required=False, help_text=_("Your unit's assignment, if you file for several")
    )
    period = serializers.DateField(validators=[validate_date], help_text=_("First day of the reporting period"))
    text = serializers.CharField(max_length=5000, help_text=_("Progress made in this period"))
    figures = serializers.DictField(child=serializers.CharField(max_length=200), required=False, default=dict)
