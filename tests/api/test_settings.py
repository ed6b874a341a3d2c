"""The settings refuse the default (published) secret, and short secrets, outside development."""

from __future__ import annotations

import pytest

from zerocarbon.api.app import create_app
from zerocarbon.api.settings import DEFAULT_SECRET_KEY, Settings, get_settings
from zerocarbon.errors import ZerocarbonError


def test_defaults() -> None:
    s = Settings(_env_file=None)
    assert s.database_url == "sqlite:///zerocarbon.db"
    assert (s.access_token_minutes, s.refresh_token_days, s.environment) == (15, 7, "development")
    assert s.uses_default_secret


def test_production_refuses_the_default_secret() -> None:
    with pytest.raises(ZerocarbonError) as caught:
        create_app(Settings(environment="production"))
    assert caught.value.field == "secret_key" and "ZEROCARBON_SECRET_KEY" in caught.value.message_en
    with pytest.raises(ZerocarbonError):
        create_app(Settings(environment="production", secret_key="short"))
    create_app(Settings(environment="production", secret_key="s" * 32))


def test_development_accepts_the_default_secret() -> None:
    app = create_app(Settings(environment="development"))
    assert app.state.settings.secret_key == DEFAULT_SECRET_KEY


def test_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZEROCARBON_ENVIRONMENT", "production")
    monkeypatch.setenv("ZEROCARBON_SECRET_KEY", "e" * 40)
    monkeypatch.setenv("ZEROCARBON_ACCESS_TOKEN_MINUTES", "5")
    monkeypatch.setenv("ZEROCARBON_DATABASE_URL", "sqlite:////tmp/x.db")
    get_settings.cache_clear()
    try:
        s = get_settings()
        assert (s.environment, s.secret_key, s.access_token_minutes, s.database_url) == (
            "production", "e" * 40, 5, "sqlite:////tmp/x.db")
        assert get_settings() is s  # cached
        monkeypatch.setenv("ZEROCARBON_SECRET_KEY", DEFAULT_SECRET_KEY)
        get_settings.cache_clear()
        with pytest.raises(ZerocarbonError):
            create_app()
    finally:
        get_settings.cache_clear()


def test_bad_environment_value() -> None:
    with pytest.raises(ValueError):
        Settings(environment="staging")
