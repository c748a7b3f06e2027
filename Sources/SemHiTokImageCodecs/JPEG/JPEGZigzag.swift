/// The zigzag sequence of T.81 figure A.6: `naturalOrder[k]` is the row-major position
/// (`8 * row + column`) inside an 8 x 8 block of the `k`-th coefficient in the order the
/// entropy coder and DQT segments list them (Spec/jpeg.md section 3).
///
/// Sixteen entries past the 64 map to position 63, as libjpeg's table does: a damaged run
/// can move k up to 15 places past the end of a block or band (78 at most), and libjpeg
/// then writes the coefficient there (Spec/jpeg.md section 4.7).
let jpegNaturalOrder: [Int] = [
    0, 1, 8, 16, 9, 2, 3, 10,
    17, 24, 32, 25, 18, 11, 4, 5,
    12, 19, 26, 33, 40, 48, 41, 34,
    27, 20, 13, 6, 7, 14, 21, 28,
    35, 42, 49, 56, 57, 50, 43, 36,
    29, 22, 15, 23, 30, 37, 44, 51,
    58, 59, 52, 45, 38, 31, 39, 46,
    53, 60, 61, 54, 47, 55, 62, 63,
    63, 63, 63, 63, 63, 63, 63, 63,
    63, 63, 63, 63, 63, 63, 63, 63,
]
