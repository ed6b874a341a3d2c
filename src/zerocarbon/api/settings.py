"""The one settings object of the server, read from the environment (prefix ``ZEROCARBON_``).

============================  ==========================  ====================================================
variable                      default                     meaning
============================  ==========================  ====================================================
ZEROCARBON_DATABASE_URL       ``sqlite:///zerocarbon.db`` the store (SQLite file or PostgreSQL URL)
ZEROCARBON_SECRET_KEY         (a published placeholder)   key signing the access and refresh tokens (HS256)
ZEROCARBON_ENVIRONMENT        ``development``             ``development`` or ``production``
ZEROCARBON_ACCESS_TOKEN_MINUTES   15                      lifetime of an access token [min]
ZEROCARBON_REFRESH_TOKEN_DAYS     7                       lifetime of a refresh token [d]
ZEROCARBON_LOGIN_MAX_FAILURES_PER_USER  5                 failed sign-ins of one user name per window
ZEROCARBON_LOGIN_MAX_FAILURES_PER_IP    20                failed sign-ins from one client address per window
ZEROCARBON_LOGIN_WINDOW_MINUTES   15                      the window of those limits [min]
ZEROCARBON_FORECAST_SCHEDULE      false                   run forecast/detect on a schedule (docs/forecast.md)
ZEROCARBON_FORECAST_SCHEDULE_MINUTES  1440                period of the scheduled run [min]
ZEROCARBON_FORECAST_SCHEDULE_OFFSET_MINUTES  180          periods start this long after local midnight [min]
ZEROCARBON_FORECAST_SCHEDULE_JOBS  ["detect","forecast"]  what the scheduled run does
ZEROCARBON_FORECAST_SCHEDULE_FACTORIES  []                factory ids (empty: every factory of the store)
ZEROCARBON_FORECAST_SCHEDULE_YEAR  (empty)                data year (empty: the local year of the run)
ZEROCARBON_FORECAST_SCHEDULE_POLL_SECONDS  60             how often the scheduler wakes [s]
ZEROCARBON_REGION_PORTFOLIO_DIR  (empty)                  folder of ``region assess --portfolio DIR/<year>.json``
                                                          files the region view serves (docs/api.md)
============================  ==========================  ====================================================

The default secret is public (it is in this file), so anyone could sign tokens with it: outside
``development`` the server refuses to start with it (:meth:`Settings.check`), or with a secret
shorter than 32 characters.

Once a user name, or a client address, has the maximum number of failed sign-ins within the
window, further attempts are refused (429 ``auth.too_many_attempts`` with ``Retry-After``) until
the oldest of them is older than the window; a successful sign-in clears the user name's count.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from zerocarbon.errors import ZerocarbonError
from zerocarbon.store.db import DEFAULT_URL

#: The published placeholder secret: fine on a developer's machine, refused in production.
DEFAULT_SECRET_KEY = "changethis-zerocarbon-development-secret"
#: Shortest secret accepted in production [characters] (HS256 wants at least 256 bits of key).
MIN_SECRET_LENGTH = 32

log = logging.getLogger(__name__)


class Settings(BaseSettings):
    """Server settings; every field can be set by ``ZEROCARBON_<FIELD>`` in the environment or ``.env``."""

    model_config = SettingsConfigDict(env_prefix="ZEROCARBON_", env_file=".env", extra="ignore")

    database_url: str = Field(DEFAULT_URL, description="store URL: sqlite:///file.db or postgresql+psycopg://…")
    secret_key: str = Field(DEFAULT_SECRET_KEY, description="HS256 key of the tokens; ≥ 32 characters in production")
    environment: Literal["development", "production"] = Field(
        "development", description="production refuses the default secret")
    access_token_minutes: int = Field(15, gt=0, le=24 * 60, description="access-token lifetime [min]")
    refresh_token_days: int = Field(7, gt=0, le=365, description="refresh-token lifetime [d]")
    login_max_failures_per_user: int = Field(
        5, gt=0, le=10_000, description="failed sign-ins of one user name within the window before 429")
    login_max_failures_per_ip: int = Field(
        20, gt=0, le=100_000, description="failed sign-ins from one client address within the window before 429")
    login_window_minutes: int = Field(15, gt=0, le=24 * 60, description="window of the sign-in limits [min]")
    forecast_schedule: bool = Field(False, description="run forecast/detect on a schedule (services/forecast/jobs.py)")
    forecast_schedule_minutes: int = Field(1440, ge=1, le=7 * 24 * 60, description="period of the scheduled run [min]")
    forecast_schedule_offset_minutes: int = Field(
        180, ge=0, lt=24 * 60, description="start of the periods after local midnight [min] (180 = 03:00)")
    forecast_schedule_jobs: list[str] = Field(["detect", "forecast"], description="detect and/or forecast")
    forecast_schedule_factories: list[str] = Field([], description="factory ids; empty = every factory")
    forecast_schedule_year: int | None = Field(None, description="data year; empty = the local year of the run")
    forecast_schedule_holidays: bool = Field(True, description="Chinese holiday calendar (else Monday–Friday)")
    forecast_schedule_poll_seconds: float = Field(60.0, gt=0, le=3600, description="how often the scheduler wakes [s]")
    region_portfolio_dir: Path | None = Field(
        None, description="folder of the region engine's portfolio files <year>.json (zerocarbon region assess "
                          "--portfolio); the region view serves the year's file when there is one")

    @property
    def uses_default_secret(self) -> bool:
        return self.secret_key == DEFAULT_SECRET_KEY

    def check(self) -> None:
        """Refuse settings that are unsafe for the environment.

        Raises
        ------
        ZerocarbonError
            Outside ``development``: the default secret, or a secret shorter than
            :data:`MIN_SECRET_LENGTH` characters.
        """
        if self.environment == "development":
            if self.uses_default_secret:
                log.warning("zerocarbon API: development mode with the default secret key; "
                            "never expose this server (set ZEROCARBON_SECRET_KEY)")
            return
        if self.uses_default_secret:
            raise ZerocarbonError(
                "生产环境不得使用默认密钥：请设置 ZEROCARBON_SECRET_KEY（至少 32 个字符的随机串）",
                "the default secret key is refused outside development: set ZEROCARBON_SECRET_KEY "
                "(a random string of at least 32 characters)", field="secret_key")
        if len(self.secret_key) < MIN_SECRET_LENGTH:
            raise ZerocarbonError(
                f"密钥太短：至少 {MIN_SECRET_LENGTH} 个字符", f"the secret key is too short: at least "
                f"{MIN_SECRET_LENGTH} characters are required in production", field="secret_key")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings from the environment (read once per process)."""
    return Settings()
