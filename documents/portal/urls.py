"""The portal's URLs, mounted at /portal/ outside the staff site
(``extensions.register_urls`` in ``documents.apps``)."""

from django.urls import path, re_path

from . import staff_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("ended/", views.ended, name="ended"),
    path("logout/", views.logout, name="logout"),
    path("consent/", views.consent, name="consent"),
    path("mediator/", views.mediator, name="mediator"),
    path("rate/", views.rate, name="rate"),
    path("documents/<int:pk>/", views.document_sign, name="sign"),
    path("documents/<int:pk>/file/", views.document_file, name="file"),
    path("documents/<int:pk>/download/", views.document_download, name="download"),
    path("documents/<int:pk>/code/", views.document_code, name="sign_code"),
    # Staff: send or withdraw a party's link (login and write access to the case).
    path("send/<int:party>/", staff_views.link_send, name="link_send"),
    path("links/<int:pk>/revoke/", staff_views.link_revoke, name="link_revoke"),
    # The link itself: secrets.token_urlsafe(32) is 43 characters.
    re_path(r"^(?P<token>[A-Za-z0-9_-]{43})/$", views.link_open, name="open"),
]
