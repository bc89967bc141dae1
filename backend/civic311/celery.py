import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic311.settings")

app = Celery("civic311")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
