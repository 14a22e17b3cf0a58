import Foundation
import HrecCollector
import HrecJournal

/// Copies what a collector holds of the caller's sessions into a directory, one journal per
/// session (`{session}.hrec`), byte-identical to the recorder's file as far as it was collected,
/// so the local catalog (`hrec ls`, its filters) reads the team's sessions. Only frames not yet
/// copied are fetched.
public struct CollectorMirror: Sendable {
    let client: DeliveryClient
    /// Where the copies are kept (created 0700).
    public let directory: URL

    public init(client: DeliveryClient, directory: URL) {
        self.client = client
        self.directory = directory
    }

    /// Brings every session up to date.
    /// - Returns: the journal files, one per session.
    /// - Throws: `DeliveryError` (the collector's answer, or `.copy` for the local directory).
    public func refresh() async throws(DeliveryError) -> [URL] {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .copy("cannot create '\(directory.path)': \(error.localizedDescription)")
        }
        var files: [URL] = []
        for session in try await client.sessions() {
            guard let status = try await client.status(of: session) else { continue }
            let file = directory.appendingPathComponent("\(session).hrec")
            try await update(file, session: session, status: status)
            files.append(file)
        }
        return files
    }

    private func update(_ file: URL, session: SessionID, status: JournalStatus) async throws(DeliveryError) {
        let held = FileManager.default.contents(atPath: file.path).flatMap { try? JournalParts(bytes: [UInt8]($0), path: file.path) }
        if let held, held.units.count == Int(status.frames), (held.index != nil) == status.index { return }
        var bytes: [UInt8]
        var next: UInt64
        if let held, held.index == nil, held.stop == nil, held.units.count <= Int(status.frames) {
            bytes = held.preamble + held.units.flatMap(\.bytes)
            next = UInt64(held.units.count)
        } else {
            bytes = try await client.part(session, "preamble")
            next = 0
        }
        while next < status.frames {
            bytes += try await client.part(session, String(next))
            next += 1
        }
        if status.index { bytes += try await client.part(session, "index") }
        let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(session).\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: temporary.path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw .copy("cannot write '\(temporary.path)'")
        }
        if rename(temporary.path, file.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw .copy("cannot rename into '\(file.path)'")
        }
    }
}
