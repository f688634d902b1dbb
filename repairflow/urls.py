from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponsePermanentRedirect
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from repairflow.calendar import api as calendar_api
from repairflow.calendar import views as calendar_views
from repairflow.cases.api import CASE_NUMBER, NOTICE_KINDS, AttachmentContentView, AttachmentView
from repairflow.core import views as core_views
from repairflow.core.api import AttachmentUploadView, ObtainTokenView
from repairflow.deadlines import api as deadlines_api
from repairflow.notifications import views as notification_views
from repairflow.objections.api import ObjectionNoticeView, ObjectionViewSet
from repairflow.office import api as office_api
from repairflow.office import views as office_views
from repairflow.portal import views as portal_views
from repairflow.portal.api import PublicRecordsView, PublicStatusView
from repairflow.records import views as record_views
from repairflow.records.api import (
    CreditCheckPdfView,
    CreditCheckViewSet,
    MatterViewSet,
    QueryLogViewSet,
    RecordImportViewSet,
    RecordViewSet,
    SubjectBankruptcyView,
)
from repairflow.registrations import urls as registration_urls
from repairflow.registrations.api import PhoneCodeView, RegistrationViewSet
from repairflow.repair.api import RepairNoticeView, RepairViewSet
from repairflow.sync.api import DeliveryViewSet, SubscriptionViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
# before "records", whose detail route would otherwise take "imports" for a record's id
router.register("records/imports", RecordImportViewSet, basename="record-import-report")
router.register("records", RecordViewSet, basename="record")
router.register("credit-checks", CreditCheckViewSet, basename="credit-check")
router.register("matters", MatterViewSet, basename="matter")
router.register("query-log", QueryLogViewSet, basename="query-log")
router.register("objections", ObjectionViewSet, basename="objection")
router.register("repairs", RepairViewSet, basename="repair")
router.register("subscriptions", SubscriptionViewSet, basename="subscription")
router.register("deliveries", DeliveryViewSet, basename="delivery")
router.register("registrations", RegistrationViewSet, basename="registration")

# The admin pages of the models that moved to another app, where they were before the move.
MOVED_ADMIN_PAGES = {
    "core/user": "records/user",
    "core/casesequence": "cases/casesequence",
    "core/transition": "cases/transition",
    "core/notice": "cases/notice",
    "sync/subscription": "records/subscription",
    "sync/delivery": "records/delivery",
    "sync/outboxevent": "records/recordevent",
}


def moved_admin_page(request, page: str, rest: str) -> HttpResponsePermanentRedirect:
    return HttpResponsePermanentRedirect(f"/admin/{MOVED_ADMIN_PAGES[page]}/{rest}")


api_v1 = [
    path("auth/token/", ObtainTokenView.as_view(), name="token"),
    path("attachments/", AttachmentUploadView.as_view(), name="attachment-upload"),
    path("attachments/<int:pk>/", AttachmentView.as_view(), name="attachment"),
    path("credit-checks/<int:pk>/pdf/", CreditCheckPdfView.as_view(), name="credit-check-pdf"),
    path("attachments/<int:pk>/content/", AttachmentContentView.as_view(), name="attachment-content"),
    path("public/status/", PublicStatusView.as_view(), name="public-status"),
    path("public/records/", PublicRecordsView.as_view(), name="public-records"),
    path("registrations/phone-code/", PhoneCodeView.as_view(), name="registration-phone-code"),
    path("office/dashboard/", office_api.DashboardView.as_view(), name="office-dashboard"),
    path("office/statistics/", office_api.StatisticsView.as_view(), name="office-statistics"),
    re_path(
        r"^office/reports/(?P<month>\d{4}-\d{2})\.(?P<extension>xlsx|pdf)$",
        office_api.MonthlyReportView.as_view(),
        name="office-report",
    ),
    path("calendar/deadline/", calendar_api.DeadlineView.as_view(), name="calendar-deadline"),
    path("calendar/<int:year>/", deadlines_api.CalendarYearLoadView.as_view(), name="calendar-year"),
    path("subjects/<str:identifier>/bankruptcy/", SubjectBankruptcyView.as_view(), name="subject-bankruptcy"),
    re_path(
        rf"^objections/(?P<number>{CASE_NUMBER})/notices/(?P<kind>{NOTICE_KINDS})\.pdf$",
        ObjectionNoticeView.as_view(),
        name="objection-notice",
    ),
    re_path(
        rf"^repairs/(?P<number>{CASE_NUMBER})/notices/(?P<kind>{NOTICE_KINDS})\.pdf$",
        RepairNoticeView.as_view(),
        name="repair-notice",
    ),
    path("", include(router.urls)),
]

urlpatterns = [
    path("", record_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("query/", portal_views.progress_query, name="progress-query"),
    path("public/records/", portal_views.public_records, name="public-records"),
    path("public/records/<int:record_id>/", portal_views.public_record, name="public-record"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("readyz", core_views.readyz, name="readyz"),
    path("records/", record_views.record_list, name="record-list"),
    path("records/<int:record_id>/", record_views.record_detail, name="record-detail"),
    path("records/<int:record_id>/statement/", record_views.record_statement, name="record-statement"),
    path("query-log/", record_views.query_log, name="query-log"),
    path("credit-checks/", record_views.credit_check_list, name="credit-check-list"),
    path("credit-checks/<int:check_id>/pdf/", record_views.credit_check_pdf_download, name="credit-check-pdf"),
    path("calendar/", calendar_views.calendar_year, name="calendar"),
    path("calendar/<int:year>/", calendar_views.calendar_year, name="calendar-year"),
    path("objections/", include("repairflow.objections.urls")),
    path("repairs/", include("repairflow.repair.urls")),
    path("office/", office_views.office_desk, name="office-desk"),
    path("office/calendar/", office_views.office_calendar, name="office-calendar"),
    path("office/queue/", office_views.office_queue, name="office-queue"),
    path("office/statistics/", office_views.office_statistics, name="office-statistics"),
    path("office/registrations/", include(registration_urls.office_urls)),
    path("register/", include(registration_urls.register_urls)),
    path("office/deliveries/requeue/", office_views.office_requeue_deliveries, name="office-requeue-deliveries"),
    path("inbox/", notification_views.inbox, name="inbox"),
    path("inbox/read/", notification_views.inbox_mark_read, name="inbox-read"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    re_path(rf"^admin/(?P<page>{'|'.join(MOVED_ADMIN_PAGES)})/(?P<rest>.*)$", moved_admin_page),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI with its script at ?script, not inline, under the CSP (templates/api_docs.html)
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api_docs.html"),
        name="api-docs",
    ),
]

handler400 = "repairflow.core.views.bad_request"
handler404 = "repairflow.core.views.page_not_found"
handler500 = "repairflow.core.views.server_error"
