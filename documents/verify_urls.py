"""Public verification pages, mounted at /verify/ outside the staff site (no login)."""

from django.urls import path

from documents import verify_views

app_name = "verify"

urlpatterns = [
    path("", verify_views.verify_upload, name="upload"),
    path("<slug:token>/", verify_views.verify_document, name="document"),
]
