from .widgets import *  # noqa: F403  (임시)
