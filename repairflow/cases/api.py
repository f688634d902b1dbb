"""What the API of every kind of case shares (docs/api.md "Objections", "Repair
applications"): the case as JSON with its clocks, timeline, notices and the caller's actions;
filing; the bodies every kind of case takes; running an action; the notices as PDF. Each kind's
api.py declares its endpoints as subclasses of `CaseViewSet` and `CaseNoticeView`."""

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from repairflow.calendar.selectors import work_calendar
from repairflow.cases.kinds import CaseKind, case_kind_of
from repairflow.cases.models import Case, Feedback, Notice, NoticeKind, RejectionCode, Transition
from repairflow.cases.notices import notice_content, notice_rendered
from repairflow.cases.selectors import attachment_readable, case_notice, cases_overdue
from repairflow.cases.services import NOT_YOUR_RECORD, case_feedback_give, case_feedback_open, case_reads_log
from repairflow.core.api import AttachmentSerializer, FileAnswerMixin, IdempotentPostMixin, IdField
from repairflow.core.attachments import TYPE_NAMES
from repairflow.core.errors import get_or_not_found
from repairflow.core.flows import available_actions, transition_check
from repairflow.core.identifiers import InvalidIdentifier, compact_identifier
from repairflow.core.models import Attachment
from repairflow.core.permissions import Role, require_role
from repairflow.deadlines.models import Deadline
from repairflow.deadlines.selectors import deadline_as_json
from repairflow.deadlines.services import CaseClocks
from repairflow.records.models import QueryKind
from repairflow.records.selectors import may_see_identifier, records_visible_to

UNKNOWN_ATTACHMENT = _("No attachment you uploaded has this id: %(ids)s.")
SUBJECT_ID_REQUIRED = _("Name the subject the office files for.")
SUBJECT_MISMATCH = _("The record is not this subject's.")
PHONE = RegexValidator(r"^\+?[0-9][0-9 -]{4,18}$", _("Enter a phone number of digits, spaces and hyphens."))
NOTICE_KINDS = "|".join(NoticeKind.values)
CASE_NUMBER = r"[A-Z]{2}\d{10}"


def with_everything_shown(cases: QuerySet, *also: Prefetch) -> QuerySet:
    """The cases with what a case's JSON or page shows read with them, in a fixed number of
    queries whatever their number: record, subject, and as lists `shown_deadlines`,
    `shown_timeline`, `shown_notices`, `shown_attachments` and what the kind adds (`also`, each
    with its queryset, to a `shown_` list too). Lists, not managers: a page of 50 cases then
    builds no queryset per case and relation, which cost more than the page's queries."""
    return cases.select_related("record__department", "record__subject", "subject", "repeat_of").prefetch_related(
        Prefetch(
            "deadlines",
            queryset=Deadline.objects.select_related("department", "subject").order_by("id"),
            to_attr="shown_deadlines",
        ),
        Prefetch(
            "timeline",
            queryset=Transition.objects.select_related("actor").order_by("at", "id"),
            to_attr="shown_timeline",
        ),
        Prefetch(
            "notices", queryset=Notice.objects.defer("content").order_by("issued_at", "id"), to_attr="shown_notices"
        ),
        Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by"), to_attr="shown_attachments"),
        Prefetch("feedback_given", queryset=Feedback.objects.all(), to_attr="shown_feedback"),
        # each read with a copy of its own: Django adds a read's first case to the queryset it is
        # given (a hint), which on a kind's Prefetch, shared by every request, would keep that case
        # and all it holds alive until the next read
        *(Prefetch(shown.prefetch_through, queryset=shown.queryset.all(), to_attr=shown.to_attr) for shown in also),
    )


# --- Out ----------------------------------------------------------------------------------------


# What a case's JSON shows of its clocks, timeline and notices, written out by hand: a list holds
# 50 cases with hundreds of these, and a serializer built for each case costs more than the page's
# queries.
_DATE, _TIME = serializers.DateField(), serializers.DateTimeField()


