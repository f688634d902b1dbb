"""The repair application pages, under /repairs/ (repairflow/urls.py)."""

from django.urls import path, re_path

from repairflow.cases.api import CASE_NUMBER, NOTICE_KINDS
from repairflow.repair import views

NUMBER = rf"(?P<number>{CASE_NUMBER})"

urlpatterns = [
    path("", views.repair_list, name="repair-list"),
    path("new/", views.repair_new, name="repair-new"),
    re_path(rf"^{NUMBER}/$", views.repair_detail, name="repair-detail"),
    re_path(rf"^{NUMBER}/notices/(?P<kind>{NOTICE_KINDS})\.pdf$", views.repair_notice_pdf, name="repair-notice-pdf"),
    re_path(rf"^{NUMBER}/feedback/$", views.repair_feedback, name="repair-feedback"),
    re_path(rf"^{NUMBER}/(?P<action>[a-z-]+)/$", views.repair_action, name="repair-action"),
]
