from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = (
        "username", "email", "nom_affiche", "role", "is_staff", "is_active", "date_joined",
    )  # fmt: skip
    list_filter = ("role", "is_staff", "is_active")
    fieldsets = (*BaseUserAdmin.fieldsets, ("FoxReviews", {"fields": ("role", "nom_affiche")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("FoxReviews", {"fields": ("role",)}))
