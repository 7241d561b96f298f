"""Label keys for matching printed row and column labels against the codebook, whatever the layout did to them."""

import functools
import re
import unicodedata

_PUNCT = re.compile(r"[\s\u3000\u00a0、，,。．.：:；;“”\"‘’'《》<>〈〉【】\[\]（）()—–\-_/\\·•*…#]+")
_ANNOTATION = re.compile(r"(?<=\S)[（(][^（()）]{2,}[)）]")
_ENUM = re.compile(
    r"^(?:其中)?(?:[一二三四五六七八九十]{1,3}(?=[、.．])|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}(?=[、.．]))"
)
_CIRCLED = re.compile(r"^[\u2460-\u249b]")  # ① … ⑳, ⑴ … ⒇, ⒈ … ⒛
_ZH_ENUM_AFTER_PUNCT = re.compile(r"^(?:[一二三四五六七八九十]{1,3}|\d{1,2})")


@functools.lru_cache(maxsize=200_000)
def compact(text: str) -> str:
    """NFKC and no whitespace: how a label reads once the layout's line breaks and spaces are gone."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


# A longer text is prose, never a label: callers that meet paragraphs skip them without keying them, which saves
# the work and keeps the memo of core() for labels.
LABEL_MAX = 300


@functools.lru_cache(maxsize=50_000)
def core(text: str) -> str:
    """The words of a label: no enumerator (一、 （一） 1. 其中：), no trailing annotation in brackets, no punctuation."""
    s = "".join((text or "").split())  # no whitespace (str.split's whitespace is regex \s)
    s = _CIRCLED.sub("", s, count=1)  # ⑥ ⑴ ⒍: NFKC would make them digits fused to the words
    s = unicodedata.normalize("NFKC", s)
    s = _ANNOTATION.sub("", s)
    s = s.replace("其中", "", 1).lstrip(":：,，、") if s.startswith("其中") else s
    m = _ENUM.match(s)
    if m:
        s = s[m.end() :]
    return _PUNCT.sub("", s)


@functools.lru_cache(maxsize=100_000)
def matches(printed: str, label_core: str) -> bool:
    """A printed label names a codebook label: equal words, an annotated variant, or a truncation (≥4 chars)."""
    p = core(printed)
    if not p or not label_core:
        return False
    if p == label_core:
        return True
    if len(label_core) >= 2 and p.startswith(label_core) and len(p) <= len(label_core) + 40:
        return True
    return len(p) >= 4 and label_core.startswith(p)
