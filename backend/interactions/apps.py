from django.apps import AppConfig


class InteractionsConfig(AppConfig):
    name = "interactions"
    verbose_name = "Interactions, calls and commitments"
    default_auto_field = "django.db.models.BigAutoField"
