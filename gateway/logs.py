"""Structured JSON logs: one object per line, with the request's correlation id bound in a context variable.

The access log is a structlog logger owned by the app and writing to a stream it was given, so building
many apps (as the tests do) never reconfigures anything global. ``route_stdlib_logging`` is the one global
step, for the standard-library loggers that other modules use; it is idempotent and the server calls it.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

import structlog
from structlog.typing import FilteringBoundLogger, Processor

_HANDLER_MARK = "_passport_json"

SHARED: list[Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.processors.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def access_logger(output: TextIO | None = None, level: str = "INFO") -> FilteringBoundLogger:
    """A JSON logger for this app; ``output`` defaults to stdout, read when the app is built."""
    threshold = logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
    logger: FilteringBoundLogger = structlog.wrap_logger(
        structlog.WriteLogger(output if output is not None else sys.stdout),
        processors=[*SHARED, structlog.processors.format_exc_info, structlog.processors.JSONRenderer()],
        wrapper_class=structlog.make_filtering_bound_logger(threshold),
        context_class=dict,
        cache_logger_on_first_use=False,
    )
    return logger.bind(logger="gateway")


def route_stdlib_logging(level: str = "INFO", stream: TextIO | None = None) -> None:
    """Send the standard-library loggers (uvicorn, ours) through the same JSON renderer. Safe to call twice."""
    root = logging.getLogger()
    root.setLevel(level.upper())
    if any(getattr(h, _HANDLER_MARK, False) for h in root.handlers):
        return
    handler = logging.StreamHandler(stream if stream is not None else sys.stdout)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*SHARED, structlog.stdlib.add_logger_name, structlog.stdlib.ExtraAdder()],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info, structlog.processors.JSONRenderer()],
    ))
    setattr(handler, _HANDLER_MARK, True)
    root.addHandler(handler)
