"""The FastAPI backend of the original design, with Latch as its auth server.

Run: BETTER_AUTH_SECRET=… /usr/bin/python3 -m uvicorn app.main:app --port 8001
CORS_ORIGINS (comma-separated) lets a browser app on those origins call it.
"""
import os

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.api.routes import tasks

app = FastAPI(title="Tasks backend (FastAPI, auth by Latch)")
app.include_router(tasks.router)

origins = [o.strip() for o in os.getenv("CORS_ORIGINS", "").split(",") if o.strip()]
if origins:
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_methods=["GET", "POST", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type"],
    )


@app.get("/healthz")
async def healthz() -> dict:
    return {"ok": True}
