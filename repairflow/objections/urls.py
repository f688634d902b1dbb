"""The objection pages, under /objections/ (repairflow/urls.py)."""

from django.urls import path, re_path

from repairflow.cases.api import CASE_NUMBER, NOTICE_KINDS
from repairflow.objections import views

NUMBER = rf"(?P<number>{CASE_NUMBER})"

urlpatterns = [
    path("", views.objection_list, name="objection-list"),
    path("new/", views.objection_new, name="objection-new"),
    re_path(rf"^{NUMBER}/$", views.objection_detail, name="objection-detail"),
    re_path(
        rf"^{NUMBER}/notices/(?P<kind>{NOTICE_KINDS})\.pdf$", views.objection_notice_pdf, name="objection-notice-pdf"
    ),
    re_path(rf"^{NUMBER}/feedback/$", views.objection_feedback, name="objection-feedback"),
    re_path(rf"^{NUMBER}/(?P<action>[a-z-]+)/$", views.objection_action, name="objection-action"),
]
