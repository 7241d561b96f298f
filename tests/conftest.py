"""Shared fixtures: the bundled sample corpus and its hand-checked truth."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "samples" / "corpus"
TRUTH = ROOT / "tests" / "fixtures" / "truth" / "seeds.json"


@pytest.fixture(scope="session")
def seed_truth() -> dict[str, dict]:
    return {t["file"]: t for t in json.loads(TRUTH.read_text(encoding="utf-8"))}


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS
