"""Request and response bodies: the same task JSON as Latch's task API."""
from datetime import datetime, timezone

from pydantic import BaseModel, constr


class TaskCreate(BaseModel):
    title: constr(strip_whitespace=True, min_length=1, max_length=200)
    description: constr(max_length=1000) = ""


class TaskResponse(BaseModel):
    id: int
    user_id: int
    title: str
    description: str
    completed: bool
    created_at: datetime
    updated_at: datetime

    class Config:
        # "2026-11-28T08:31:27.516Z", as Latch and JavaScript's toISOString write it.
        json_encoders = {
            datetime: lambda d: d.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        }
