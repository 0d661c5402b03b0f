"""API routes of this app (mounted under /api/v1/ by egov/urls.py)."""

from django.urls import path

from egov.workdays import api

urlpatterns = [
    path("calendar/due-date", api.DueDateView.as_view(), name="workdays-due-date"),
    path("calendar/days", api.DaysView.as_view(), name="workdays-days"),
]
