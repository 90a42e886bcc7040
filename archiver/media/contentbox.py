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
    5. A box that is the whole image, too small, or not photographic (few colours or greys)
       is no box at all; nor is one whose surroundings are not a frame: a frame is mostly
       background, and that background is one flat colour (a sky around a rocket is not).
"""

from __future__ import annotations

import numpy as np

Box = tuple[int, int, int, int]  # left, top, right, bottom

_DIFFERS = 16  # how far (0-255, any channel) a pixel must be from the background
_SOLID = 0.9  # share of marked pixels in a window for it to count as solid
_RUN = 0.5  # share of the best row (column) a row (column) must reach to join the run
_MIN_AREA = 0.12  # smaller boxes are decorations, not the picture
_MAX_AREA = 0.92  # larger boxes are the whole image
_MIN_COLOURS = 96  # distinct 4-bit-per-channel colours a photograph shows at least
_MIN_GREYS = 96  # or, in black and white, distinct grey levels...
_MIN_GREY_SPREAD = 16.0  # ...spread this widely
_MAX_FRAME_INK = 0.35  # a frame is mostly background: text and icons mark little of it
_MAX_FRAME_SPREAD = 10.0  # a frame's background is one flat colour (JPEG noise aside)
_MIN_BORDER_SHARE = 0.12  # share of the border the background colour covers in a frame
_GAP = 0.2  # gaps in a run of solid rows (columns) up to this share of the image are bridged


def content_boxes(rgb: np.ndarray, depth: int = 2) -> list[Box]:
    """The photograph's rectangle, and inside it the next one (a screenshot of a screenshot).

    Outermost first; empty when the picture is the whole image.
    """
    box = content_box(rgb)
    if box is None:
        return []
    if depth <= 1:
        return [box]
    # look inside, past the margin given back to the box (it may hold the outer frame's colour)
    trim = _window(*rgb.shape[:2])
    left, top, right, bottom = box[0] + trim, box[1] + trim, box[2] - trim, box[3] - trim
    inner = content_boxes(np.ascontiguousarray(rgb[top:bottom, left:right]), depth - 1)
    return [box] + [(left + x0, top + y0, left + x1, top + y1) for x0, y0, x1, y1 in inner]


def _snap(marked: np.ndarray, box: Box, reach: int) -> Box:
    """Move each edge to the photo's own edge: the window blurred it by up to `reach` pixels.

    An edge moves out while the line beyond it is mostly marked (still photo), then in while
    its own line is mostly unmarked (frame): a strip of frame colour left inside the box
    would weigh on the hash of a quiet photo (a sky) as much as a real difference.
    """
    left, top, right, bottom = box
    height, width = marked.shape

    def photo_row(y: int) -> bool:
        return bool(marked[y, left:right].mean() >= 0.5)

    def photo_column(x: int) -> bool:
        return bool(marked[top:bottom, x].mean() >= 0.5)

    for _ in range(reach):
        top -= top > 0 and photo_row(top - 1)
        bottom += bottom < height and photo_row(bottom)
        left -= left > 0 and photo_column(left - 1)
        right += right < width and photo_column(right)
    # inwards as far as a third of the box: a line of text may have been bridged in
    for _ in range(max(bottom - top, right - left) // 3):
        top += top < bottom - 1 and not photo_row(top)
        bottom -= bottom > top + 1 and not photo_row(bottom - 1)
        left += left < right - 1 and not photo_column(left)
        right -= right > left + 1 and not photo_column(right - 1)
    return left, top, right, bottom


def _window(height: int, width: int) -> int:
    return max(3, min(height, width) // 48)


def content_box(rgb: np.ndarray) -> Box | None:
    """The photograph's rectangle in an RGB array (H, W, 3, uint8), or None."""
    height, width, _ = rgb.shape
    if height < 32 or width < 32:
        return None
    background = _border_mode(rgb)
    if background is None:
        return None
    pixels = rgb.astype(np.int16)
    marked = (np.abs(pixels - background).max(axis=2) > _DIFFERS).astype(np.float32)
    window = _window(height, width)
    solid = _box_mean(marked, window) >= _SOLID
    rows = _longest_run(solid.sum(axis=1))
    if rows is None:
        return None
    columns = _longest_run(solid[rows[0] : rows[1]].sum(axis=0))
    if columns is None:
        return None
    left, top, right, bottom = _snap(marked, (columns[0], rows[0], columns[1], rows[1]), window)
    area = (right - left) * (bottom - top) / (width * height)
    if not _MIN_AREA <= area <= _MAX_AREA:
        return None
    if not _photographic(rgb[top:bottom, left:right]):
        return None
    frame = np.ones((height, width), dtype=bool)
    frame[top:bottom, left:right] = False
    if marked[frame].mean() > _MAX_FRAME_INK:
        return None  # what surrounds the box is more picture, not a frame
    unmarked = pixels[frame & (marked == 0)]
    if unmarked.size and unmarked.std(axis=0).max() > _MAX_FRAME_SPREAD:
        return None  # a sky or a wall around the subject, not a flat-coloured frame
    return left, top, right, bottom


def _border_mode(rgb: np.ndarray) -> np.ndarray | None:
    """The commonest (coarsely quantised) border colour, or None when no colour dominates:
    a frame's border is mostly its background, a plain photo's border is not."""
    border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]]) // 16
    packed = border[:, 0].astype(np.int32) * 256 + border[:, 1] * 16 + border[:, 2]
    counts = np.bincount(packed, minlength=4096)
    mode = int(np.argmax(counts))
    if counts[mode] < _MIN_BORDER_SHARE * len(packed):
        return None
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
    """The longest run of positions whose count reaches half the best one.

    Short gaps are bridged: a dark patch in a photo on a dark frame leaves a few rows that
    are not solid, and the photo must not be cut there.
    """
    best = counts.max() if counts.size else 0
    if best == 0:
        return None
    inside = np.concatenate([[False], counts >= best * _RUN, [False]])
    edges = np.flatnonzero(np.diff(inside.astype(np.int8)))
    runs = [[int(a), int(b)] for a, b in zip(edges[0::2], edges[1::2], strict=True)]
    merged = [runs[0]]
    for start, end in runs[1:]:
        if start - merged[-1][1] <= _GAP * len(counts):
            merged[-1][1] = end
        else:
            merged.append([start, end])
    start, end = max(merged, key=lambda run: run[1] - run[0])
    return start, end


def _photographic(rgb: np.ndarray) -> bool:
    """Many colours, or (for a black-and-white photo) many grey levels over a wide spread.

    A block of UI colour has few of either; a grey photo has few colours but a full range of
    greys.
    """
    quantised = (rgb // 16).astype(np.int32)
    packed = quantised[..., 0] * 256 + quantised[..., 1] * 16 + quantised[..., 2]
    if np.unique(packed).size >= _MIN_COLOURS:
        return True
    grey = rgb.astype(np.float32).mean(axis=2)
    return bool(
        np.unique(grey.astype(np.uint8)).size >= _MIN_GREYS and grey.std() >= _MIN_GREY_SPREAD
    )
