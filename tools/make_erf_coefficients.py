"""Prints the coefficients of the float32 erf of Spec/architecture.md section 2.1.

erf(x) for 0.75 <= |x| < 4 is computed as 1 - exp(-x^2) * g(s), s = (|x| - 2.375) / 1.625,
where g approximates erfc(x) * exp(x^2) on [0.75, 4]: this script interpolates that
function (math.erfc, math.exp in double precision) at 400 Chebyshev nodes with a degree-12
Chebyshev series, converts the series to monomials in s and rounds each to float32. The
small-argument branch needs no fitting: its coefficients are the Maclaurin series'.

    python3 tools/make_erf_coefficients.py

NumPy only. The output is the table in the Spec and the constants in
Sources/SemHiTokCompute/VectorMath.swift.
"""
import math

import numpy as np
from numpy.polynomial import chebyshev

LOW, HIGH, DEGREE, NODES = 0.75, 4.0, 12, 400


def large_argument_coefficients() -> list[np.float32]:
    middle, half = (LOW + HIGH) / 2, (HIGH - LOW) / 2
    nodes = np.cos(math.pi * (np.arange(NODES) + 0.5) / NODES)
    values = [math.erfc(x) * math.exp(x * x) for x in nodes * half + middle]
    monomials = chebyshev.cheb2poly(chebyshev.chebfit(nodes, values, DEGREE))
    return [np.float32(c) for c in monomials]


def small_argument_coefficients() -> list[np.float32]:
    return [np.float32(2 / math.sqrt(math.pi) * (-1) ** n / (math.factorial(n) * (2 * n + 1))) for n in range(9)]


def main() -> None:
    for name, coefficients in [("small (x^(2n+1))", small_argument_coefficients()),
                               ("large (s^n)", large_argument_coefficients())]:
        print(name)
        for n, c in enumerate(coefficients):
            bits = int(np.array(c, dtype=np.float32).view(np.uint32))
            print(f"  {n:2d}  0x{bits:08X}  {float(c)!r}")


if __name__ == "__main__":
    main()
