import Foundation

/// Which sessions `hrec ls` shows; every condition set must hold.
public struct CatalogFilter: Sendable {
    /// Matches the identity email or the OS user exactly.
    public var user: String?
    /// Sessions that started at or after this time.
    public var since: Date?
    /// Sessions that started before this time.
    public var until: Date?
    /// A regular expression searched in the command line.
    public var commandPattern: String?
    /// A shell glob (`fnmatch`) matched against each table the session touched, both as stored
    /// (`project.dataset.table`) and without its project (`dataset.table`).
    public var tableGlob: String?
    /// `allow`, `deny` or `review`: sessions with at least one such decision.
    public var decision: String?
    /// Only sessions where some response was masked.
    public var maskedOnly = false
    /// Only sessions whose command exited with this status.
    public var exitStatus: Int32?
    /// Only sessions where the egress proxy denied a connection.
    public var netDeniedOnly = false
    /// Only sessions whose command ran without confinement.
    public var unconfinedOnly = false

    /// No conditions: every session.
    public init() {}

    /// Whether `summary` passes every condition.
    /// - Throws: `ExportError.invalidArgument` when the command pattern is not a valid regex.
    public func matches(_ summary: SessionSummary) throws(ExportError) -> Bool {
        if let user, summary.user != user, summary.osUser != user { return false }
        if let since, summary.startedAt < since { return false }
        if let until, summary.startedAt >= until { return false }
        if let decision, !summary.decisions.contains(decision.lowercased()) { return false }
        if maskedOnly, !summary.masked { return false }
        if netDeniedOnly, !summary.netDenied { return false }
        if unconfinedOnly, !summary.unconfined { return false }
        if let exitStatus, summary.exitStatus != exitStatus { return false }
        if let tableGlob, !summary.tables.contains(where: { Self.table($0, matches: tableGlob) }) { return false }
        if let commandPattern {
            let regex: NSRegularExpression
            do {
                regex = try NSRegularExpression(pattern: commandPattern)
            } catch {
                throw .invalidArgument("--command: '\(commandPattern)' is not a valid regular expression")
            }
            let range = NSRange(summary.command.startIndex..., in: summary.command)
            if regex.firstMatch(in: summary.command, range: range) == nil { return false }
        }
        return true
    }

    /// Parses `2026-11-22`, `2026-11-22T10:00:00Z` or `2026-11-22 10:00` (UTC unless an offset is given).
    /// - Throws: `ExportError.invalidArgument` naming `option` when the text is not a date.
    public static func parseDate(_ text: String, option: String) throws(ExportError) -> Date {
        let iso = ISO8601DateFormatter()
        if let date = iso.date(from: text) { return date }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        for format in ["yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        throw .invalidArgument("\(option): '\(text)' is not a date (use 2026-11-22, 2026-11-22 10:00 or ISO 8601)")
    }

    /// Whether `table` matches `glob` as `project.dataset.table` or as `dataset.table`.
    static func table(_ table: String, matches glob: String) -> Bool {
        if fnmatch(glob, table, 0) == 0 { return true }
        let parts = table.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3 && fnmatch(glob, parts[1...].joined(separator: "."), 0) == 0
    }
}
