from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homecoming.settings")
application = get_wsgi_application()

# Start-up leaves some 150,000 objects that live as long as the process (modules, views,
# models, forms). Python's full garbage collection walks every one of them: about 80 ms
# on a 2-core server, paid by one request in twenty under load. Imported and frozen
# before the first request, they are left out of every collection (docs/operations.md).
get_resolver().url_patterns  # noqa: B018 (imports every view)
gc.freeze()
