/// The version of the SemHiTok package, for programs that report what they were built with.
public enum SemHiTokVersion {
    /// The package's semantic version, `MAJOR.MINOR.PATCH`.
    public static let string = "0.1.0"
}
