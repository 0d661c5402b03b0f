from django.urls import include, path

from fakes.oidc import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("fake/next-id-token", views.next_id_token, name="next-id-token"),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
