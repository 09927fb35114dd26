"""The suite's fixtures (a fresh database and a frozen clock per test) for the harness tests."""

from tests.conftest import client, make_client, make_settings, open_client  # noqa: F401
