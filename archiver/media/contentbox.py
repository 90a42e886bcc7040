"""The content box: the photograph inside a screenshot or a captioned image.

A post screenshot or a news graphic puts a photo inside a frame of flat colour: margins,
caption bars, text, avatars, buttons. Hashing the whole image lets the frame dominate; hashing
the box lets a screenshot meet the original photo.

    1. Take the background: the most common (coarsely quantised) colour on the border.
    2. Mark every pixel that differs clearly from it.
    3. Keep only solid areas: where nearly every pixel in a small window is marked. Text,
       icons and thin rules are sparse and drop out; a photo is solid.
    4. The box spans the longest run of rows that are largely solid, then the longest run of
       columns that are largely solid within those rows.
    5. A box that is the whole image, too small, or not photographic (few distinct colours)
       is no box at all; nor is one whose surroundings are not a frame: a frame is mostly
       background, and that background is one flat colour (a sky around a rocket is not).
"""

from __future__ import annotations

import numpy as np

Box = tuple[int, int, int, int]  # left, top, right, bottom

_DIFFERS = 28  # how far (0-255, any channel) a pixel must be from the background
_SOLID = 0.9  # share of marked pixels in a window for it to count as solid
_RUN = 0.5  # share of the best row (column) a row (column) must reach to join the run
_MIN_AREA = 0.12  # smaller boxes are decorations, not the picture
_MAX_AREA = 0.92  # larger boxes are the whole image
_MIN_COLOURS = 96  # distinct 4-bit-per-channel colours a photograph shows at least
_MAX_FRAME_INK = 0.35  # a frame is mostly background: text and icons mark little of it
_MAX_FRAME_SPREAD = 6.0  # a frame's background is one flat colour (JPEG noise aside)


def content_box(rgb: np.ndarray) -> Box | None:
    """The photograph's rectangle in an RGB array (H, W, 3, uint8), or None."""
    height, width, _ = rgb.shape
    if height < 32 or width < 32:
        return None
    pixels = rgb.astype(np.int16)
    background = _border_mode(rgb)
    marked = (np.abs(pixels - background).max(axis=2) > _DIFFERS).astype(np.float32)
    window = max(3, min(height, width) // 48)
    solid = _box_mean(marked, window) >= _SOLID
    rows = _longest_run(solid.sum(axis=1))
    if rows is None:
        return None
    columns = _longest_run(solid[rows[0] : rows[1]].sum(axis=0))
    if columns is None:
        return None
    # the window shaved half its size off each edge of the solid area: give it back
    margin = window // 2
    left, right = max(0, columns[0] - margin), min(width, columns[1] + margin)
    top, bottom = max(0, rows[0] - margin), min(height, rows[1] + margin)
    area = (right - left) * (bottom - top) / (width * height)
    if not _MIN_AREA <= area <= _MAX_AREA:
        return None
    if _distinct_colours(rgb[top:bottom, left:right]) < _MIN_COLOURS:
        return None
    frame = np.ones((height, width), dtype=bool)
    frame[top:bottom, left:right] = False
    if marked[frame].mean() > _MAX_FRAME_INK:
        return None  # what surrounds the box is more picture, not a frame
    unmarked = pixels[frame & (marked == 0)]
    if unmarked.size and unmarked.std(axis=0).max() > _MAX_FRAME_SPREAD:
        return None  # a sky or a wall around the subject, not a flat-coloured frame
    return left, top, right, bottom


def _border_mode(rgb: np.ndarray) -> np.ndarray:
    border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]]) // 16
    packed = border[:, 0].astype(np.int32) * 256 + border[:, 1] * 16 + border[:, 2]
    values, counts = np.unique(packed, return_counts=True)
    mode = int(values[np.argmax(counts)])
    quantised = np.array([mode // 256, (mode // 16) % 16, mode % 16], dtype=np.int16)
    return quantised * 16 + 8


def _box_mean(values: np.ndarray, size: int) -> np.ndarray:
    """Mean over a size×size window around each pixel, by summed-area table."""
    padded = np.pad(values, size // 2 + 1, mode="edge")
    table = padded.cumsum(axis=0).cumsum(axis=1)
    height, width = values.shape
    top_left = table[:height, :width]
    top_right = table[:height, size : size + width]
    bottom_left = table[size : size + height, :width]
    bottom_right = table[size : size + height, size : size + width]
    return np.asarray((bottom_right - top_right - bottom_left + top_left) / (size * size))


def _longest_run(counts: np.ndarray) -> tuple[int, int] | None:
    """The longest run of positions whose count reaches half the best one."""
    best = counts.max() if counts.size else 0
    if best == 0:
        return None
    inside = np.concatenate([[False], counts >= best * _RUN, [False]])
    edges = np.flatnonzero(np.diff(inside.astype(np.int8)))
    starts, ends = edges[0::2], edges[1::2]
    longest = int(np.argmax(ends - starts))
    return int(starts[longest]), int(ends[longest])


def _distinct_colours(rgb: np.ndarray) -> int:
    quantised = (rgb // 16).astype(np.int32)
    packed = quantised[..., 0] * 256 + quantised[..., 1] * 16 + quantised[..., 2]
    return int(np.unique(packed).size)
