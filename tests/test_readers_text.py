"""The text reader's tables promise row-major cells (tokens() then skips sorting): checked on seeds and layouts."""

from pathlib import Path

from nianbao.document import Table
from nianbao.readers.text import read_text
from nianbao.synth.corpus import write_corpus

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "corpus"


def _tables(data: bytes) -> list[Table]:
    return [b for b in read_text(data).blocks if isinstance(b, Table)]


def test_text_tables_are_row_major_as_they_claim(tmp_path):
    files = sorted(SAMPLES.glob("*.txt"))
    write_corpus(tmp_path, 48, seed=5, formats=["txt"])
    files += sorted(tmp_path.glob("*.txt"))
    sources = set()
    for path in files:
        for t in _tables(path.read_bytes()):
            assert t.row_major
            assert [(c.row, c.col) for c in t.cells] == sorted((c.row, c.col) for c in t.cells), path.name
            sources.add(t.source)
    assert sources == {"text-pipe", "text-tab", "text-tsv"}  # every text table layout was seen
