"""The composition root: app factory, settings, CLI and health."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("resettlement-passport-gateway")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"
