from django.urls import path, re_path

from egov.gateway import proxy, token_views, views

# /gateway/r1/<instance>/<member class>/<member code>/<subsystem>/<service>/<path>:
# the provider's X-Road identifier, the service code, then the provider's own path
# (the shape of X-Road's REST interface, whose protocol version is "r1").
PROXY = (
    r"^gateway/r1/(?P<instance>[^/]+)/(?P<member_class>[^/]+)/(?P<member_code>[^/]+)/"
    r"(?P<subsystem>[^/]+)/(?P<service>[^/]+)(?:/(?P<path>.*))?$"
)

urlpatterns = [
    path("gateway/token", token_views.token, name="gateway-token"),
    path("gateway/giam-sat/", views.monitor_page, name="gateway-monitor"),
    re_path(PROXY, proxy.proxy, name="gateway-proxy"),
]
