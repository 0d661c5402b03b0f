from django.urls import path

from egov.directory import api

urlpatterns = [
    path("agencies/", api.AgencyList.as_view(), name="api-agency-list"),
    path("agencies/<str:code>/", api.AgencyDetail.as_view(), name="api-agency-detail"),
    path("applicants/lookup", api.ApplicantLookup.as_view(), name="api-applicant-lookup"),
    path(
        "applicants/<int:pk>/personal-data",
        api.ApplicantPersonalData.as_view(),
        name="api-applicant-personal-data",
    ),
]
