"""The shape of a record on the way in (validated once, for a single create and a batch alike)
and on the way out (masked for whoever may not see a natural person's identifier)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from repairflow.core.identifiers import InvalidIdentifier, SubjectType, validate_identifier
from repairflow.core.permissions import Role
from repairflow.core.spreadsheets import formula_safe
from repairflow.records.corrections import DECISION_DATE_IN_FUTURE
from repairflow.records.models import CreditRecord, Department
from repairflow.records.publication import Category, Severity, classification_errors, is_negative, may_be_published
from repairflow.records.selectors import RECORD_FIELDS, record_as_json, record_duties_as_json

UNKNOWN_DEPARTMENT = _("No department has this code.")
DEPARTMENT_REQUIRED = _("Name the department that made the decision.")
OTHER_DEPARTMENT = _("A department may only create records of its own.")
NOT_PUBLISHABLE = _("Under the rule set in force on the decision date, information of this severity is not published.")


class FormulaSafeCharField(serializers.CharField):
    """Text, trimmed, that a spreadsheet never runs as a formula: text beginning with `=`, `+`,
    `-` or `@` is kept with a leading apostrophe (core/spreadsheets.py), so that what is stored,
    shown and sent to other platforms is safe in whatever spreadsheet it ends up in."""

    def to_internal_value(self, data):
        return formula_safe(super().to_internal_value(data))


class RecordInputSerializer(serializers.Serializer):
    """A record as a department or the office sends it. Context: `actor`, and optionally
    `departments` (code → Department) so that a batch looks departments up once. Its free text
    (names, decision number, title, content) is made formula-safe; the other fields take only
    the values they name, so none of theirs can be a formula."""

    subject_id = serializers.CharField(max_length=32)
    subject_name = FormulaSafeCharField(max_length=200)
    subject_type = serializers.ChoiceField(choices=SubjectType.choices)
    category = serializers.ChoiceField(choices=Category.choices)
    severity = serializers.ChoiceField(choices=Severity.choices, allow_null=True, required=False, default=None)
    department = serializers.CharField(max_length=32, required=False, allow_blank=True)
    decision_no = FormulaSafeCharField(max_length=100)
    decision_date = serializers.DateField()
    title = FormulaSafeCharField(max_length=200)
    content = FormulaSafeCharField(required=False, allow_blank=True, default="")
    publish = serializers.BooleanField(required=False, allow_null=True, default=None)

    def validate_decision_date(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError(DECISION_DATE_IN_FUTURE)
        return value

    def validate(self, attrs):
        errors: dict[str, list] = {}
        try:
            attrs["subject_id"] = validate_identifier(attrs["subject_id"], attrs["subject_type"])
        except InvalidIdentifier as error:
            errors["subject_id"] = [str(error)]

        errors.update(classification_errors(attrs["category"], attrs.get("severity")))
        if (
            not errors
            and attrs.get("publish")
            and not may_be_published(
                negative=is_negative(attrs["category"], attrs.get("severity")),
                severity=attrs.get("severity"),
                decision_date=attrs["decision_date"],
            )
        ):
            errors["publish"] = [NOT_PUBLISHABLE]

        try:
            attrs["department"] = self._department(attrs.get("department") or "")
        except serializers.ValidationError as error:
            errors["department"] = error.detail

        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def _department(self, code: str) -> Department:
        actor = self.context["actor"]
        if actor.role == Role.DEPARTMENT:
            if code and code != actor.department.code:
                raise serializers.ValidationError(OTHER_DEPARTMENT)
            return actor.department
        if not code:
            raise serializers.ValidationError(DEPARTMENT_REQUIRED)
        departments = self.context.get("departments")
        department = departments.get(code) if departments is not None else Department.objects.filter(code=code).first()
        if department is None:
            raise serializers.ValidationError(UNKNOWN_DEPARTMENT)
        return department


class RecordClockSerializer(serializers.Serializer):
    """A clock as the API shows it (repairflow/deadlines/selectors.py `deadline_as_json`), declared
    for the schema."""

    step = serializers.CharField()
    step_label = serializers.CharField()
    owner = serializers.CharField()
    department = serializers.CharField(allow_null=True)
    started_on = serializers.DateField()
    due_on = serializers.DateField()
    status = serializers.CharField()
    working_days_left = serializers.IntegerField(allow_null=True)
    provisional = serializers.BooleanField()
    explanation = serializers.ListField(child=serializers.CharField())
    ended_on = serializers.DateField(allow_null=True)


# What staff (departments, the office, auditors) see of a record besides `record_as_json`: its
# 双公示 figures and its own clocks. Never sent to other platforms nor shown to subjects.
STAFF_RECORD_FIELDS = ("publication_due_on", "publication_late_days", "deadlines")


class RecordSerializer(serializers.ModelSerializer):
    """A record as the API shows it to the caller (`context["viewer"]`): `record_as_json`, one
    shape for the API, the webhook's snapshots and the credit check's evidence, and for staff
    also `STAFF_RECORD_FIELDS`; the fields are declared for the schema."""

    subject_id = serializers.CharField(read_only=True)
    subject_name = serializers.CharField(source="subject.name")
    subject_type = serializers.CharField(source="subject.subject_type")
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    publication_due_on = serializers.DateField(
        required=False, allow_null=True, help_text="Staff only: the last day to publish it (双公示)."
    )
    publication_late_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Staff only: working days after `publication_due_on` it was published (0: on time).",
    )
    deadlines = RecordClockSerializer(many=True, required=False, help_text="Staff only: the record's own clocks.")

    class Meta:
        model = CreditRecord
        fields = [*RECORD_FIELDS, *STAFF_RECORD_FIELDS]
        read_only_fields = fields

    def to_representation(self, record: CreditRecord) -> dict:
        viewer = self.context["viewer"]
        shown = record_as_json(record, viewer)
        if getattr(viewer, "is_staff_role", False):
            shown.update(record_duties_as_json(record, self.context))
        return shown
