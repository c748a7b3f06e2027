/// What a tar reader accepts before it takes the memory.
public struct TarLimits: Sendable, Equatable {
    /// The largest pax extended header or GNU long name, in bytes.
    public var maximumExtensionSize: Int

    public init(maximumExtensionSize: Int) {
        self.maximumExtensionSize = maximumExtensionSize
    }

    /// 1 MiB of extension data: a path of any length real archives use, many times over.
    public static let standard = TarLimits(maximumExtensionSize: 1 << 20)
}
