import Crypto
import Foundation
import HrecJournal

/// Binding catalog rows to their journals (see `SessionCatalog`): the verified chain head read
/// with the journal, and an HMAC over each row and its texts.
extension SessionCatalog {
    /// Verifies and reads the journal once: the summary comes from the verified part only.
    /// - Returns: the digest (nil when unreadable), the verified chain head, the failure if any.
    static func read(_ url: URL) -> (JournalDigest?, String, String?) {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            return (nil, "", "cannot read '\(url.path)'")
        }
        let bytes = [UInt8](data)
        let report = JournalVerifier.verify(bytes: bytes, path: url.path, trust: JournalTrust(anySigner: true))
        let verified = report.isIntact ? bytes : Array(bytes.prefix(Int(report.intactBytes)))
        do {
            let reader = try JournalReader(bytes: verified, url: url)
            return (try JournalDigest(reader: reader), report.chainHead, nil)
        } catch let error as JournalError {
            return (nil, report.chainHead, error.description)
        } catch {
            return (nil, report.chainHead, "\(error)")
        }
    }

    /// Whether the stored row still matches its journal's signed chain head and its own MAC.
    func isBound(path: String) throws -> Bool {
        var storedHead: String?
        try database.query("SELECT chain_head FROM sessions WHERE path = ?", [.text(path)]) { storedHead = $0.text(0) }
        guard let storedHead, !storedHead.isEmpty, JournalTail.chainHead(path: path) == storedHead else { return false }
        guard key != nil else { return true }
        var storedMAC: String?
        try database.query("SELECT mac FROM sessions WHERE path = ?", [.text(path)]) { storedMAC = $0.text(0) }
        return try storedMAC == mac(path: path)
    }

    /// Writes the row's MAC (after the row and its texts are stored).
    func seal(path: String) throws {
        guard key != nil else { return }
        try database.query("UPDATE sessions SET mac = ? WHERE path = ?", [.text(try mac(path: path) ?? ""), .text(path)])
    }

    /// HMAC-SHA256 over every column of the row but the MAC, then every text of the row in order.
    private func mac(path: String) throws -> String? {
        guard let key else { return nil }
        var hmac = HMAC<SHA256>(key: key)
        var found = false
        try database.query("SELECT * FROM sessions WHERE path = ?", [.text(path)]) { row in
            found = true
            for column in Int32(0)..<Int32(Self.macColumns) {
                let isNull = row.optionalInteger(column) == nil
                hmac.update(data: Data(((isNull ? "N" : "V") + row.text(column) + "\u{1f}").utf8))
            }
        }
        guard found else { return nil }
        try database.query("SELECT time, source, text, prompt FROM texts WHERE path = ? ORDER BY rowid", [.text(path)]) { row in
            let prompt = row.optionalInteger(3) == nil ? "N" : "V" + row.text(3)
            hmac.update(data: Data("\(row.integer(0))\u{1f}\(row.text(1))\u{1f}\(row.text(2))\u{1f}\(prompt)\u{1e}".utf8))
        }
        return Hex.encode(Array(hmac.finalize()))
    }

    /// Columns of `sessions` covered by the MAC: all but the last (`mac`).
    static let macColumns = 22
}
