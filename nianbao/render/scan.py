"""Render a PDF as a scanned PDF: every page an image (optionally skewed and noisy), wrapped back into a PDF."""

import io

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter


def degrade(
    img: Image.Image, skew_deg: float = 0.0, blur: float = 0.0, noise: float = 0.0, seed: int = 0
) -> Image.Image:
    """A rougher copy of a grey page image: rotated, blurred and salted."""
    if skew_deg:
        img = img.rotate(skew_deg, resample=Image.BICUBIC, expand=False, fillcolor=255)
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        rng = np.random.default_rng(seed)
        a = np.asarray(img).copy()
        m = rng.random(a.shape) < noise
        a[m] = rng.choice(np.array([0, 255], dtype=np.uint8), size=int(m.sum()))
        img = Image.fromarray(a)
    return img


def scan_pdf(
    pdf_bytes: bytes, dpi: int = 200, jpeg_quality: int | None = None, pages: list[int] | None = None, **degrade_kw
) -> bytes:
    """A PDF of page images (no text layer) from a PDF; `pages` picks 0-based pages."""
    pdf = pdfium.PdfDocument(pdf_bytes)
    images = []
    for i in pages if pages is not None else range(len(pdf)):
        img = pdf[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        img = degrade(img, **degrade_kw) if degrade_kw else img
        if jpeg_quality:
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=jpeg_quality)
            img = Image.open(io.BytesIO(buf.getvalue()))
        images.append(img)
    pdf.close()
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=float(dpi))
    return out.getvalue()
