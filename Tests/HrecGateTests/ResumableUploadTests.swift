import Foundation
import Testing
@testable import HrecGate

@Suite struct ResumableUploadTests {
    let base = "http://127.0.0.1:9050"

    @Test func anUploadIsFoundOnlyForItsIdentityAndProjectUntilItExpires() throws {
        let uploads = ResumableUploads(lifetime: 60)
        let start = Date()
        let id = try #require(uploads.register(location: base + "/upload/bigquery/v2/projects/p/jobs?upload_id=UP", upstreamBase: base,
                                               subject: "ada", project: "p", now: start))
        #expect(id.count == 32)
        #expect(uploads.upload(id, subject: "ada", project: "p", now: start)?.upstreamPathAndQuery
                == "/upload/bigquery/v2/projects/p/jobs?upload_id=UP")
        #expect(uploads.upload(id, subject: "mallory", project: "p", now: start) == nil)
        #expect(uploads.upload(id, subject: "ada", project: "other", now: start) == nil)
        #expect(uploads.upload(id, subject: "ada", project: "p", now: start.addingTimeInterval(61)) == nil)
        #expect(uploads.upload("UP", subject: "ada", project: "p", now: start) == nil)
        uploads.finish(id)
        #expect(uploads.upload(id, subject: "ada", project: "p", now: start) == nil)
    }

    @Test func startingUploadsWithoutEndEvictsTheOneClosestToExpiryNotTheMemory() throws {
        let uploads = ResumableUploads(lifetime: 60, capacity: 2)
        let start = Date()
        let location = base + "/upload/bigquery/v2/projects/p/jobs?upload_id="
        let first = try #require(uploads.register(location: location + "1", upstreamBase: base, subject: "ada", project: "p", now: start))
        let second = try #require(uploads.register(location: location + "2", upstreamBase: base, subject: "ada", project: "p",
                                                   now: start.addingTimeInterval(1)))
        let third = try #require(uploads.register(location: location + "3", upstreamBase: base, subject: "ada", project: "p",
                                                  now: start.addingTimeInterval(2)))
        let now = start.addingTimeInterval(3)
        #expect(uploads.upload(first, subject: "ada", project: "p", now: now) == nil)
        #expect(uploads.upload(second, subject: "ada", project: "p", now: now) != nil)
        #expect(uploads.upload(third, subject: "ada", project: "p", now: now) != nil)
    }

    @Test(arguments: ["http://evil.example/upload?x=1", "http://127.0.0.1:90501/upload", "/upload/relative", "http://127.0.0.1:9050"])
    func aSessionURLOffTheUpstreamIsNotRegistered(location: String) {
        #expect(ResumableUploads().register(location: location, upstreamBase: base, subject: "ada", project: "p") == nil)
    }

    @Test func thePipeCarriesEveryByteInOrderBetweenThreads() async throws {
        let pipe = UploadPipe(capacity: 1000)
        let chunks = (0..<200).map { index in [UInt8](repeating: UInt8(index), count: 97) }
        let consumer = Thread.detachNewThreadResult {
            var received: [UInt8] = []
            var buffer = [CChar](repeating: 0, count: 64)
            while let count = buffer.withUnsafeMutableBufferPointer({ pipe.read(into: $0.baseAddress!, count: $0.count) }), count > 0 {
                received += buffer.prefix(count).map { UInt8(bitPattern: $0) }
            }
            return received
        }
        for chunk in chunks { #expect(await pipe.write(chunk)) }
        pipe.finish(complete: true)
        #expect(await consumer.value == chunks.flatMap { $0 })
    }

    @Test func aBrokenBodyAbortsTheReaderAndAGoneReaderStopsTheWriter() async {
        let pipe = UploadPipe(capacity: 10)
        #expect(await pipe.write([1, 2, 3]))
        pipe.finish(complete: false)
        var buffer = [CChar](repeating: 0, count: 8)
        #expect(buffer.withUnsafeMutableBufferPointer { pipe.read(into: $0.baseAddress!, count: 8) } == nil)
        let other = UploadPipe(capacity: 4)
        #expect(await other.write([1, 2, 3, 4]))
        other.close()
        #expect(await other.write([5]) == false)
    }
}

extension Thread {
    /// Runs `work` on a new thread (blocking reads must not run on the concurrency pool).
    static func detachNewThreadResult<T: Sendable>(_ work: @escaping @Sendable () -> T) -> Task<T, Never> {
        Task {
            await withCheckedContinuation { continuation in
                Thread.detachNewThread { continuation.resume(returning: work()) }
            }
        }
    }
}
