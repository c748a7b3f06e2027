/// Walks the marker structure of a JPEG file (ITU-T T.81 annex B, Spec/jpeg.md section 2):
/// finds each marker as libjpeg does and hands out the payloads of marker segments.
///
/// Bytes that are not part of a marker are skipped wherever a marker is expected, as libjpeg
/// does (with a warning that Pillow ignores): padding after entropy-coded data, fill bytes
/// `FF FF` and stuffed `FF 00` pairs.
struct JPEGMarkerReader {
    /// The whole file.
    let bytes: UnsafeRawBufferPointer
    /// The offset of the next byte to examine.
    var position: Int

    init(bytes: UnsafeRawBufferPointer, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    /// The code of the next marker (the byte after its `FF`s), leaving `position` just after
    /// it. Throws `truncated` when the data ends first.
    mutating func nextMarker() throws(ImageDecodingProblem) -> UInt8 {
        let count = bytes.count
        while true {
            while position < count, bytes[position] != 0xFF { position += 1 }
            while position < count, bytes[position] == 0xFF { position += 1 }
            guard position < count else { throw .truncated("the JPEG data before its EOI marker") }
            let code = bytes[position]
            position += 1
            // `FF 00` is a stuffed data byte, not a marker.
            if code != 0 { return code }
        }
    }

    /// libjpeg's `jpeg_resync_to_restart` at a restart point that expects RST`expected`
    /// (Spec/jpeg.md section 4.7), from `position` (bytes before a marker are skipped).
    /// With restart numbers taken mod 8, the marker found is:
    /// - RST`expected`, or an RST that is neither of the two before nor of the two after
    ///   it: taken; returns true with `position` just after it;
    /// - RST`expected - 1` or RST`expected - 2`, or a code below `C0`: skipped, the next
    ///   marker decides;
    /// - RST`expected + 1` or RST`expected + 2`, or any other marker: left in place;
    ///   returns false with `position` at its last `FF`, to be read after the scan.
    ///
    /// Throws `truncated` when the data ends before a marker decides.
    mutating func resynchronize(expected: Int) throws(ImageDecodingProblem) -> Bool {
        while true {
            let code = try nextMarker()
            let number = Int(code) - 0xD0
            if code < 0xC0 || number == (expected - 1) & 7 || number == (expected - 2) & 7 {
                continue
            }
            if !(0...7).contains(number) || number == (expected + 1) & 7 || number == (expected + 2) & 7 {
                position -= 2
                return false
            }
            return true
        }
    }

    /// The payload of the marker segment whose length field starts at `position` (the bytes
    /// after the two-byte length, which counts itself), leaving `position` after the segment.
    /// `name` names the segment in errors.
    mutating func segmentPayload(_ name: String) throws(ImageDecodingProblem) -> UnsafeRawBufferPointer {
        guard bytes.count - position >= 2 else { throw .truncated("the length of the \(name) segment") }
        let length = Int(bytes[position]) << 8 | Int(bytes[position + 1])
        guard length >= 2 else { throw .corrupt("the \(name) segment's length is \(length), below 2") }
        guard bytes.count - position >= length else { throw .truncated("the \(name) segment") }
        let payload = UnsafeRawBufferPointer(rebasing: bytes[(position + 2)..<(position + length)])
        position += length
        return payload
    }
}

/// A marker's name for error messages: `FF` and its code in hex, e.g. `FFD9`.
func jpegMarkerName(_ code: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return "FF" + String(digits[Int(code >> 4)]) + String(digits[Int(code & 15)])
}
