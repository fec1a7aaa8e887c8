from __future__ import annotations

import re

from slack_bolt import Ack, App

from bots.slack.formatting import CONTINUE, FEEDBACK, SHARE

from .feedback import feedback_buttons_callback, feedback_callback
from .share import share_callback


def register(app: App) -> None:
    app.action(re.compile(r"^feedback_(up|down)$"))(feedback_callback)
    app.action(FEEDBACK)(feedback_buttons_callback)  # under a streamed answer
    app.action(SHARE)(share_callback)  # under a private answer
    # "Continue in the web chat" is a link: Slack opens it and tells the app, which has nothing
    # to do but acknowledge
    app.action(CONTINUE)(acknowledge)


def acknowledge(ack: Ack) -> None:
    ack()
