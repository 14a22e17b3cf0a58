/// A table (or view, dataset-level object) a statement touches, fully qualified.
public struct TableRef: Sendable, Hashable, CustomStringConvertible, Comparable {
    public var project: String
    public var dataset: String
    /// `*` for a whole dataset (DROP SCHEMA).
    public var table: String

    public init(project: String, dataset: String, table: String) {
        self.project = project
        self.dataset = dataset
        self.table = table
    }

    public var description: String { "\(project).\(dataset).\(table)" }
    public static func < (a: TableRef, b: TableRef) -> Bool { a.description < b.description }
}

/// What one statement is and what it reads and writes.
public struct StatementAnalysis: Sendable, Equatable {
    /// BigQuery-style statement kind: SELECT, INSERT, UPDATE, DELETE, MERGE, TRUNCATE_TABLE,
    /// CREATE_TABLE, CREATE_TABLE_AS_SELECT, CREATE_VIEW, DROP_TABLE, DROP_SCHEMA, ALTER_TABLE,
    /// EXPORT_DATA, LOAD_DATA, GRANT, REVOKE, CALL, EXECUTE_IMMEDIATE, ... or UNKNOWN.
    public var kind: String
    public var reads: Set<TableRef>
    public var writes: Set<TableRef>
    /// The statement's text range in the SQL (byte offsets).
    public var range: Range<Int>
    /// Where the statement uses columns, read from its SQL (nil for statements without SQL:
    /// see `columnUsage`).
    public var columns: ColumnUsage?

    public init(kind: String, reads: Set<TableRef> = [], writes: Set<TableRef> = [], range: Range<Int> = 0..<0) {
        self.kind = kind
        self.reads = reads
        self.writes = writes
        self.range = range
    }

    /// Kind, tables and range: what the statement is. The column usage is derived from the same
    /// text, so two analyses of one statement agree on it; it is left out of the comparison.
    public static func == (a: StatementAnalysis, b: StatementAnalysis) -> Bool {
        a.kind == b.kind && a.reads == b.reads && a.writes == b.writes && a.range == b.range
    }
}

/// The analysis of a whole request: every statement, including those inside BEGIN...END,
/// IF, loops and exception handlers.
public struct ScriptAnalysis: Sendable, Equatable {
    public var statements: [StatementAnalysis]
    /// More than one statement, or procedural blocks.
    public var isScript: Bool

    public var kinds: [String] { statements.map(\.kind) }
    public var reads: Set<TableRef> { statements.reduce(into: []) { $0.formUnion($1.reads) } }
    public var writes: Set<TableRef> { statements.reduce(into: []) { $0.formUnion($1.writes) } }
    /// Whether any statement's kind is unknown or dynamic (the gate then fails closed).
    public var hasUnknown: Bool { statements.contains { $0.kind == "UNKNOWN" || $0.kind == "EXECUTE_IMMEDIATE" } }
}
