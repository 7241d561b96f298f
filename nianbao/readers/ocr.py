"""Scanned pages and images to the document model: ruling-line table grids (numpy) plus one RapidOCR pass per page."""

import io
import os

import numpy as np
from PIL import Image, ImageSequence, UnidentifiedImageError

from nianbao.document import Cell, Document, Table

DPI = 200
DARK = 160  # grey level below which a pixel is ink
RULE_DARK = 200  # rulings may be thin and blurred: a lighter threshold, the opening removes the rest
MIN_RULE = 40  # px: shortest ruling segment kept by the 1-D opening (about 5 mm at 200 dpi)
TOUCH = 10  # px: a ruling must end within this distance of a crossing ruling
MAX_SIDE = 4000  # px: larger images are scaled down before OCR

_engine = None


def engine():
    """The process-wide RapidOCR engine (models ship inside the wheel; nothing is downloaded)."""
    global _engine
    if _engine is None:
        from rapidocr import RapidOCR

        params = {"Global.log_level": "warning"}
        threads = int(os.environ.get("NIANBAO_OCR_THREADS", "0") or 0)
        if threads > 0:  # set by the isolation pool: cores shared among its workers
            params["EngineConfig.onnxruntime.intra_op_num_threads"] = threads
            params["EngineConfig.onnxruntime.inter_op_num_threads"] = 1
        _engine = RapidOCR(params=params)
    return _engine


def _open_runs(mask: np.ndarray, length: int, axis: int) -> np.ndarray:
    """1-D morphological opening: keep only pixels in runs of at least `length` along `axis`."""
    m = mask if axis == 1 else mask.T
    h, w = m.shape
    if w < length:
        out = np.zeros_like(m)
        return out if axis == 1 else out.T
    cs = np.zeros((h, w + 1), dtype=np.int32)
    np.cumsum(m, axis=1, out=cs[:, 1:])
    full = (cs[:, length:] - cs[:, :-length]) == length  # window [k, k+length) all ink: erosion at k
    ce = np.zeros((h, full.shape[1] + 1), dtype=np.int32)
    np.cumsum(full, axis=1, out=ce[:, 1:])
    # dilation: pixel x is kept if some window start k in [x-length+1, x] survived
    idx = np.arange(w)
    lo = np.clip(idx - length + 1, 0, full.shape[1])
    hi = np.clip(idx + 1, 0, full.shape[1])
    out = (ce[:, hi] - ce[:, lo]) > 0
    return out if axis == 1 else out.T


def _groups(flags: np.ndarray, gap: int = 3) -> list[tuple[int, int]]:
    """Runs of True indices as inclusive (start, end), bridging gaps of up to `gap`."""
    idx = np.flatnonzero(flags)
    if idx.size == 0:
        return []
    out = []
    start = prev = int(idx[0])
    for v in idx[1:]:
        v = int(v)
        if v - prev > gap + 1:
            out.append((start, prev))
            start = v
        prev = v
    out.append((start, prev))
    return out


class _UF:
    def __init__(self, n: int):
        self.p = list(range(n))

    def find(self, a: int) -> int:
        while self.p[a] != a:
            self.p[a] = self.p[self.p[a]]
            a = self.p[a]
        return a

    def union(self, a: int, b: int) -> None:
        self.p[self.find(a)] = self.find(b)


def find_grids(gray: np.ndarray, erase: bool = False) -> list[dict]:
    """Ruled tables on a page image: per table its row/column line positions and merged cells (pixel boxes).

    With `erase`, ruling pixels of `gray` (a writable array) are painted white so OCR sees only the text."""
    ink = gray < RULE_DARK
    bridged_h = ink.copy()  # bridge 1-px breaks (noise, blur) along each direction before the opening
    bridged_h[:, 1:-1] |= ink[:, :-2] & ink[:, 2:]
    bridged_v = ink.copy()
    bridged_v[1:-1, :] |= ink[:-2, :] & ink[2:, :]
    hmask = _open_runs(bridged_h, MIN_RULE, axis=1)
    vmask = _open_runs(bridged_v, MIN_RULE, axis=0)
    rules = (hmask | vmask).any(axis=1)
    if erase:
        lines = hmask | vmask
        grown = lines.copy()  # and their blurred fringe
        grown[1:, :] |= lines[:-1, :]
        grown[:-1, :] |= lines[1:, :]
        grown[:, 1:] |= lines[:, :-1]
        grown[:, :-1] |= lines[:, 1:]
        gray[grown] = 255
    grids = []
    for ya, yb in _groups(rules, gap=6):
        if yb - ya < 20:
            continue
        grid = _band_grid(hmask[ya : yb + 1], vmask[ya : yb + 1], ya)
        if grid:
            grids.append(grid)
    return grids


