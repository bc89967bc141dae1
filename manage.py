#!/usr/bin/env python
"""Django's command-line utility for civic311."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def main() -> None:
    # The Django project lives in backend/; the routing engine and frontend at the top level.
    sys.path[:0] = [str(ROOT / "backend"), str(ROOT)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic311.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
