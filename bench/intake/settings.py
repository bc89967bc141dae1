"""The product's settings plus the floor views, for the intake benchmark only."""

from civic311.settings import *  # noqa: F403

ROOT_URLCONF = "bench.intake.urls"
INSTALLED_APPS = [*INSTALLED_APPS, "bench.intake.apps.IntakeBenchConfig"]  # noqa: F405
