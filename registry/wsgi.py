import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.base")
application = get_wsgi_application()

# Current cached answers of the hottest reads are replayed before Django's stack (registry/common/replay.py)
from registry.common.replay import replaying  # noqa: E402 - needs the settings configured above

application = replaying(application)
