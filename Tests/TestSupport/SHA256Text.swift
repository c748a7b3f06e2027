import SemHiTok

/// Lowercase hexadecimal SHA-256 of `bytes`: how the manifests written in Python
/// (`hashlib.sha256(...).hexdigest()`) record expected pixels and files.
public func sha256Text(_ bytes: [UInt8]) -> String {
    SHA256.digest(bytes).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}
