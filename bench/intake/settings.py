"""The product's settings plus the floor view's URL, for the intake benchmark only."""

from civic311.settings import *  # noqa: F403

ROOT_URLCONF = "bench.intake.urls"