def json_date(value: Any) -> str | None:
    """A date as DRF's DateField writes it (null stays null)."""
    return None if value is None else _DATE.to_representation(value)


def json_time(value: Any) -> str | None:
    """A moment as DRF's DateTimeField writes it, in the local time zone (null stays null)."""
    return None if value is None else _TIME.to_representation(value)


def transition_as_json(transition: Transition) -> dict[str, Any]:
    return {
        "action": transition.action,
        "from": transition.source,
        "to": transition.target,
        "actor": transition.actor.username if transition.actor_id else None,
        "at": json_time(transition.at),
        "comment": transition.comment,
    }


class FeedbackSerializer(serializers.Serializer):
    """The subject's feedback on a closed case: out as given, in as `POST …/feedback/` takes it
    (the rating's range is the service's rule, answered in its words)."""

    rating = serializers.IntegerField()
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    given_at = serializers.DateTimeField(read_only=True)


def notice_as_json(notice: Notice, *, case: Case, collection: str) -> dict[str, Any]:
    """A notice as the API lists it (rendered first if its PDF is not stored yet)."""
    notice = notice_rendered(notice)
    return {
        "kind": notice.kind,
        "issued_at": json_time(notice.issued_at),
        "size": notice.size,
        "sha256": notice.sha256,
        "url": f"/api/v1/{collection}/{case.number}/notices/{notice.kind}.pdf",
    }


class CaseSerializer(serializers.ModelSerializer):
    """A case as every kind shows it; a subclass names its kind and collection and adds its own
    fields to `CASE_FIELDS`. The case is read with `with_everything_shown`."""

    kind: CaseKind
    collection: str  # the API's path: "objections", "repairs"
    CASE_FIELDS = [
        "number",
        "state",
        "record",
        "record_title",
        "subject_id",
        "subject_name",
        "statement",
        "contact_phone",
        "attachments",
        "received_on",
        "created_at",
        "deadlines",
        "timeline",
        "notices",
        "allowed_actions",
        "repeat_of",
        "feedback",
    ]

    record = serializers.IntegerField(source="record_id")
    record_title = serializers.CharField(source="record.title")
    subject_id = serializers.SerializerMethodField()
    subject_name = serializers.CharField(source="subject.name")
    attachments = AttachmentSerializer(source="shown_attachments", many=True)
    deadlines = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    notices = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    # the number of the closed case this one repeats with nothing new, else null
    repeat_of = serializers.CharField(source="repeat_of.number", default=None, allow_null=True, read_only=True)
    feedback = serializers.SerializerMethodField()

    def _clock_context(self) -> dict:
        if "calendar" not in self.context:
            self.context.update(calendar=work_calendar(), today=timezone.localdate())
        return self.context

    def get_subject_id(self, case) -> str:
        subject = case.subject
        return (
            subject.identifier if may_see_identifier(self.context["viewer"], case.record) else subject.masked_identifier
        )

    def get_deadlines(self, case) -> list[dict]:
        context = self._clock_context()
        return [
            deadline_as_json(deadline, calendar=context["calendar"], today=context["today"])
            for deadline in case.shown_deadlines
        ]

    def get_timeline(self, case) -> list[dict]:
        return [transition_as_json(transition) for transition in case.shown_timeline]

    def get_notices(self, case) -> list[dict]:
        return [notice_as_json(notice, case=case, collection=self.collection) for notice in case.shown_notices]

    @extend_schema_field(FeedbackSerializer(allow_null=True))
    def get_feedback(self, case) -> dict | None:
        given = case.shown_feedback
        return FeedbackSerializer(given[0]).data if given else None

    def get_allowed_actions(self, case) -> list[str]:
        viewer = self.context["viewer"]
        flow = self.kind.flow(case, actor=viewer, clocks=CaseClocks.known(case, case.shown_deadlines))
        return available_actions(flow, viewer)


# --- In -----------------------------------------------------------------------------------------


