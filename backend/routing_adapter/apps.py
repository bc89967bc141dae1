from django.apps import AppConfig


class RoutingAdapterConfig(AppConfig):
    name = "routing_adapter"
    verbose_name = "Routing"
