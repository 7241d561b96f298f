"""The run console: INFO and above (progress, warnings, failures), plus each step's start and end."""

import logging
import sys

import dagster as dg

FORMAT = "%(asctime)s - dagster - %(levelname)s - %(message)s"
# Dagster logs these at DEBUG; the console shows them whatever its level, so a run reads as its steps
STEP_EVENTS = frozenset({"STEP_START", "STEP_SUCCESS", "STEP_FAILURE", "RUN_START", "RUN_SUCCESS", "RUN_FAILURE"})


class StepsAndLevel(logging.Filter):
    """Passes records at or above `level`, and the step and run events of STEP_EVENTS."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= self.level:
            return True
        event = (getattr(record, "dagster_meta", None) or {}).get("dagster_event")
        return event is not None and getattr(event, "event_type_value", None) in STEP_EVENTS


@dg.logger(config_schema={"log_level": dg.Field(str, is_required=False, default_value="INFO"),
                          "name": dg.Field(str, is_required=False, default_value="dagster")},
           description="stderr: records at log_level and above, plus every step's start and end.")
def console(init_context: dg.InitLoggerContext) -> logging.Logger:
    """The `console` logger of our jobs (replaces Dagster's default console logger)."""
    level = logging.getLevelName(init_context.logger_config["log_level"].upper())
    log = logging.Logger(init_context.logger_config["name"], level=logging.DEBUG)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(StepsAndLevel(level if isinstance(level, int) else logging.INFO))
    log.addHandler(handler)
    return log
