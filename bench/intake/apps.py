from django.apps import AppConfig


class IntakeBenchConfig(AppConfig):
    name = "bench.intake"
    label = "intake_bench"
