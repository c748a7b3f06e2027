import SemHiTok

/// Writes a copy of the weight container at `path` to `destination` with the bytes of
/// tensor `name` passed through `change` and the entries of `config` set (or removed, when
/// nil), so tests can check that a runner notices the change.
public func writeChangedCopy(of path: String, to destination: String, config: [String: ConfigValue?] = [:],
                             tensor name: String = "", change: (inout [UInt8]) -> Void = { _ in }) throws {
    let original = try WeightFile(contentsOf: path)
    var builder = WeightFileBuilder()
    builder.config = original.config
    for (key, value) in config { builder.config[key] = value }
    for tensor in original.tensors {
        var bytes = Array(original.bytes(of: tensor))
        if tensor.name == name { change(&bytes) }
        builder.addTensor(tensor.name, dtype: tensor.dtype, shape: tensor.shape, bytes: bytes)
    }
    try builder.write(to: destination)
}
