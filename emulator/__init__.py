"""purchase-emulator: a stateful local emulator of third-party purchase APIs."""

__version__ = "0.1.0"
