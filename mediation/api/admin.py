from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import services
from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with ``manage.py api_token issue`` (the secret is shown once);
    here they are listed and revoked."""

    list_display = ["name", "organisation", "role", "prefix", "created_at", "last_used_at"]
    list_filter = ["role", "revoked_at"]
    search_fields = ["name", "organisation__name", "organisation__code", "prefix"]
    readonly_fields = [
        "organisation",
        "name",
        "prefix",
        "secret_sha256",
        "user",
        "role",
        "channel",
        "created_by",
        "created_at",
        "revoked_at",
        "last_used_at",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            services.token_revoke(token=token, actor=request.user)
        self.message_user(request, _("Tokens revoked."), messages.SUCCESS)
