"""Request and response bodies: the same task JSON as Latch's task API."""
from datetime import datetime

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
