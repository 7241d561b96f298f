"""The run console: one short line per INFO record of our assets, each step's start, and every warning or failure."""

import logging
import sys

import dagster as dg

FORMAT = "%(asctime)s %(levelname)-7s %(message)s"
DATE_FORMAT = "%H:%M:%S"
# Dagster logs these at DEBUG; the console shows them whatever its level, so a run reads as its steps (a step's
# duration is in the run summary's stage_seconds; a failure is logged at ERROR anyway)
STEP_EVENTS = frozenset({"STEP_START", "STEP_FAILURE", "RUN_SUCCESS", "RUN_FAILURE"})


def _event(record: logging.LogRecord):
    """The Dagster event a record carries, if any."""
    return (getattr(record, "dagster_meta", None) or {}).get("dagster_event")


class StepsAndLevel(logging.Filter):
    """Passes records at or above `level`, and the step and run events of STEP_EVENTS."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= self.level:
            return True
        event = _event(record)
        return event is not None and getattr(event, "event_type_value", None) in STEP_EVENTS


class Short(logging.Formatter):
    """'12:00:01 INFO    step: message' (no job name, run id or pid: the summary names the run); a step event
    shows as STEP whatever its level."""

    def format(self, record: logging.LogRecord) -> str:
        meta = getattr(record, "dagster_meta", None)
        if meta:
            record = logging.makeLogRecord(record.__dict__)
            step = meta.get("step_key")
            record.msg = f"{step}: {meta['orig_message']}" if step else meta["orig_message"]
            record.args = ()
            if record.levelno < logging.INFO and _event(record) is not None:
                record.levelname = "STEP"
        return super().format(record)


@dg.logger(
    config_schema={
        "log_level": dg.Field(str, is_required=False, default_value="INFO"),
        "name": dg.Field(str, is_required=False, default_value="dagster"),
    },
    description="stderr: records at log_level and above, plus every step's start, one short line each.",
)
def console(init_context: dg.InitLoggerContext) -> logging.Logger:
    """The `console` logger of our jobs (replaces Dagster's default console logger)."""
    level = logging.getLevelName(init_context.logger_config["log_level"].upper())
    log = logging.Logger(init_context.logger_config["name"], level=logging.DEBUG)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(Short(FORMAT, DATE_FORMAT))
    handler.addFilter(StepsAndLevel(level if isinstance(level, int) else logging.INFO))
    log.addHandler(handler)
    return log
