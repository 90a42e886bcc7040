"""JavaScript's `Number.prototype.toString(radix)` for doubles, as V8 computes it.

X's embed widget derives the syndication token from a tweet id with
`((Number(id) / 1e15) * Math.PI).toString(36).replace(/(0+|\\.)/g, "")`; the fractional digits
of a double in base 36 are not something Python prints, so this ports V8's
`DoubleToRadixCString` (src/numbers/conversions.cc): digits are produced only up to the
input's precision, with round-half-even and carry propagation.
"""

from __future__ import annotations

import math

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def to_radix_string(value: float, radix: int) -> str:
    if not 2 <= radix <= 36:
        raise ValueError("radix must be between 2 and 36")
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "-Infinity" if value < 0 else "Infinity"
    negative = value < 0
    value = abs(value)
    integer = math.floor(value)
    fraction = value - integer
    # Only as many fractional digits as the double can tell apart.
    delta = max(0.5 * (math.nextafter(value, math.inf) - value), math.nextafter(0.0, 1.0))
    fraction_digits: list[int] = []
    if fraction >= delta:
        while True:
            fraction *= radix
            delta *= radix
            digit = int(fraction)
            fraction_digits.append(digit)
            fraction -= digit
            if (fraction > 0.5 or (fraction == 0.5 and digit & 1)) and fraction + delta > 1:
                integer += _round_up(fraction_digits, radix)
                break
            if fraction < delta:
                break
    integer_digits = _integer_digits(float(integer), radix)
    text = "".join(_DIGITS[d] for d in integer_digits)
    if fraction_digits:
        text += "." + "".join(_DIGITS[d] for d in fraction_digits)
    return "-" + text if negative else text


def _round_up(digits: list[int], radix: int) -> int:
    """Add one at the last fractional digit; return the carry into the integer part."""
    while digits:
        if digits[-1] + 1 < radix:
            digits[-1] += 1
            return 0
        digits.pop()
    return 1


def _integer_digits(integer: float, radix: int) -> list[int]:
    digits: list[int] = []
    # Past 2**53 the low digits are not represented: V8 writes zeros for them.
    while math.frexp(integer / radix)[1] > 53:
        integer /= radix
        digits.append(0)
    while True:
        remainder = math.fmod(integer, radix)
        digits.append(int(remainder))
        integer = (integer - remainder) / radix
        if integer <= 0:
            break
    return digits[::-1]
