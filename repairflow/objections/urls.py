from django.urls import path

from repairflow.objections import views

urlpatterns = [
    path("<str:number>/", views.objection_detail, name="objection-detail"),
]