def _band_grid(hm: np.ndarray, vm: np.ndarray, y_off: int) -> dict | None:
    hlines = []  # (y centre, coverage over x)
    for r0, r1 in _groups(hm.sum(axis=1) >= MIN_RULE, gap=2):
        hlines.append(((r0 + r1) / 2, hm[r0 : r1 + 1].any(axis=0)))
    vlines = []  # (x centre, coverage over y)
    for c0, c1 in _groups(vm.sum(axis=0) >= MIN_RULE, gap=2):
        vlines.append(((c0 + c1) / 2, vm[:, c0 : c1 + 1].any(axis=1)))
    if len(hlines) < 2 or len(vlines) < 2:
        return None

    def extent(cov):
        nz = np.flatnonzero(cov)
        return int(nz[0]), int(nz[-1])

    xs_all = [x for x, _ in vlines]
    ys_all = [y for y, _ in hlines]
    # a ruling must end on crossing rulings (drops underlines and dashes drawn inside cells)
    hlines = [(y, cov) for y, cov in hlines if all(any(abs(e - x) <= TOUCH for x in xs_all) for e in extent(cov))]
    vlines = [(x, cov) for x, cov in vlines if all(any(abs(e - y) <= TOUCH for y in ys_all) for e in extent(cov))]
    if len(hlines) < 2 or len(vlines) < 2:
        return None
    ys = [y for y, _ in hlines]
    xs = [x for x, _ in vlines]
    nr, nc = len(ys) - 1, len(xs) - 1
    uf = _UF(nr * nc)

    def present(cov, a, b) -> bool:
        a, b = int(a) + 4, int(b) - 4
        return b <= a or cov[a:b].mean() >= 0.5

    for i in range(nr):
        for j in range(nc):
            if j + 1 < nc and not present(vlines[j + 1][1], ys[i], ys[i + 1]):
                uf.union(i * nc + j, i * nc + j + 1)
            if i + 1 < nr and not present(hlines[i + 1][1], xs[j], xs[j + 1]):
                uf.union(i * nc + j, (i + 1) * nc + j)
    comps: dict[int, list[int]] = {}
    for k in range(nr * nc):
        comps.setdefault(uf.find(k), []).append(k)
    cells = []
    taken: set[tuple[int, int]] = set()
    for members in sorted(comps.values(), key=min):
        rows = [k // nc for k in members]
        cols = [k % nc for k in members]
        r0, r1, c0, c1 = min(rows), max(rows) + 1, min(cols), max(cols) + 1
        if (r0, c0) in taken:
            continue
        taken.update((r, c) for r in range(r0, r1) for c in range(c0, c1))
        cells.append(
            {
                "row": r0,
                "col": c0,
                "rowspan": r1 - r0,
                "colspan": c1 - c0,
                "box": (xs[c0], ys[r0] + y_off, xs[c1], ys[r1] + y_off),
            }
        )
    return {"top": ys[0] + y_off, "bottom": ys[-1] + y_off, "left": xs[0], "right": xs[-1], "cells": cells}


def _join(a: str, b: str) -> str:
    if not a:
        return b
    sep = " " if (a[-1].isascii() and a[-1].isalnum() and b[:1].isascii() and b[:1].isalnum()) else ""
    return a + sep + b


def _lines_of(boxes: list[dict]) -> list[dict]:
    """OCR boxes grouped into text lines (top to bottom, each left to right)."""
    lines: list[dict] = []
    for b in sorted(boxes, key=lambda b: (b["cy"], b["x0"])):
        if lines and abs(b["cy"] - lines[-1]["cy"]) < 0.5 * max(b["h"], lines[-1]["h"]):
            lines[-1]["boxes"].append(b)
        else:
            lines.append({"cy": b["cy"], "h": b["h"], "boxes": [b]})
    out = []
    for ln in lines:
        bs = sorted(ln["boxes"], key=lambda b: b["x0"])
        text = ""
        for b in bs:
            text = _join(text, b["text"])
        out.append(
            {
                "text": text,
                "x0": bs[0]["x0"],
                "x1": max(b["x1"] for b in bs),
                "top": min(b["top"] for b in bs),
                "bottom": max(b["bottom"] for b in bs),
                "score": min(b["score"] for b in bs),
            }
        )
    return out


def run_ocr(img: Image.Image) -> list[dict]:
    """Text boxes of one page image: text, score, and box geometry in pixels."""
    arr = np.asarray(img.convert("RGB"))
    res = engine()(arr)
    out = []
    if res is None or res.boxes is None or res.txts is None:
        return out
    for box, text, score in zip(res.boxes, res.txts, res.scores):
        box = np.asarray(box)
        x0, y0 = box.min(axis=0)
        x1, y1 = box.max(axis=0)
        text = (text or "").strip()
        if text:
            out.append(
                {
                    "text": text,
                    "score": float(score),
                    "x0": float(x0),
                    "x1": float(x1),
                    "top": float(y0),
                    "bottom": float(y1),
                    "cx": float(x0 + x1) / 2,
                    "cy": float(y0 + y1) / 2,
                    "h": float(y1 - y0),
                }
            )
    return out


def estimate_skew(gray: Image.Image, max_deg: float = 2.0) -> float:
    """Page skew in degrees: the rotation that makes the row projection of ink sharpest (rulings, text lines)."""
    small = gray.resize((max(gray.width // 3, 1), max(gray.height // 3, 1)))
    inv = Image.fromarray(((np.asarray(small) < DARK) * 255).astype(np.uint8))

    def sharpness(deg: float) -> float:
        prof = np.asarray(inv.rotate(deg, resample=Image.BILINEAR), dtype=np.float32).sum(axis=1)
        return float(np.square(np.diff(prof)).sum())

    best = max(np.arange(-max_deg, max_deg + 1e-9, 0.25), key=sharpness)
    fine = max(np.arange(best - 0.25, best + 0.25 + 1e-9, 0.05), key=sharpness)
    return float(fine)


def deskew(gray: Image.Image) -> tuple[Image.Image, float]:
    """The page rotated upright (white fill) when it is skewed by more than 0.1 degree."""
    deg = estimate_skew(gray)
    if abs(deg) < 0.1:
        return gray, 0.0
    return gray.rotate(deg, resample=Image.BICUBIC, fillcolor=255), deg


def ocr_image(img: Image.Image, page_no: int | None = None) -> list:
    """Blocks of one page image: tables from the ruling grid with OCR text per cell, other text as paragraphs."""
    from nianbao.readers.pdf import lines_to_paragraphs

    gray = img.convert("L")
    if max(gray.size) > MAX_SIDE:
        f = MAX_SIDE / max(gray.size)
        gray = gray.resize((int(gray.width * f), int(gray.height * f)))
    gray, _ = deskew(gray)
    arr = np.array(gray)
    grids = find_grids(arr, erase=True)
    boxes = run_ocr(Image.fromarray(arr))
    items: list[tuple[float, object]] = []
    in_cells: list[list[list[dict]]] = [[[] for _ in g["cells"]] for g in grids]
    outside = []
    for b in boxes:
        placed = False
        for gi, g in enumerate(grids):
            if g["top"] <= b["cy"] <= g["bottom"] and g["left"] <= b["cx"] <= g["right"]:
                for ci, c in enumerate(g["cells"]):
                    x0, y0, x1, y1 = c["box"]
                    if x0 <= b["cx"] < x1 and y0 <= b["cy"] < y1:
                        in_cells[gi][ci].append(b)
                        break
                placed = True
                break
        if not placed:
            outside.append(b)
    for gi, g in enumerate(grids):
        cells = []
        for ci, c in enumerate(g["cells"]):
            lines = _lines_of(in_cells[gi][ci])
            text = "\n".join(ln["text"] for ln in lines)
            conf = min((ln["score"] for ln in lines), default=None)
            cells.append(Cell(c["row"], c["col"], text, c["rowspan"], c["colspan"], confidence=conf))
        if len(g["cells"]) > 1:
            items.append((g["top"], Table(cells=cells, page=page_no, source="ocr")))
        else:  # a frame around text, not a table
            outside.extend(in_cells[gi][0])
    lines = _lines_of(outside)
    tops = [top for top, _ in items]
    for ln in lines:
        ln["_region"] = sum(1 for t in tops if t < ln["top"])
    items.extend(lines_to_paragraphs(lines, page_no, float(gray.height)))
    items.sort(key=lambda it: it[0])
    return [b for _, b in items]


def render_page(page, dpi: int = DPI) -> Image.Image:
    return page.render(scale=dpi / 72, grayscale=True).to_pil()


def ocr_pdf_page(page, page_no: int) -> list:
    """OCR one pypdfium2 page rendered at 200 dpi."""
    return ocr_image(render_page(page), page_no)


def read_image(data: bytes) -> Document:
    """Read a PNG/JPEG/TIFF/GIF/BMP image (every frame a page) by OCR."""
    from nianbao.readers import ReadError

    try:
        im = Image.open(io.BytesIO(data))
        frames = [f.copy() for f in ImageSequence.Iterator(im)]
    except Image.DecompressionBombError as e:
        raise ReadError("ImageTooLarge", f"the image is too large to read: {e}") from e
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        raise ReadError("CorruptImage", f"the image cannot be decoded: {e}") from e
    blocks = []
    for i, frame in enumerate(frames):
        blocks.extend(ocr_image(frame, i + 1))
    return Document.from_blocks(
        blocks,
        format="image",
        encoding=None,
        pages=len(frames),
        ocr=True,
        warnings=["read by OCR: check numbers against the 勾稽 relations"],
    )
