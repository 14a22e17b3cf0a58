import Foundation
import HrecCollector
import HrecDelivery
import HrecJournal

/// `hrec verify --collector`: fetches what a collector holds of a journal's session and says
/// where the local file first differs from it.
struct CollectorCheck {
    let client: DeliveryClient

    /// One line for people, and whether the file diverges from the collected copy.
    func compare(file: String) async throws -> (String, Bool) {
        guard let data = FileManager.default.contents(atPath: file) else { return ("\(file): cannot read it to compare with \(client.baseURL)", true) }
        let local = try JournalParts(bytes: [UInt8](data), path: file)
        let session = try JournalParts.preambleFields(local.preamble, path: file).sessionID
        guard let status = try await client.status(of: session) else {
            return ("\(file): the collector at \(client.baseURL) holds nothing of session \(session) (0 frames collected, \(local.units.count) local)", true)
        }
        let preamble = try await client.part(session, "preamble")
        var units: [[UInt8]] = []
        for index in 0..<status.frames { units.append(try await client.part(session, String(index))) }
        let index = status.index ? try await client.part(session, "index") : nil
        let comparison = JournalComparison(local: local, preamble: preamble, units: units, index: index)
        let counts = "\(comparison.collectedFrames) frames collected, \(comparison.localFrames) local\(comparison.indexCollected ? ", index collected" : "")"
        if let divergence = comparison.divergence {
            let place = divergence.frame.map { "frame \($0)" } ?? (divergence.detail.contains("preamble") ? "the preamble" : "the index")
            return ("\(file): DIVERGES from the collector at \(client.baseURL) at \(place): \(divergence.detail) (\(counts))", true)
        }
        return ("\(file): matches the collector at \(client.baseURL) (\(counts))", false)
    }
}
