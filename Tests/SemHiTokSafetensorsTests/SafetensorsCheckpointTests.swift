import Foundation
import SemHiTok
@testable import SemHiTokSafetensors
import TestSupport
import Testing

/// Checkpoints (Spec/safetensors.md section 5): the three ways to name one, and one test
/// per rejection of a shard index or of a shard against its index. Each folder is written
/// in the test: shards of one-byte U8 tensors, and an index from a list of pairs.
struct SafetensorsCheckpointTests {
    @Test func aSingleFileIsACheckpointOfOneFile() throws {
        let folder = try TemporaryDirectory()
        try writeShard(folder.file("weights.safetensors"), tensors: ["b", "a"])
        let checkpoint = try SafetensorsCheckpoint(path: folder.file("weights.safetensors"))
        #expect(checkpoint.files.map(\.path) == [folder.file("weights.safetensors")])
        #expect(checkpoint.tensorNames == ["a", "b"])
        #expect(checkpoint.location(of: "b")?.tensor.name == "b")
        #expect(checkpoint.location(of: "c") == nil)
    }

    @Test func aFolderWithModelSafetensorsOpensIt() throws {
        let folder = try TemporaryDirectory()
        try writeShard(folder.file("model.safetensors"), tensors: ["x"])
        let checkpoint = try SafetensorsCheckpoint(path: folder.path)
        #expect(checkpoint.files.map(\.path) == [folder.path + "/model.safetensors"])
        #expect(checkpoint.tensorNames == ["x"])
    }

    /// Through the folder or the index itself: the shards in order of their names, each
    /// tensor found in the shard the index maps it to.
    @Test func aShardedCheckpointMapsEachTensorToItsShard() throws {
        let folder = try TemporaryDirectory()
        try writeShard(folder.file("s2.safetensors"), tensors: ["c", "a"])
        try writeShard(folder.file("s1.safetensors"), tensors: ["b"])
        try writeIndex(folder.file("model.safetensors.index.json"), [("a", "s2.safetensors"), ("b", "s1.safetensors"), ("c", "s2.safetensors")])
        for path in [folder.path, folder.file("model.safetensors.index.json")] {
            let checkpoint = try SafetensorsCheckpoint(path: path)
            #expect(checkpoint.path == path)
            #expect(checkpoint.files.map(\.path) == [folder.file("s1.safetensors"), folder.file("s2.safetensors")])
            #expect(checkpoint.tensorNames == ["a", "b", "c"])
            for (name, shard) in [("a", "s2"), ("b", "s1"), ("c", "s2")] {
                let location = try #require(checkpoint.location(of: name))
                #expect(location.file.path == folder.file(shard + ".safetensors"))
                #expect(location.tensor == location.file.tensor(name))
            }
        }
    }

