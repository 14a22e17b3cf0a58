/// Cuts a BigQuery result body (a JSON object with a `rows` array) into pieces as its bytes
/// arrive, so that rows can be masked and forwarded before the whole body is in: the part
/// before the rows (up to and including `"rows":[`), runs of complete rows, and the rest.
///
/// It tracks only what it must (depth, strings and escapes, the top-level member names); the
/// bytes are checked as JSON by whoever reads the pieces (the masker parses every row, and the
/// prefix and rest are scanned whole).
public struct RowStreamSplitter: Sendable {
    /// One piece of the body, in order; the pieces concatenated are the body.
    public enum Piece: Equatable, Sendable {
        /// Everything up to and including the `[` that opens `rows`.
        case prefix([UInt8])
        /// Separator bytes (`,`, whitespace) before the first row, then complete rows with the
        /// separators between them, and how many rows.
        case rows(leading: [UInt8], elements: [UInt8], count: Int)
        /// What follows the last complete row: trailing separators, the `]` that closes `rows`,
        /// and the rest of the body as it arrives.
        case rest([UInt8])
    }

    private enum Phase { case prefix, rows, rest }

    private var phase = Phase.prefix
    private var pending: [UInt8] = []
    /// Bytes of `pending` already scanned (the scan resumes there).
    private var scanned = 0
    private var depth = 0
    private var inString = false
    private var escaped = false
    // The prefix: where the current string began, the last name at depth 1, the name a `:` follows.
    private var stringStart = 0
    private var lastName: [UInt8] = []
    private var valueOf: [UInt8]?
    // The rows: where the run of unsent rows begins, where the row in progress began, the end
    // of the last complete row, how many complete rows the run has.
    private var runStart: Int?
    private var rowStart: Int?
    private var lastRowEnd = 0
    private var rowsInRun = 0
    /// Bytes held while looking for a boundary before giving up.
    public let maxPending: Int
    /// 128 MiB, as much as the gate takes in whole by default: BigQuery's largest single row
    /// is 100 MB (tabledata.list).
    public static let defaultMaxPending = 128 << 20

    public init(maxPending: Int = defaultMaxPending) {
        self.maxPending = maxPending
    }

    /// Whether the `rows` array has been found (the prefix is out).
    public var foundRows: Bool { phase != .prefix }

    /// The bytes held back (the body so far, while `rows` has not been found).
    public var held: [UInt8] { pending }

    /// Takes more of the body; returns the pieces now complete.
    /// - Throws: `MaskingError` when a row is not an object or an array, or a single row (or the
    ///   part before the rows) grows past `maxPending` bytes.
    public mutating func feed(_ bytes: some Collection<UInt8>) throws(MaskingError) -> [Piece] {
        pending.append(contentsOf: bytes)
        var pieces: [Piece] = []
        if phase == .prefix { scanPrefix(into: &pieces) }
        if phase == .rows { try scanRows(into: &pieces) }
        if phase == .rest, !pending.isEmpty {
            pieces.append(.rest(pending))
            pending.removeAll(keepingCapacity: true)
            scanned = 0
        }
        if pending.count > maxPending {
            throw MaskingError(offset: 0, reason: "more than \(maxPending) bytes arrived without a row boundary")
        }
        return pieces
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t")
    }

    /// Follows one byte inside a string (escapes included); true when it closes the string.
    private mutating func endsString(_ byte: UInt8) -> Bool {
        if escaped {
            escaped = false
        } else if byte == UInt8(ascii: "\\") {
            escaped = true
        } else if byte == UInt8(ascii: "\"") {
            inString = false
            return true
        }
        return false
    }

    /// Scans the part before `rows`; emits it once `"rows":[` is seen at the top level.
    private mutating func scanPrefix(into pieces: inout [Piece]) {
        while scanned < pending.count {
            let byte = pending[scanned]
            scanned += 1
            if inString {
                if endsString(byte), depth == 1 { lastName = Array(pending[stringStart..<(scanned - 1)]) }
                continue
            }
            if Self.isSpace(byte) { continue }
            let after = valueOf
            valueOf = nil
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                stringStart = scanned
            case UInt8(ascii: ":") where depth == 1:
                valueOf = lastName
            case UInt8(ascii: "[") where depth == 1 && after == Array("rows".utf8):
                pieces.append(.prefix(Array(pending[..<scanned])))
                pending.removeFirst(scanned)
                scanned = 0
                depth = 0
                phase = .rows
                return
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
            default:
                break
            }
        }
    }

    /// Scans rows: a row begins with `{` or `[` at depth 0 inside the array and ends where its
    /// depth returns to 0; the array ends at a `]` at depth 0.
    private mutating func scanRows(into pieces: inout [Piece]) throws(MaskingError) {
        while scanned < pending.count {
            let byte = pending[scanned]
            let index = scanned
            scanned += 1
            if inString {
                _ = endsString(byte)
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                guard depth > 0 else { throw MaskingError(offset: index, reason: "a row is not an object") }
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                if depth == 0 {
                    rowStart = index
                    if runStart == nil { runStart = index }
                }
                depth += 1
            case UInt8(ascii: "]") where depth == 0:
                flushRows(into: &pieces)
                phase = .rest
                return
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 {
                    lastRowEnd = scanned
                    rowsInRun += 1
                    rowStart = nil
                }
            case UInt8(ascii: ","):
                break
            default:
                if depth == 0 && !Self.isSpace(byte) { throw MaskingError(offset: index, reason: "a row is not an object") }
            }
        }
        flushRows(into: &pieces)
    }

    /// Emits the complete rows held, keeping a row in progress.
    private mutating func flushRows(into pieces: inout [Piece]) {
        guard rowsInRun > 0, let start = runStart else { return }
        pieces.append(.rows(leading: Array(pending[..<start]), elements: Array(pending[start..<lastRowEnd]), count: rowsInRun))
        pending.removeFirst(lastRowEnd)
        scanned -= lastRowEnd
        rowStart = rowStart.map { $0 - lastRowEnd }
        runStart = rowStart
        lastRowEnd = 0
        rowsInRun = 0
    }
}
