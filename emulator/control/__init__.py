"""The emulator's own surface under /__admin, shared by every vendor (routers: routes.py)."""
