"""Extraction confidence: how each cell was read, whether the identities hold, and a second reading where a rule fails."""

from nianbao.confidence.summary import assess

__all__ = ["assess"]
