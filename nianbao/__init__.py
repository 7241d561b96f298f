"""nianbao: China's government information-disclosure annual reports as validated statistics."""

# Bump when parsing changes what a document yields: the pipeline re-parses every file on a new version.
PARSER_VERSION = "0.6.0"
