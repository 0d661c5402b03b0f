"""API routes of the dossiers app (mounted under /api/v1/)."""

from django.urls import path

from egov.dossiers.api import actions, public, views

urlpatterns = [
    path(
        "public/dossiers/<str:code>",
        public.PublicDossierLookup.as_view(),
        name="api-public-dossier",
    ),
    path("dossiers/", views.DossierCollection.as_view(), name="api-dossier-list"),
    path("dossiers/queues", views.QueueCounts.as_view(), name="api-dossier-queues"),
    path("dossiers/online", views.OnlineSubmission.as_view(), name="api-dossier-online"),
    path("dossiers/<str:code>/", views.DossierDetail.as_view(), name="api-dossier-detail"),
    *(
        path(
            f"dossiers/<str:code>/actions/{name}",
            view.as_view(),
            name=f"api-dossier-{name}",
        )
        for name, view in actions.VIEWS.items()
    ),
]
