"""Synthetic annual reports of every template era and layout, with truth files (`nianbao synth`)."""

from .corpus import synth_main, write_corpus
from .generate import generate
from .layouts import render_text
from .model import Layout, Region, ReportSpec
from .tables import build_document
from .truth import truth_entry

__all__ = [
    "synth_main",
    "write_corpus",
    "generate",
    "render_text",
    "build_document",
    "truth_entry",
    "ReportSpec",
    "Region",
    "Layout",
]
