"""The registration pages: the subject's under /register/, the office's under /office/registrations/
(repairflow/urls.py)."""

from django.urls import path

from repairflow.registrations import views

register_urls = [
    path("", views.register, name="register"),
    path("details/", views.register_details, name="register-details"),
    path("received/", views.register_received, name="register-received"),
]

office_urls = [
    path("", views.office_registrations, name="office-registrations"),
    path("<int:registration_id>/proof/", views.office_registration_proof, name="office-registration-proof"),
    path(
        "<int:registration_id>/approve/",
        views.office_registration_decide,
        {"decision": "approve"},
        name="office-registration-approve",
    ),
    path(
        "<int:registration_id>/reject/",
        views.office_registration_decide,
        {"decision": "reject"},
        name="office-registration-reject",
    ),
]