def attachments_uploaded_by(actor: Any, ids: list[int]) -> dict[int, Attachment]:
    """The attachments `actor` uploaded with these ids, by id; refused naming any other id."""
    found = {a.pk: a for a in Attachment.objects.filter(pk__in=ids, uploaded_by=actor)}
    if missing := [str(pk) for pk in dict.fromkeys(ids) if pk not in found]:
        raise serializers.ValidationError(UNKNOWN_ATTACHMENT % {"ids": ", ".join(missing)})
    return found


class AttachmentsField(serializers.ListField):
    """Ids of attachments the caller uploaded."""

    child = IdField()

    def to_internal_value(self, data):
        ids = list(dict.fromkeys(super().to_internal_value(data)))
        found = attachments_uploaded_by(self.context["actor"], ids)
        return [found[pk] for pk in ids]


class CaseCreateSerializer(serializers.Serializer):
    """What filing any case takes: one of the subject's records (the office names the subject
    it files for), a statement, evidence and a phone number."""

    record = serializers.IntegerField()
    subject_id = serializers.CharField(max_length=32, required=False)
    statement = serializers.CharField(max_length=5000)
    attachments = AttachmentsField(required=False, default=list)
    contact_phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", validators=[PHONE]
    )

    def validate(self, attrs):
        actor = self.context["actor"]
        record = records_visible_to(actor).filter(pk=attrs["record"]).first()
        if record is None:
            raise serializers.ValidationError({"record": [NOT_YOUR_RECORD]})
        if actor.role == Role.OFFICE:
            if not attrs.get("subject_id"):
                raise serializers.ValidationError({"subject_id": [SUBJECT_ID_REQUIRED]})
            try:
                identifier = compact_identifier(attrs["subject_id"])
            except InvalidIdentifier as error:
                raise serializers.ValidationError({"subject_id": [str(error)]}) from error
            if identifier != record.subject.identifier:
                raise serializers.ValidationError({"subject_id": [SUBJECT_MISMATCH]})
        attrs.pop("subject_id", None)
        attrs["record"] = record
        return attrs


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RejectSerializer(ReasonSerializer):
    """`reject`: a reason, or a reason code whose notice says the rest (`repeat`)."""

    reason_code = serializers.ChoiceField(choices=RejectionCode.choices, required=False, allow_blank=True, default="")


class ClockExtendSerializer(ReasonSerializer):
    """The office's `extend` of the departments' clocks (docs/api.md: `days`, `reason`)."""

    days = serializers.IntegerField(min_value=1, max_value=60)


class MissingSerializer(serializers.Serializer):
    missing = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class SupplementSerializer(serializers.Serializer):
    statement = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    attachments = AttachmentsField(required=False, default=list)


ActionBodies = Mapping[str, tuple[type[serializers.Serializer], Callable[..., Case]]]


def case_action_run(*, case: Case, bodies: ActionBodies, actor: Any, action: str, data: Any) -> Case:
    """Read the body of an action and run its service (shared by the API and the pages): the
    service locks the case and checks, once, that the actor may take the action (403) in its
    state (409) before judging what the body says. The body's shape is read here first; when it
    is bad, the action is checked on the case as read before the 400, so that a refused action
    is refused for what it is (403, 409) whatever its body."""
    body_class, service = bodies[action]
    body = body_class(data=data, context={"actor": actor, "case": case})
    if not body.is_valid():
        transition_check(case_kind_of(case).flow(case, actor=actor), action, user=actor)
        raise serializers.ValidationError(body.errors)
    values = dict(body.validated_data)
    if "department" in values:
        values["department"] = values["department"] or None
    return service(actor=actor, number=case.number, **values)


def case_notice_response(case: Case, kind: str, *, viewer: Any) -> HttpResponse:
    """The case's latest notice of `kind` as a PDF download (for the API and the pages); 404
    when no such notice was issued. A staff viewer's download is in the query log."""
    notice = case_notice(case, kind)
    if notice is None:
        raise Http404
    case_reads_log(user=viewer, kind=QueryKind.NOTICE, cases=[case], parameters={"notice": kind})
    content = notice_content(notice)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.number}-{kind}.pdf"'
    response["X-Content-SHA256"] = notice.sha256
    return response


