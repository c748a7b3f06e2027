import Foundation
import SemHiTok

/// One wanted record of the dataset, ready for the model, or the reason it is not.
struct PreparedRecord {
    /// The record's place in the dataset (nil for the failure of a whole input).
    let ordinal: Int?
    let key: String
    let image: Result<PreparedImage, DatasetFailure>
}

/// Reads, decodes and preprocesses a dataset's wanted records on a thread of its own, ahead
/// of the model, and hands them over in order through a bounded queue: the model never
/// waits for a decode it could have overlapped, and memory holds at most `capacity` records.
/// Dropping it stops the thread after the record it is working on.
final class RecordPreparation: @unchecked Sendable {
    // The reader and the model are used only by the preparation thread once it starts.
    private let reader: DatasetReader
    private let model: SemHiTokModel
    private let resolution: Int?
    private let times: StageTimes
    private let queue: BoundedQueue<PreparedRecord>

    init(reader: DatasetReader, model: SemHiTokModel, resolution: Int?, capacity: Int, times: StageTimes) {
        self.reader = reader
        self.model = model
        self.resolution = resolution
        self.times = times
        queue = BoundedQueue(capacity: capacity)
        Thread { [self] in prepareAll() }.start()
    }

    deinit { queue.cancel() }

    /// The next record in the dataset's order, waiting for it; nil after the last.
    func next() -> PreparedRecord? { queue.pop() }

    private func prepareAll() {
        while let entry = times.measure(.read, { reader.next() }) {
            let key = entry.key
            let image = entry.content.flatMap { bytes in
                times.measure(.decode) { Self.attempt(key) { try bytes.withUnsafeBytes { try ImageFile.decode($0) } } }
            }.flatMap { image in
                times.measure(.preprocess) { Self.attempt(key) { try model.prepare(image, resolution: resolution) } }
            }
            guard queue.push(PreparedRecord(ordinal: entry.ordinal, key: key, image: image)) else { return }
        }
        queue.close()
    }

    /// `body`'s result, or its error as the failure of the record `key`.
    private static func attempt<T>(_ key: String, _ body: () throws -> T) -> Result<T, DatasetFailure> {
        do {
            return .success(try body())
        } catch {
            return .failure(DatasetFailure(key: key, reason: "\(error)"))
        }
    }
}
