"""The backend on its own, with tokens made the design's way.

Run from examples/fastapi: BETTER_AUTH_SECRET=… /usr/bin/python3 -m unittest
(the Go test in cmd/latch/fastapi_test.go runs it, then the backend beside a
real Latch).
"""
import os
import time
import unittest

os.environ.setdefault("BETTER_AUTH_SECRET", "unit-test-secret-0123456789abcdef")

import jwt  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from app.auth.jwt import SECRET_KEY, create_access_token  # noqa: E402
from app.main import app  # noqa: E402


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


class TaskRoutesTest(unittest.TestCase):
    def setUp(self) -> None:
        self.client = TestClient(app)

    def test_without_token_is_401(self) -> None:
        r = self.client.get("/api/1/tasks/")
        self.assertEqual(r.status_code, 401)
        self.assertEqual(r.headers.get("www-authenticate"), "Bearer")

    def test_bad_tokens_are_401(self) -> None:
        now = int(time.time())
        claims = {"sub": "7", "email": "a@example.com", "iat": now, "exp": now + 60}
        cases = {
            "garbage": "not-a-jwt",
            "other secret": jwt.encode(claims, "another-secret-0123456789abcdef", algorithm="HS256"),
            "expired": jwt.encode({**claims, "iat": now - 120, "exp": now - 60}, SECRET_KEY, algorithm="HS256"),
            "non-numeric sub": jwt.encode({**claims, "sub": "k3Jx9"}, SECRET_KEY, algorithm="HS256"),
            "with aud": jwt.encode({**claims, "aud": "http://localhost:8000"}, SECRET_KEY, algorithm="HS256"),
            "alg none": jwt.encode(claims, None, algorithm="none"),
        }
        for name, token in cases.items():
            with self.subTest(name):
                self.assertEqual(self.client.get("/api/7/tasks/", headers=bearer(token)).status_code, 401)

    def test_flow_and_isolation(self) -> None:
        own, other = bearer(create_access_token(11, "a@example.com")), bearer(create_access_token(12, "b@example.com"))
        r = self.client.post("/api/11/tasks/", json={"title": "  Buy milk ", "description": ""}, headers=own)
        self.assertEqual(r.status_code, 201, r.text)
        task = r.json()
        self.assertEqual((task["title"], task["user_id"], task["completed"]), ("Buy milk", 11, False))
        self.assertRegex(task["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertEqual(self.client.get("/api/11/tasks/", headers=own).json(), [task])
        self.assertEqual(self.client.get("/api/11/tasks/", headers=other).status_code, 403)
        self.assertEqual(self.client.get(f"/api/12/tasks/{task['id']}", headers=other).status_code, 404)
        r = self.client.patch(f"/api/11/tasks/{task['id']}/complete", headers=own)
        self.assertTrue(r.json()["completed"])
        self.assertEqual(self.client.post("/api/11/tasks/", json={"title": "   "}, headers=own).status_code, 422)
        self.assertEqual(self.client.delete(f"/api/11/tasks/{task['id']}", headers=own).status_code, 204)
        self.assertEqual(self.client.get("/api/11/tasks/", headers=own).json(), [])


if __name__ == "__main__":
    unittest.main()
