from __future__ import annotations

import re

from slack_bolt import App

from .feedback import feedback_callback


def register(app: App) -> None:
    app.action(re.compile(r"^feedback_(up|down)$"))(feedback_callback)