# --- Endpoints ----------------------------------------------------------------------------------


class CaseFilterSerializer(serializers.Serializer):
    """A list's filters; a kind's subclass adds `state` with its own states."""

    overdue = serializers.BooleanField(required=False, default=False)
    department = serializers.CharField(max_length=32, required=False)


def case_endpoints_schema(*, states: type[models.TextChoices], create: type, read: type) -> Callable:
    """The OpenAPI description of a kind's list filters, of filing a case and of giving feedback
    on it (its `CaseViewSet`)."""
    return extend_schema_view(
        list=extend_schema(
            parameters=[
                OpenApiParameter("state", str, enum=states.values),
                OpenApiParameter("overdue", bool, description="Only cases with a clock past its last day"),
                OpenApiParameter("department", str, description="Department code"),
            ]
        ),
        create=extend_schema(request=create, responses={201: read}),
        feedback=extend_schema(request=FeedbackSerializer, responses={201: read}),
    )


class CaseViewSet(IdempotentPostMixin, viewsets.GenericViewSet):
    """List, file, read and act on one kind of case (docs/api.md): `/api/v1/{collection}/` to list
    and file, `{number}/` to read, `{number}/{action}/` to act. A kind's subclass names its kind,
    serializers, action bodies (`action_bodies`: action → body serializer and service), filing
    service, what its cases are read with (`prefetch`) and the lookup its `department=` filter
    uses, and declares its `act` endpoint with `case_action_endpoint`."""

    lookup_field = "number"
    lookup_value_regex = CASE_NUMBER
    kind: CaseKind
    create_serializer_class: type[serializers.Serializer]
    filter_serializer_class: type[serializers.Serializer]
    department_filter: str
    prefetch: tuple[Prefetch, ...] = ()  # what the kind shows besides, each to a `shown_` list
    related: tuple[str, ...] = ()
    action_bodies: ActionBodies
    submit: Callable[..., Case]  # staticmethod(...): the filing service

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.kind.model.objects.none()
        cases = self.kind.visible_to(self.request.user).select_related(*self.related)
        return with_everything_shown(cases, *self.prefetch)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "viewer": self.request.user}

    def _read(self, number: str) -> Case:
        return get_or_not_found(self.get_queryset(), number=number)

    def _visible(self, number: str) -> Case:
        """The case as the caller may see it (else 404), without what is shown of it."""
        return get_or_not_found(
            self.kind.visible_to(self.request.user).select_related("record__subject", "subject"), number=number
        )

    def list(self, request):
        filters = self.filter_serializer_class(data=request.query_params)
        filters.is_valid(raise_exception=True)
        cases = self.get_queryset()
        if state := filters.validated_data.get("state"):
            cases = cases.filter(state=state)
        if filters.validated_data["overdue"]:
            cases = cases_overdue(cases, today=timezone.localdate())
        if department := filters.validated_data.get("department"):
            cases = cases.filter(**{self.department_filter: department}).distinct()
        page = self.paginate_queryset(cases)
        parameters = {"collection": self.basename, **request.query_params.dict()}
        case_reads_log(user=request.user, kind=QueryKind.CASE_LIST, cases=page, parameters=parameters)
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        # Empty the page's cases once they are written out: the serializer, the paginator, the view
        # and the request refer to one another (and a case to its verifications and back), so what
        # the cases hold, some 5,000 objects a page, would otherwise be freed only by the garbage
        # collector's passes, long pauses of every thread of the process (docs/benchmarks.md
        # "Garbage collection").
        for case in page:
            case.__dict__.clear()
        return response

    def create(self, request):
        require_role(request.user, Role.SUBJECT, Role.OFFICE)
        body = self.create_serializer_class(data=request.data, context={"actor": request.user})
        body.is_valid(raise_exception=True)
        case = self.submit(actor=request.user, **body.validated_data)
        return Response(self.get_serializer(self._read(case.number)).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request, number=None):
        case = self._read(number)
        case_reads_log(user=request.user, kind=QueryKind.CASE_DETAIL, cases=[case], parameters={})
        return Response(self.get_serializer(case).data)

    @action(detail=True, methods=["post"], url_path="feedback")
    def feedback(self, request, number=None):
        """The subject's feedback on its closed case, once (docs/api.md "Cases: feedback and repeats")."""
        body = FeedbackSerializer(data=request.data)
        if not body.is_valid():  # who and when first (404, 409), as for an action
            case_feedback_open(self.kind, actor=request.user, number=number)
            raise serializers.ValidationError(body.errors)
        case_feedback_give(self.kind, actor=request.user, number=number, **body.validated_data)
        return Response(self.get_serializer(self._read(number)).data, status=status.HTTP_201_CREATED)

    def run_action(self, request, number: str, action_name: str):
        case = case_action_run(
            case=self._visible(number),
            bodies=self.action_bodies,
            actor=request.user,
            action=action_name,
            data=request.data,
        )
        return Response(self.get_serializer(self._read(case.number)).data)


