import Foundation
import HrecJournal

/// Builds RFC 4180 CSV text: a header row, then rows; fields with commas, quotes or line breaks
/// are quoted, quotes doubled; lines end with CRLF.
public struct CSVTable: Sendable {
    public private(set) var text: String

    /// Starts a table with `columns` as its header row.
    public init(columns: [String]) {
        text = ""
        append(columns)
    }

    /// Appends one row.
    public mutating func append(_ fields: [String]) {
        text += fields.map(Self.quote).joined(separator: ",") + "\r\n"
    }

    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// ISO 8601 UTC with milliseconds, for timestamps in every CSV.
    public static func timestamp(micros: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(micros) / 1_000_000))
    }
}

/// `--format csv`: the access log, one row per BigQuery call (its gate events joined) and per
/// egress proxy connection (`net.connect`: endpoint `net.connect`, resources `host:port`, bytes both ways).
public struct AccessLogEncoder: SessionEncoder {
    /// The columns, in order.
    public static let columns = ["time", "principal_email", "subject", "client_ip", "session_id", "endpoint",
                                 "resources", "statement_kind", "decision", "rule", "approvers", "bytes", "rows",
                                 "masked_columns", "prompt_id", "prompt"]

    public init() {}

    public func encode(_ reader: JournalReader, emit: (Data) throws -> Void) throws {
        var table = CSVTable(columns: Self.columns)
        var merger = AccessLogMerger()
        try reader.eachRecord { record in
            guard case let .event(event) = record.body else { return }
            let access = AccessEvent(event: event, time: record.time)
            guard access.isAccess else { return }
            for entry in merger.add(access) { table.append(Self.row(entry, header: reader.header)) }
        }
        for entry in merger.finish() { table.append(Self.row(entry, header: reader.header)) }
        try emit(Data(table.text.utf8))
    }

    /// The access-log row for `event` in the session described by `header`; the principal
    /// defaults to the session's identity when the event does not name one.
    public static func row(_ event: AccessEvent, header: SessionHeader) -> [String] {
        [CSVTable.timestamp(micros: header.startedAtMicros + Int64(event.time)),
         event.principalEmail ?? header.identity?.email ?? "", event.subject ?? header.identity?.subject ?? "",
         event.clientIP ?? "", header.sessionID.description, event.endpoint ?? "",
         event.resources.joined(separator: ";"), event.statementKind ?? "", event.decision ?? "",
         event.ruleIDs.joined(separator: ";"), event.approvers.joined(separator: ";"),
         event.bytes.map(String.init) ?? "", event.rows.map(String.init) ?? "",
         event.maskedColumns.joined(separator: ";"), event.promptID.map(String.init) ?? "", event.prompt ?? ""]
    }
}
