"""The optional bearer token: with ASSISTANT_API_TOKEN set, protected routes require it."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from assistant.config import Settings
from assistant.serve.deps import assistant_of
from assistant.serve.errors import ApiError


def configured_token(settings: Settings) -> str | None:
    """The bearer token, or None when the API is open (an empty value counts as unset)."""
    token = settings.api_token.get_secret_value() if settings.api_token else ""
    return token or None


bearer = HTTPBearer(auto_error=False, description="The token from ASSISTANT_API_TOKEN")


def token_accepted(token: str, given: str) -> bool:
    """Whether `given` is the token, compared in constant time."""
    return secrets.compare_digest(given.encode(), token.encode())


def unauthorized() -> ApiError:
    return ApiError(
        401,
        "a valid 'Authorization: Bearer <token>' header is required",
        field="Authorization",
        kind="unauthorized",
        headers={"WWW-Authenticate": "Bearer"},
    )


async def require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    token = configured_token(assistant_of(request).settings)
    if token is None:
        return
    if not token_accepted(token, credentials.credentials if credentials else ""):
        raise unauthorized()
