from __future__ import annotations

import re

from slack_bolt import App

from bots.slack.formatting import FEEDBACK, SHARE

from .feedback import feedback_buttons_callback, feedback_callback
from .share import share_callback


def register(app: App) -> None:
    app.action(re.compile(r"^feedback_(up|down)$"))(feedback_callback)
    app.action(FEEDBACK)(feedback_buttons_callback)  # under a streamed answer
    app.action(SHARE)(share_callback)  # under a private answer
