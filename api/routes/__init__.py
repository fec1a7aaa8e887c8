"""One router per concern; each route is a few lines that call the assistant's API."""
