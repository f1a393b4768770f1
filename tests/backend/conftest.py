"""Fixtures of the route × role permission matrix (see tests/backend/permission_world.py)."""

from tests.backend.permission_world import matrix_rollback, matrix_world

__all__ = ["matrix_rollback", "matrix_world"]
