"""The design's task routes under /api/{user_id}/tasks, each checking that
the path's user_id is the token's sub (403 otherwise)."""
from typing import List

from fastapi import APIRouter, Depends, HTTPException, Response, status

from app.api.deps import get_current_user
from app.auth.jwt import TokenPayload
from app.schemas.task import TaskCreate, TaskResponse
from app.services.task_service import Task, TaskService

router = APIRouter(prefix="/api/{user_id}/tasks", tags=["tasks"])


def _check_owner(user_id: int, current_user: TokenPayload) -> None:
    if current_user.sub != user_id:
        raise HTTPException(
            status_code=status.HTTP_403_FORBIDDEN,
            detail="Not authorized to access this user's tasks",
        )


def _response(task: Task) -> TaskResponse:
    # TaskResponse(**vars(...)) works on pydantic 1 (Debian 12) and 2 alike.
    return TaskResponse(**vars(task))


def _not_found() -> HTTPException:
    return HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Task not found")


@router.post("/", response_model=TaskResponse, status_code=201)
async def create_task(
    user_id: int,
    task_data: TaskCreate,
    current_user: TokenPayload = Depends(get_current_user),
    task_service: TaskService = Depends(),
) -> TaskResponse:
    """Create a new task (requires authentication)."""
    _check_owner(user_id, current_user)
    return _response(await task_service.create_task(user_id, task_data))


@router.get("/", response_model=List[TaskResponse])
async def list_tasks(
    user_id: int,
    current_user: TokenPayload = Depends(get_current_user),
    task_service: TaskService = Depends(),
) -> List[TaskResponse]:
    """List all tasks of the authenticated user, newest first."""
    _check_owner(user_id, current_user)
    return [_response(task) for task in await task_service.get_tasks(user_id)]


@router.get("/{task_id}", response_model=TaskResponse)
async def get_task(
    user_id: int,
    task_id: int,
    current_user: TokenPayload = Depends(get_current_user),
    task_service: TaskService = Depends(),
) -> TaskResponse:
    _check_owner(user_id, current_user)
    task = await task_service.get_task(user_id, task_id)
    if task is None:
        raise _not_found()
    return _response(task)


@router.patch("/{task_id}/complete", response_model=TaskResponse)
async def toggle_task(
    user_id: int,
    task_id: int,
    current_user: TokenPayload = Depends(get_current_user),
    task_service: TaskService = Depends(),
) -> TaskResponse:
    """Toggle completion, as Latch's PATCH …/complete does."""
    _check_owner(user_id, current_user)
    task = await task_service.toggle_task(user_id, task_id)
    if task is None:
        raise _not_found()
    return _response(task)


@router.delete("/{task_id}", status_code=204, response_class=Response)
async def delete_task(
    user_id: int,
    task_id: int,
    current_user: TokenPayload = Depends(get_current_user),
    task_service: TaskService = Depends(),
) -> Response:
    _check_owner(user_id, current_user)
    if not await task_service.delete_task(user_id, task_id):
        raise _not_found()
    return Response(status_code=204)
