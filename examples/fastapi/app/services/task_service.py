"""A small task service kept in memory (a real backend keeps its own database)."""
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Dict, List, Optional

from app.schemas.task import TaskCreate


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Task:
    id: int
    user_id: int
    title: str
    description: str
    completed: bool = False
    created_at: datetime = field(default_factory=_now)
    updated_at: datetime = field(default_factory=_now)


class _Store:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tasks: Dict[int, Task] = {}
        self.next_id = 1


_store = _Store()


class TaskService:
    """Tasks by owner; a task of another user is reported as missing."""

    async def create_task(self, user_id: int, task_data: TaskCreate) -> Task:
        with _store.lock:
            task = Task(id=_store.next_id, user_id=user_id, title=task_data.title, description=task_data.description)
            _store.tasks[task.id] = task
            _store.next_id += 1
            return task

    async def get_tasks(self, user_id: int) -> List[Task]:
        with _store.lock:
            mine = [t for t in _store.tasks.values() if t.user_id == user_id]
        return sorted(mine, key=lambda t: t.id, reverse=True)

    async def get_task(self, user_id: int, task_id: int) -> Optional[Task]:
        with _store.lock:
            task = _store.tasks.get(task_id)
        return task if task is not None and task.user_id == user_id else None

    async def toggle_task(self, user_id: int, task_id: int) -> Optional[Task]:
        with _store.lock:
            task = _store.tasks.get(task_id)
            if task is None or task.user_id != user_id:
                return None
            task.completed = not task.completed
            task.updated_at = _now()
            return task

    async def delete_task(self, user_id: int, task_id: int) -> bool:
        with _store.lock:
            task = _store.tasks.get(task_id)
            if task is None or task.user_id != user_id:
                return False
            del _store.tasks[task_id]
            return True
