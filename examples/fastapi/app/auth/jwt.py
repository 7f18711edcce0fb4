"""JWT utilities of the design: HS256 with the shared BETTER_AUTH_SECRET.

Latch issues the tokens (GET /api/auth/token, GET /api/auth/session); this
module only verifies them, exactly as the design does: PyJWT with the secret
and the algorithm, nothing else. With LATCH_ID_FORMAT=serial the token's
`sub` is "42", which the `sub: int` field below turns into 42.
"""
import os
from datetime import datetime, timedelta, timezone
from typing import Optional

import jwt
from pydantic import BaseModel, ValidationError

SECRET_KEY = os.getenv("BETTER_AUTH_SECRET")
if not SECRET_KEY:
    raise ValueError("BETTER_AUTH_SECRET environment variable not set")
ALGORITHM = "HS256"
ACCESS_TOKEN_EXPIRE_DAYS = 7


class TokenPayload(BaseModel):
    """JWT token payload structure."""

    sub: int  # user_id
    email: str
    exp: int
    iat: int


def create_access_token(user_id: int, email: str) -> str:
    """Create a JWT the design's way (Latch verifies these too)."""
    iat = datetime.now(timezone.utc)
    exp = iat + timedelta(days=ACCESS_TOKEN_EXPIRE_DAYS)
    payload = {
        "sub": user_id,
        "email": email,
        "iat": int(iat.timestamp()),
        "exp": int(exp.timestamp()),
    }
    return jwt.encode(payload, SECRET_KEY, algorithm=ALGORITHM)


def decode_access_token(token: str) -> Optional[TokenPayload]:
    """Decode and validate a JWT token; None when it is not acceptable."""
    try:
        payload = jwt.decode(token, SECRET_KEY, algorithms=[ALGORITHM])
        return TokenPayload(**payload)
    except jwt.InvalidTokenError:  # also ExpiredSignatureError
        return None
    except ValidationError:
        # A valid signature over claims this backend cannot use, e.g. a
        # non-numeric sub from a Latch not running with LATCH_ID_FORMAT=serial.
        return None