def case_action_endpoint(*, name: str, collection: str, serializer: type, actions: list[str]) -> Callable:
    """The `act` endpoint of a kind's viewset: `POST /api/v1/{collection}/{number}/{action}/`, one
    of `actions` (docs/api.md's table says who, from which state, and the body)."""
    parameter = f"{name}_action"

    def decorate(method: Callable) -> Callable:
        method = action(detail=True, methods=["post"], url_path=rf"(?P<{parameter}>{'|'.join(actions)})")(method)
        return extend_schema(
            request=OpenApiTypes.OBJECT,
            responses={200: serializer},
            operation_id=f"v1_{collection}_act",
            parameters=[OpenApiParameter(parameter, str, OpenApiParameter.PATH, enum=actions)],
        )(method)

    return decorate


class CaseNoticeView(FileAnswerMixin, APIView):
    """`GET /api/v1/{collection}/{number}/notices/{kind}.pdf`: the latest notice of that kind. A
    kind's subclass names its kind (and declares its schema)."""

    kind: CaseKind

    def get(self, request, number: str, kind: str):
        case = get_or_not_found(
            self.kind.visible_to(request.user).select_related("record__department", "subject"), number=number
        )
        return case_notice_response(case, kind, viewer=request.user)


def notice_endpoint(*, collection: str, kinds: list[str]) -> Callable:
    """The schema of a kind's notice view's `get`."""
    return extend_schema(
        operation_id=f"v1_{collection}_notice",
        parameters=[OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=kinds)],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )


# --- Attachments --------------------------------------------------------------------------------


class AttachmentView(APIView):
    """`GET /api/v1/attachments/{id}/`: what an attachment is, to its uploader and to whoever may
    see a case it belongs to; anyone else 404."""

    @extend_schema(responses={200: AttachmentSerializer})
    def get(self, request, pk: int):
        attachment, _cases = attachment_readable(request.user, pk)
        return Response(AttachmentSerializer(attachment).data)


class AttachmentContentView(FileAnswerMixin, APIView):
    """`GET /api/v1/attachments/{id}/content/`: the file itself, as it was stored, to the same
    people; a download by staff is in the query log with the cases it belongs to."""

    @extend_schema(responses={(200, content_type): OpenApiTypes.BINARY for content_type in TYPE_NAMES})
    def get(self, request, pk: int):
        attachment, cases = attachment_readable(request.user, pk)
        case_reads_log(user=request.user, kind=QueryKind.ATTACHMENT, cases=cases, parameters={"attachment": pk})
        response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
        fallback = attachment.name.encode("ascii", "replace").decode().replace('"', "'").replace("\\", "_")
        response["Content-Disposition"] = (
            f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(attachment.name)}"
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
