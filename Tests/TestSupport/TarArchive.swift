import Foundation

/// A ustar archive of regular files (names up to 100 bytes), laid out as POSIX says, for
/// tests that need a shard made of their own images.
public func tarArchive(_ members: [(name: String, data: [UInt8])]) -> [UInt8] {
    var archive: [UInt8] = []
    for (name, data) in members {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int) { header.replaceSubrange(offset..<(offset + text.utf8.count), with: Array(text.utf8)) }
        precondition(name.utf8.count <= 100)
        put(name, at: 0)
        put("0000644", at: 100)
        put("0000000", at: 108)
        put("0000000", at: 116)
        put(String(format: "%011o", data.count), at: 124)
        put("00000000000", at: 136)
        put("        ", at: 148)
        header[156] = UInt8(ascii: "0")
        put("ustar", at: 257)
        put("00", at: 263)
        put(String(format: "%06o", header.reduce(0) { $0 + Int($1) }), at: 148)
        header[154] = 0
        archive += header + data + [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
    }
    return archive + [UInt8](repeating: 0, count: 1024)
}