    /// An index named with a relative path finds its shards beside it.
    @Test func anIndexFindsItsShardsInItsOwnFolder() throws {
        let folder = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: folder.file("sub"), withIntermediateDirectories: true)
        try writeShard(folder.file("sub/s.safetensors"), tensors: ["a"])
        try writeIndex(folder.file("sub/any.index.json"), [("a", "s.safetensors")])
        let checkpoint = try SafetensorsCheckpoint(path: folder.file("sub/any.index.json"))
        #expect(checkpoint.files.map(\.path) == [folder.file("sub/s.safetensors")])
    }

    /// The index's `metadata` is not read beyond being an object; a map may be empty.
    @Test func indexMetadataIsIgnoredAndAnEmptyMapHasNoFiles() throws {
        let folder = try TemporaryDirectory()
        try writeShard(folder.file("s.safetensors"), tensors: ["a"])
        try write(#"{"metadata":{"total_size":"any","x":[1]},"weight_map":{"a":"s.safetensors"}}"#, to: folder.file("i.json"))
        #expect(try SafetensorsCheckpoint(path: folder.file("i.json")).tensorNames == ["a"])
        try write(#"{"weight_map":{}}"#, to: folder.file("empty.json"))
        #expect(try SafetensorsCheckpoint(path: folder.file("empty.json")).files.isEmpty)
    }

    #if os(Linux)
    /// Shard names are file names, compared by their bytes: U+00E9 and U+0065 U+0301 name
    /// two shards (on Linux, whose file systems keep them apart), though Swift strings
    /// compare them equal.
    @Test func shardNamesCompareByTheirBytes() throws {
        let folder = try TemporaryDirectory()
        try writeShard(folder.file("\u{E9}.safetensors"), tensors: ["a"])
        try writeShard(folder.file("e\u{301}.safetensors"), tensors: ["b"])
        try write(#"{"weight_map":{"a":"\u00e9.safetensors","b":"e\u0301.safetensors"}}"#, to: folder.file("i.json"))
        let checkpoint = try SafetensorsCheckpoint(path: folder.file("i.json"))
        #expect(checkpoint.files.map { Array($0.path.utf8) } == [folder.file("e\u{301}.safetensors"), folder.file("\u{E9}.safetensors")].map { Array($0.utf8) })
        #expect(checkpoint.tensorNames == ["a", "b"])
    }
    #endif

    // MARK: - Rejections

    @Test func rejectsAFolderWithBothOrNeither() throws {
        let folder = try TemporaryDirectory()
        try writeShard(folder.file("other.safetensors"), tensors: ["a"])
        try expectRejection(folder.path, SafetensorsError(path: folder.path, kind: .noCheckpoint))
        try writeShard(folder.file("model.safetensors"), tensors: ["a"])
        try writeIndex(folder.file("model.safetensors.index.json"), [("a", "other.safetensors")])
        try expectRejection(folder.path, SafetensorsError(path: folder.path, kind: .ambiguousCheckpoint))
    }

    @Test func aPathThatDoesNotExistIsAFileSystemError() throws {
        let folder = try TemporaryDirectory()
        #expect(throws: FileSystemError(path: folder.file("none"), message: "cannot stat: No such file or directory")) {
            try SafetensorsCheckpoint(path: folder.file("none"))
        }
    }

    /// The limit, 64 MiB, is checked on the size before anything is parsed: the file here
    /// is a sparse 64 MiB + 1 bytes.
    @Test func rejectsAnIndexAboveTheSizeLimit() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("big.index.json")
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(64 << 20) + 1)
        try handle.close()
        try expectRejection(path, SafetensorsError(path: path, kind: .indexTooLarge(fileSize: (64 << 20) + 1)))
    }

    @Test func rejectsAnIndexThatIsNotJSON() throws {
        try expectIndexRejection(#"{"weight_map":{"a":"s.safetensors",}}"#,
                                 .invalidIndexJSON(JSONError(offset: 35, reason: .unexpectedCharacter(UInt8(ascii: "}")))))
        try expectIndexRejection(#"{"weight_map":{"a":"s.safetensors","a":"s.safetensors"}}"#,
                                 .invalidIndexJSON(JSONError(offset: 35, reason: .duplicateKey("a"))))
    }

    @Test func rejectsAnIndexThatIsNotAnObject() throws {
        try expectIndexRejection(#"["s.safetensors"]"#, .indexNotAnObject(found: "an array"))
    }

    @Test func rejectsUnknownIndexFields() throws {
        try expectIndexRejection(#"{"weight_map":{},"weights":{}}"#, .unknownIndexField("weights"))
    }

    @Test func rejectsAnIndexWithoutAWeightMap() throws {
        try expectIndexRejection(#"{"metadata":{}}"#, .missingWeightMap)
    }

    @Test func rejectsAWeightMapOrMetadataThatIsNotAnObject() throws {
        try expectIndexRejection(#"{"weight_map":[["a","s.safetensors"]]}"#, .indexFieldWrongType(field: "weight_map", found: "an array"))
        try expectIndexRejection(#"{"metadata":"x","weight_map":{}}"#, .indexFieldWrongType(field: "metadata", found: "a string"))
    }

    @Test func rejectsAnInvalidTensorNameInTheMap() throws {
        try expectIndexRejection(#"{"weight_map":{"":"s.safetensors"}}"#, .invalidTensorName(""))
    }

    @Test func rejectsAShardThatIsNotAString() throws {
        try expectIndexRejection(#"{"weight_map":{"a":1}}"#, .shardNameNotAString(tensor: "a", found: "a number"))
    }

    /// A shard is a plain name in the index's folder: no path, no parent.
    @Test func rejectsShardNamesThatAreNotPlainFileNames() throws {
        for shard in ["", ".", "..", "../s.safetensors", "sub/s.safetensors", "/s.safetensors", #"a\\b"#, #"a\u0000b"#] {
            let unescaped = try #require(try JSONDocument.parse(Array(#""\#(shard)""#.utf8)).string)
            try expectIndexRejection(#"{"weight_map":{"a":"\#(shard)"}}"#, .invalidShardName(tensor: "a", shard: unescaped))
        }
    }

    /// Every shard named is checked to exist, in order of their names, before any is read.
    @Test func rejectsAMissingShardNamingTheIndexAndTheShard() throws {
        let folder = try TemporaryDirectory()
        try write("not a safetensors file", to: folder.file("b.safetensors"))
        try writeIndex(folder.file("i.json"), [("x", "b.safetensors"), ("y", "c.safetensors"), ("z", "a.safetensors")])
        try expectRejection(folder.file("i.json"), SafetensorsError(path: folder.file("i.json"), kind: .missingShard("a.safetensors")))
    }

    /// A shard's own errors name the shard.
    @Test func rejectsAnInvalidShardNamingTheShard() throws {
        let folder = try TemporaryDirectory()
        try writeBytes([1, 2, 3], to: folder.file("s.safetensors"))
        try writeIndex(folder.file("i.json"), [("a", "s.safetensors")])
        try expectRejection(folder.file("i.json"), SafetensorsError(path: folder.file("s.safetensors"), kind: .fileTooSmall(fileSize: 3)))
    }

    @Test func rejectsATensorInTwoShards() throws {
        let folder = try TemporaryDirectory()
        try writeShard(folder.file("s1.safetensors"), tensors: ["a", "b"])
        try writeShard(folder.file("s2.safetensors"), tensors: ["b"])
        try writeIndex(folder.file("i.json"), [("a", "s1.safetensors"), ("b", "s2.safetensors")])
        try expectRejection(folder.file("i.json"), SafetensorsError(path: folder.file("i.json"),
                                                                    kind: .tensorInTwoShards(tensor: "b", first: "s1.safetensors", second: "s2.safetensors")))
    }

    @Test func rejectsAShardTensorTheMapDoesNotList() throws {
        let folder = try TemporaryDirectory()
        try writeShard(folder.file("s.safetensors"), tensors: ["a", "extra"])
        try writeIndex(folder.file("i.json"), [("a", "s.safetensors")])
        try expectRejection(folder.file("i.json"), SafetensorsError(path: folder.file("i.json"),
                                                                    kind: .tensorNotInWeightMap(tensor: "extra", shard: "s.safetensors")))
    }

    @Test func rejectsAShardTensorTheMapPutsElsewhere() throws {
        let folder = try TemporaryDirectory()
        try writeShard(folder.file("s1.safetensors"), tensors: ["a", "b"])
        try writeShard(folder.file("s2.safetensors"), tensors: ["c"])
        try writeIndex(folder.file("i.json"), [("a", "s1.safetensors"), ("b", "s2.safetensors"), ("c", "s2.safetensors")])
        try expectRejection(folder.file("i.json"), SafetensorsError(path: folder.file("i.json"),
                                                                    kind: .tensorInWrongShard(tensor: "b", shard: "s1.safetensors", mappedTo: "s2.safetensors")))
    }

    @Test func rejectsAMappedTensorItsShardDoesNotHold() throws {
        let folder = try TemporaryDirectory()
        try writeShard(folder.file("s.safetensors"), tensors: ["a"])
        try writeIndex(folder.file("i.json"), [("a", "s.safetensors"), ("gone", "s.safetensors")])
        try expectRejection(folder.file("i.json"), SafetensorsError(path: folder.file("i.json"),
                                                                    kind: .tensorNotInShard(tensor: "gone", shard: "s.safetensors")))
    }

    // MARK: - Helpers

    /// A safetensors file of one-byte U8 tensors with the given names, in that order.
    private func writeShard(_ path: String, tensors: [String]) throws {
        let entries = tensors.enumerated().map { #""\#($1)":\#(RawSafetensorsFile.entry("U8", [1], $0, $0 + 1))"# }
        try writeBytes(RawSafetensorsFile(header: "{" + entries.joined(separator: ",") + "}", data: tensors.indices.map { UInt8($0) }).bytes(),
                       to: path)
    }

    /// An index mapping each tensor to its shard, in the order given.
    private func writeIndex(_ path: String, _ map: [(String, String)]) throws {
        try write(#"{"weight_map":{"# + map.map { #""\#($0)":"\#($1)""# }.joined(separator: ",") + "}}", to: path)
    }

    private func write(_ text: String, to path: String) throws {
        try writeBytes(Array(text.utf8), to: path)
    }

    /// Checks that the index `text`, in a folder of its own, is refused with `kind`.
    private func expectIndexRejection(_ text: String, _ kind: SafetensorsError.Kind,
                                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        let folder = try TemporaryDirectory()
        try write(text, to: folder.file("model.safetensors.index.json"))
        try expectRejection(folder.path, SafetensorsError(path: folder.file("model.safetensors.index.json"), kind: kind),
                            sourceLocation: sourceLocation)
    }

    private func expectRejection(_ path: String, _ error: SafetensorsError, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(throws: error, sourceLocation: sourceLocation) { try SafetensorsCheckpoint(path: path) }
    }
}
