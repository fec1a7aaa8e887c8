"""Health: store counts, models, version."""

from __future__ import annotations

from fastapi import APIRouter, Response

import assistant as assistant_package
from api.deps import AssistantDep, ReaderDep, SettingsDep
from api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/api/health", response_model=Health, responses={503: {"model": Health}})
def health(
    assistant: AssistantDep, caller: ReaderDep, settings: SettingsDep, response: Response
) -> Health:
    """Counts of what the caller may see, the models in use and the version; 503 when the
    store cannot be reached."""
    status = assistant.status(caller.access)
    ok = bool(status["store"]["ok"])
    response.status_code = 200 if ok else 503
    auth = bool(settings.token_grants())
    return Health(
        status="ok" if ok else "degraded",
        version=assistant_package.__version__,
        auth=auth,
        **status,
    )


@router.get("/healthz", include_in_schema=False)
def liveness() -> dict[str, str]:
    """Liveness for load balancers: no token, no details."""
    return {"status": "ok"}
