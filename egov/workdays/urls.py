"""Web pages of this app (mounted at the site root by egov/urls.py)."""

from django.urls import path

from egov.workdays import views

urlpatterns = [
    path("lich-lam-viec/", views.calendar_page, name="workdays-calendar"),
    path("lich-lam-viec/<int:year>/", views.calendar_page, name="workdays-calendar-year"),
]
