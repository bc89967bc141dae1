import os
import sys
from pathlib import Path

_root = Path(__file__).resolve().parent.parent.parent
sys.path[:0] = [str(_root / "backend"), str(_root)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic311.settings")

import gc  # noqa: E402

from django.core.wsgi import get_wsgi_application  # noqa: E402

from civic311.warmup import warm_up  # noqa: E402

application = get_wsgi_application()
warm_up()

# Django, the libraries, the URLs and the compiled templates live as long as the process:
# out of the collector's way, its full passes walk only what came later (a full pass over
# them stalled a worker for 100-200 ms in the middle of a request).
gc.collect()
gc.freeze()
