import Crypto
import Foundation
import HrecJournal

/// Carries a request body from the client's connection (an async producer) to libcurl's read
/// callback (a blocking consumer on an upstream worker thread) without holding it whole: at most
/// `capacity` bytes wait in between, and the producer waits for room.
final class UploadPipe: @unchecked Sendable {
    // @unchecked Sendable: every member is read and written with `condition` locked.
    private let condition = NSCondition()
    private var chunks: [[UInt8]] = []
    private var offset = 0
    private var buffered = 0
    private var finished = false
    private var failed = false
    private var room: CheckedContinuation<Void, Never>?
    private let capacity: Int
    /// Bytes handed to the upstream so far.
    private(set) var delivered = 0
    /// SHA-256 of the bytes handed to the upstream so far.
    private var digest = SHA256()

    init(capacity: Int = 1 << 20) {
        self.capacity = capacity
    }

    /// Adds bytes from the client; waits while the pipe is full. Returns false once the
    /// consumer has gone (the upstream exchange ended or failed): stop reading then.
    func write(_ bytes: [UInt8]) async -> Bool {
        while true {
            let state: Bool? = condition.withLock {
                if failed { return false }
                if buffered < capacity { chunks.append(bytes); buffered += bytes.count; condition.broadcast(); return true }
                return nil
            }
            if let state { return state }
            await withCheckedContinuation { continuation in
                condition.withLock {
                    if buffered < capacity || failed { continuation.resume() } else { room = continuation }
                }
            }
        }
    }

    /// The client's body ended (`complete`) or broke off (the upstream exchange is aborted).
    func finish(complete: Bool) {
        condition.withLock {
            finished = true
            if !complete { failed = true }
            condition.broadcast()
        }
    }

    /// The consumer is gone: wake a waiting producer and refuse further bytes.
    func close() {
        condition.withLock {
            failed = true
            room?.resume()
            room = nil
            condition.broadcast()
        }
    }

    /// Copies up to `count` bytes into `buffer`, blocking until some arrive; 0 at the end of the
    /// body, nil when the body broke off (the transfer must be aborted).
    func read(into buffer: UnsafeMutablePointer<CChar>, count: Int) -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while chunks.isEmpty && !finished && !failed { condition.wait() }
        if failed { return nil }
        guard !chunks.isEmpty else { return 0 }
        let chunk = chunks[0]
        let length = min(count, chunk.count - offset)
        chunk.withUnsafeBufferPointer { source in
            buffer.withMemoryRebound(to: UInt8.self, capacity: length) { $0.update(from: source.baseAddress! + offset, count: length) }
            digest.update(bufferPointer: UnsafeRawBufferPointer(start: source.baseAddress! + offset, count: length))
        }
        offset += length
        buffered -= length
        delivered += length
        if offset == chunk.count {
            chunks.removeFirst()
            offset = 0
        }
        if buffered < capacity, let waiting = room {
            room = nil
            waiting.resume()
        }
        return length
    }

    /// The bytes handed to the upstream so far: how many, and their lower-case hex SHA-256.
    var deliveredDigest: (bytes: Int, sha256: String) {
        condition.withLock { (delivered, Hex.encode(Array(digest.finalize()))) }
    }
}
