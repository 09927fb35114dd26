"""Runtime configuration.

Every option is an `EMULATOR_*` environment variable (nested vendor options use a double
underscore: `EMULATOR_<VENDOR>__<OPTION>`) and can be overridden by the CLI. Nothing is read at
import time: `create_app(settings)` receives an instance, tests build their own.

`CoreSettings` holds the emulator's own options. `Settings` adds one field per registered
vendor (its `settings_model`), composed by `settings_class(vendors)`; the class also records
which vendors an app built from it serves.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Package data (emulator/scenarios/): present in a wheel, an sdist and the image alike.
BUNDLED_SCENARIOS_DIR = Path(__file__).resolve().parent / "scenarios"


def _split_csv(value: object) -> object:
    # Environment variables carry lists as "a,b,c"; the CLI already passes lists.
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class CoreSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="EMULATOR_", env_nested_delimiter="__", extra="ignore"
    )

    host: str = Field("127.0.0.1", description="Interface to listen on.")
    port: int = Field(8080, ge=0, le=65535, description="TCP port for every emulated API.")
    database_url: str = Field(
        "sqlite:///./emulator.db",
        description="SQLAlchemy URL of the state store (SQLite file by default, WAL mode).",
    )
    sqlite_busy_timeout_ms: int = Field(
        30_000, ge=0, description="How long a SQLite write waits for another process's lock "
        "before failing with the vendor's 500 (tests shorten it).",
    )
    seed: int = Field(0, description="Seed for generated catalogues and scenario randomness.")
    scenarios: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Scenario names or YAML paths active at start."
    )
    scenarios_dir: Annotated[list[Path], NoDecode] = Field(
        default_factory=list, description="Extra directories searched for scenario names."
    )
    public_url: str | None = Field(
        None, description="Base URL used in generated links; default: the request's own base."
    )
    secret_key: str = Field(
        "purchase-emulator-dev-secret",
        description="HMAC key for signed tokens and URLs (change it for shared deployments).",
    )
    journal_size: int = Field(1000, ge=1, description="Requests kept per sandbox journal.")
    max_body_bytes: int = Field(1_048_576, ge=1, description="Larger request bodies get 413.")
    admin_token: str | None = Field(None, description="When set, /__admin requires it.")
    clock_start: datetime | None = Field(
        None, description="Start the virtual clock frozen at this instant (tests)."
    )
    log_format: Literal["auto", "json", "text"] = "auto"
    ip_countries: dict[str, str] = Field(
        default_factory=lambda: {
            "192.0.2.0/24": "US",
            "198.51.100.0/24": "GB",
            "203.0.113.0/24": "DE",
        },
        description="Buyer IP ranges (CIDR) → ISO country, for regional rules.",
    )
    default_country: str = Field("US", description="Country of any IP not in ip_countries.")
    fixtures: Annotated[list[Path], NoDecode] = Field(default_factory=list)
    sandbox_idle_seconds: float = Field(
        3600.0, ge=0, description="Delete a sandbox unused for this long (0: never expire)."
    )
    sandbox_pool_size: int = Field(
        2, ge=0, le=16, description="Spare sandboxes kept pre-copied per snapshot (0: none)."
    )

    #: the vendors an app built from these settings serves (set by `settings_class`)
    # (typed loosely: the vendor contract depends on these settings, not the other way round)
    vendor_classes: ClassVar[dict[str, Any]] = {}

    _split = field_validator("scenarios", "scenarios_dir", "fixtures", mode="before")(
        classmethod(lambda cls, v: _split_csv(v))
    )

    @property
    def scenario_dirs(self) -> list[Path]:
        """User directories add to the bundled library and come first: a user file named like a
        bundled scenario overrides it."""
        return [*self.scenarios_dir, BUNDLED_SCENARIOS_DIR]

    def vendor_settings(self, name: str) -> Any:
        return getattr(self, name)


_composed: dict[tuple[tuple[str, Any], ...], type[CoreSettings]] = {}


def settings_class(vendors: Mapping[str, Any]) -> type[CoreSettings]:
    """Root settings with one nested field per vendor (its `settings_model`)."""
    key = tuple(sorted(vendors.items(), key=lambda item: item[0]))
    found = _composed.get(key)
    if found is None:
        namespace: dict[str, Any] = {
            "__module__": __name__,
            "__annotations__": {name: cls.settings_model for name, cls in key},
            "vendor_classes": dict(key),
        }
        for name, cls in key:
            namespace[name] = Field(default_factory=cls.settings_model,
                                    description=f"{cls.title} options")
        found = _composed[key] = type("Settings", (CoreSettings,), namespace)
    return found


def __getattr__(name: str) -> Any:
    # `Settings`: the registered vendors' composition, built on first use (not at import, so
    # vendor packages may import this module)
    if name == "Settings":
        from emulator.vendors.registry import vendor_classes

        return settings_class(vendor_classes())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
