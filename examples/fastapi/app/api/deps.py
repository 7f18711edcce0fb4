"""Authentication dependency of the design: the bearer token, verified."""
from typing import Optional

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.auth.jwt import TokenPayload, decode_access_token

# auto_error=False so that a missing token is a 401 with WWW-Authenticate
# (RFC 6750), as the design's tests expect; HTTPBearer alone answers 403
# on Debian 12's FastAPI 0.92.
security = HTTPBearer(auto_error=False)


def _unauthorized() -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="Invalid or expired token",
        headers={"WWW-Authenticate": "Bearer"},
    )


async def get_current_user(
    credentials: Optional[HTTPAuthorizationCredentials] = Depends(security),
) -> TokenPayload:
    """Validate the JWT and return the current user, or raise 401."""
    if credentials is None:
        raise _unauthorized()
    payload = decode_access_token(credentials.credentials)
    if payload is None:
        raise _unauthorized()
    return payload
