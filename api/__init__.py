"""The HTTP service around :class:`assistant.Assistant`: dependencies, schemas, middleware and
routes. ``server.py`` wires them into an app; nothing here runs at import time."""
