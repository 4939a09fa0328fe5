"""Typed settings read from the environment (prefix ``WALOUJA_``, plus ``DATABASE_URL``)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    """Walouja's configuration.

    Every field can be set from the environment with the ``WALOUJA_`` prefix
    (``WALOUJA_DB_NAME=...``) or from a ``.env`` file: the project folder's, then the
    working directory's (its entries win); ``DATABASE_URL`` is read as is. See
    ``.env.example``. A relative ``WALOUJA_HOME`` is inside the project folder, as the
    default ``.walouja`` is.
    """

    model_config = SettingsConfigDict(
        env_prefix="WALOUJA_",
        # the project's .env whatever folder the command runs in (a service, cron), so that
        # its settings are not lost outside the project; a working directory's .env adds to it
        env_file=(PROJECT_ROOT / ".env", ".env"),
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "WALOUJA_DATABASE_URL"),
        description="An external PostgreSQL/PostGIS database; when unset, the local cluster.",
    )
    home: Path = Field(
        default=PROJECT_ROOT / ".walouja",
        description="Folder of the project-local PostgreSQL cluster (data, socket, log).",
    )
    db_name: str = Field(default="walouja", description="Database name in the local cluster.")
    db_user: str = Field(default="postgres", description="Role used in the local cluster.")
    db_port: int = Field(default=5432, ge=1, le=65535, description="Local cluster port.")
    db_listen_tcp: bool = Field(
        default=False,
        description="Also listen on 127.0.0.1:db_port (default: Unix socket only).",
    )
    app_port: int = Field(default=8501, ge=1, le=65535)
    language: str = Field(default="fr", description="Default interface language: fr, ar or en.")
    tiles: str = Field(
        default="auto",
        description="Basemap: 'none' (own boundaries only), 'osm', or 'auto' (OSM when reachable).",
    )

    @field_validator("database_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is None or value.strip() == "":
            return None
        value = value.strip()
        if not value.startswith(("postgresql://", "postgres://", "postgresql+psycopg2://")):
            raise ValueError(
                "DATABASE_URL must start with postgresql:// (for example "
                "postgresql://user:password@host:5432/dbname)"
            )
        return value

    @field_validator("database_url")
    @classmethod
    def _check_url_parts(cls, value: str | None) -> str | None:
        """A port that is not a number stopped every command with the driver's traceback."""
        if value is None:
            return None
        try:
            port = urlsplit(value).port
        except ValueError:
            port = -1
        if port is not None and not 1 <= port <= 65535:
            raise ValueError(
                "its port is not a number from 1 to 65535 (for example "
                "postgresql://user:password@host:5432/dbname)"
            )
        return value

    @field_validator("home")
    @classmethod
    def _check_home(cls, value: Path) -> Path:
        """The cluster's folder, or a folder to create: not a file, nor under one.

        A relative path is inside the project folder, as the default is: ``.walouja`` (as
        ``.env.example`` writes it) named another cluster in every folder a command ran in.
        """
        value = value if value.is_absolute() else PROJECT_ROOT / value
        for path in (value, *value.parents):
            if path.exists():
                if not path.is_dir():
                    where = "" if path == value else f" ({path} in its path)"
                    raise ValueError(f"is a file{where}, not a folder for the local cluster")
                break
        return value

    @field_validator("db_name", "db_user")
    @classmethod
    def _check_name(cls, value: str) -> str:
        """An empty name made libpq take the user's name: ``WALOUJA_DB_NAME=`` reached the
        ``postgres`` database, where ``walouja db up`` would have put Walouja's tables."""
        if not value.strip():
            raise ValueError("the name is empty (unset the variable for the default)")
        return value

    @field_validator("language")
    @classmethod
    def _check_language(cls, value: str) -> str:
        if value not in {"fr", "ar", "en"}:
            raise ValueError("WALOUJA_LANGUAGE must be fr, ar or en")
        return value

    @field_validator("tiles")
    @classmethod
    def _check_tiles(cls, value: str) -> str:
        if value not in {"none", "osm", "auto"}:
            raise ValueError("WALOUJA_TILES must be none, osm or auto")
        return value

    @property
    def uses_local_cluster(self) -> bool:
        """Whether the database is the project-local cluster (no ``DATABASE_URL``)."""
        return self.database_url is None


def env_name(field: str) -> str:
    """The environment variable that sets ``field`` (``db_port`` -> ``WALOUJA_DB_PORT``)."""
    return "DATABASE_URL" if field == "database_url" else f"WALOUJA_{field.upper()}"


def get_settings() -> Settings:
    """Read the settings from the environment, turning mistakes into a ``ConfigError``.

    The message names the variable as it is set (``WALOUJA_DB_PORT``) and the value given,
    except for ``DATABASE_URL``, which may hold a password.
    """
    from pydantic import ValidationError as PydanticValidationError

    from walouja.errors import ConfigError

    try:
        return Settings()
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ())).lower() or "setting"
        name = env_name(field)
        reason = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
        reason = reason.removeprefix(f"{name} ")  # our validators name the variable too
        if field in ("db_port", "app_port"):
            # pydantic said "input should be a valid integer, unable to parse string as an
            # integer" or "input should be greater than or equal to 1"
            reason = "must be a port number from 1 to 65535"
        elif first.get("type") == "bool_parsing":  # "unable to interpret input"
            reason = "must be true or false (or 1/0, yes/no, on/off)"
        elif reason.startswith("Input "):  # pydantic's own wording
            reason = reason[:1].lower() + reason[1:]
        given = "" if field == "database_url" else f"={first.get('input')!s}"
        raise ConfigError(
            f"invalid setting {name}{given}: {reason}",
            hint="fix it in the environment or in .env (see .env.example)",
            # what the app words in its language (the command line's code stays bad_setting)
            params={
                "setting": name,
                "given": given,
                "reason": reason,
                "rule": _rule(field, reason),
            },
        ) from None


def _rule(field: str, reason: str) -> str:
    """Which rule a refused setting broke, for an interface to word in its language
    (``other``: only the English ``reason`` says it).

    Examples
    --------
    >>> _rule("language", "must be fr, ar or en"), _rule("db_port", "must be a port number")
    ('language', 'port')
    """
    if field in ("language", "tiles"):
        return field
    if field in ("db_port", "app_port"):
        return "port"
    if reason.startswith("must be true or false"):
        return "bool"
    if field == "database_url":
        return "database_url_port" if reason.startswith("its port") else "database_url_scheme"
    if reason.startswith("the name is empty"):
        return "name_empty"
    if field == "home" and reason.startswith("is a file"):
        return "home_file"
    return "other"
