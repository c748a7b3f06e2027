/// Finds LZ77 matches for the compressor (Spec/png.md section 7.2): hash chains over the
/// last 32768 bytes, keyed by the next three bytes, searched nearest first.
///
/// The matcher works in memory its owner allocates (`head` with `hashSize` entries, `prev`
/// with `DeflateTables.windowSize` entries, both filled with -1) so that its loops touch raw
/// memory only.
struct DeflateMatcher {
    static let hashBits = 15
    static let hashSize = 1 << hashBits
    static let minimumLength = 3
    static let maximumLength = 258
    /// Chain entries examined per search.
    static let maximumChain = 128
    /// A match this long ends the search.
    static let niceLength = 128
    /// Three-byte matches further back than this cost more than three literals.
    static let farForShortMatch = 4096

    private let data: UnsafePointer<UInt8>
    private let count: Int
    private let head: UnsafeMutablePointer<Int32>
    private let prev: UnsafeMutablePointer<Int32>
    /// Positions below this are in the chains.
    private(set) var inserted = 0

    /// A matcher over the `count` bytes at `data`, its chains in `head` and `prev`.
    init(data: UnsafePointer<UInt8>, count: Int, head: UnsafeMutablePointer<Int32>, prev: UnsafeMutablePointer<Int32>) {
        self.data = data
        self.count = count
        self.head = head
        self.prev = prev
    }

    /// The longest match for the bytes at `position` (the next position to insert) among
    /// earlier positions, as (length, distance), or (0, 0) when there is none worth
    /// taking; adds `position` to its chain. The first of equally long matches, which is
    /// the nearest, wins.
    mutating func search(at position: Int) -> (length: Int, distance: Int) {
        guard count - position >= Self.minimumLength else {
            inserted = position + 1
            return (0, 0)
        }
        var candidate = Int(insert(position))
        let limit = min(Self.maximumLength, count - position)
        var bestLength = Self.minimumLength - 1
        var bestDistance = 0
        var chain = Self.maximumChain
        while candidate >= 0, position - candidate <= DeflateTables.windowSize, chain > 0 {
            if data[candidate + bestLength] == data[position + bestLength] {
                let length = matchLength(candidate, position, limit: limit)
                if length > bestLength {
                    bestLength = length
                    bestDistance = position - candidate
                    if length >= Self.niceLength || length == limit { break }
                }
            }
            // A chain entry overwritten by a newer position would point forward: stop there.
            let next = Int(prev[candidate & (DeflateTables.windowSize - 1)])
            guard next < candidate else { break }
            candidate = next
            chain -= 1
        }
        if bestLength < Self.minimumLength || (bestLength == Self.minimumLength && bestDistance > Self.farForShortMatch) {
            return (0, 0)
        }
        return (bestLength, bestDistance)
    }

    /// Adds the positions from `inserted` up to `end` to their chains.
    mutating func insert(upTo end: Int) {
        while inserted < end {
            if count - inserted >= Self.minimumLength {
                _ = insert(inserted)
            } else {
                inserted += 1
            }
        }
    }

    /// Links `position` into its chain; returns the previous head of the chain (-1: none).
    @inline(__always)
    private mutating func insert(_ position: Int) -> Int32 {
        let key = UInt32(data[position]) << 16 | UInt32(data[position + 1]) << 8 | UInt32(data[position + 2])
        let hash = Int((key &* 0x9E37_79B1) >> UInt32(32 - Self.hashBits))
        let previous = head[hash]
        prev[position & (DeflateTables.windowSize - 1)] = previous
        head[hash] = Int32(position)
        inserted = position + 1
        return previous
    }

    /// How many bytes from `earlier` equal those from `position`, up to `limit`.
    @inline(__always)
    private func matchLength(_ earlier: Int, _ position: Int, limit: Int) -> Int {
        var length = 0
        while limit - length >= 8 {
            let a = UnsafeRawPointer(data + earlier + length).loadUnaligned(as: UInt64.self)
            let b = UnsafeRawPointer(data + position + length).loadUnaligned(as: UInt64.self)
            let difference = a ^ b
            if difference != 0 { return length + difference.littleEndian.trailingZeroBitCount / 8 }
            length += 8
        }
        while length < limit && data[earlier + length] == data[position + length] { length += 1 }
        return length
    }
}
