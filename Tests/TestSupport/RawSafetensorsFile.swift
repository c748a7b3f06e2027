/// A safetensors file assembled from its parts (Spec/safetensors.md section 3),
/// independently of any reader: the header's bytes as given, so a test writes exactly the
/// JSON (valid or not) it means, its length (or any value in its place) and the data
/// buffer.
public struct RawSafetensorsFile {
    /// The header's bytes, normally JSON text.
    public var header: [UInt8]
    /// The data buffer after the header.
    public var data: [UInt8]
    /// The value written as the header length; nil writes the header's real length.
    public var headerLength: UInt64? = nil

    public init(header: [UInt8], data: [UInt8]) {
        self.header = header
        self.data = data
    }

    public init(header: String, data: [UInt8]) {
        self.init(header: Array(header.utf8), data: data)
    }

    /// The file's bytes: the header length (u64, little-endian), the header, the data.
    public func bytes() -> [UInt8] {
        var file: [UInt8] = []
        file.appendLittleEndian(headerLength ?? UInt64(header.count))
        return file + header + data
    }

    /// The JSON of one tensor entry: `{"dtype":...,"shape":[...],"data_offsets":[begin,end]}`.
    public static func entry(_ dtype: String, _ shape: [Int], _ begin: Int, _ end: Int) -> String {
        #"{"dtype":"\#(dtype)","shape":[\#(shape.map(String.init).joined(separator: ","))],"data_offsets":[\#(begin),\#(end)]}"#
    }

    /// A small valid file: `__metadata__` `{"format":"pt"}`, then `b` (U8, `[3]`: 7, 8, 9)
    /// before `a` (F32, `[2]`: 1.5, -2), so that header order and data order differ from
    /// name order: the data buffer is `b`'s 3 bytes, then `a`'s 8.
    public static func valid() -> RawSafetensorsFile {
        var data: [UInt8] = [7, 8, 9]
        data.appendLittleEndian(Float(1.5).bitPattern)
        data.appendLittleEndian(Float(-2).bitPattern)
        return RawSafetensorsFile(header: #"{"__metadata__":{"format":"pt"},"b":\#(entry("U8", [3], 0, 3)),"a":\#(entry("F32", [2], 3, 11))}"#,
                                  data: data)
    }
}
