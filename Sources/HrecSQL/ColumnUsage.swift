/// A column path named in a statement (`ssn`, `c.ssn`, `address.city`), with the tables it can
/// belong to. The schema decides which of them has it (`ColumnResolver` in HrecPolicy).
public struct ColumnReference: Sendable, Hashable, CustomStringConvertible {
    /// The column, then nested field names (`["address", "city"]`), as written.
    public var path: [String]
    /// Its qualifier's table (`c.ssn` with `FROM shop.customers c`), or every table the
    /// statement reads or writes when it is unqualified (or its qualifier names no table).
    public var tables: [TableRef]

    public init(path: [String], tables: [TableRef]) {
        self.path = path
        self.tables = tables
    }

    public var description: String { path.joined(separator: ".") }
}

/// Where one statement uses columns, before any schema is known: the names its expressions
/// use, the tables it takes every column of, and what could not be analysed.
///
/// The reading over-approximates, never under-: a name that could belong to several tables is
/// counted for each, `* EXCEPT (...)` still counts as a star (only its columns leave out the
/// excepted ones), and whatever the analysis cannot attribute is listed in `unresolved` (rules
/// that need columns then fail closed).
public struct ColumnUsage: Sendable, Equatable {
    /// Column paths named in the select list, WHERE, JOIN, GROUP BY, function arguments, CTEs and subqueries.
    public var references: [ColumnReference] = []
    /// Tables whose every column is selected: `SELECT *`, `t.*`, a table alias used as a value
    /// (`SELECT c FROM customers c`), at any depth (a CTE or subquery feeding the result), and
    /// whole-table reads without SQL (tabledata.list, copy and extract jobs).
    public var stars: Set<TableRef> = []
    /// For a table in `stars` selected only by `* EXCEPT (...)`: the (upper-cased) columns every
    /// one of those stars leaves out. A table selected by a plain `*` has no entry.
    public var excepted: [TableRef: Set<String>] = [:]
    /// Tables whose every column is written or removed (INSERT without a column list, DELETE,
    /// TRUNCATE, DROP TABLE, load jobs).
    public var writesAll: Set<TableRef> = []
    /// Why the statement's columns cannot be attributed with certainty (empty when they can).
    public var unresolved: [String] = []

    public init(references: [ColumnReference] = [], stars: Set<TableRef> = [], writesAll: Set<TableRef> = [], unresolved: [String] = []) {
        self.references = references
        self.stars = stars
        self.writesAll = writesAll
        self.unresolved = unresolved
    }

    /// Adds a star over `tables` leaving out `except` (upper-cased names; empty for a plain `*`).
    public mutating func addStar(_ tables: Set<TableRef>, except: Set<String> = []) {
        for table in tables {
            if stars.insert(table).inserted {
                if !except.isEmpty { excepted[table] = except }
            } else if let left = excepted[table] {
                let both = left.intersection(except)
                excepted[table] = both.isEmpty ? nil : both
            }
        }
    }

    /// Every table whose schema the references, stars and writes need.
    public var tables: Set<TableRef> {
        references.reduce(into: stars.union(writesAll)) { $0.formUnion($1.tables) }
    }

    /// Kinds that read or write no column data (metadata and transaction control).
    static let columnless: Set<String> = [
        "GET_TABLE", "LIST_TABLES", "GET_DATASET", "LIST_DATASETS", "LIST_JOBS", "BEGIN_TRANSACTION", "COMMIT_TRANSACTION", "ROLLBACK_TRANSACTION",
    ]

    /// The usage of a statement whose text hrec does not analyse for columns (calls without SQL,
    /// DDL, CALL, ...): every column of each table it reads (`CLONE`, `COPY` and `LIKE` sources
    /// too) and of each table it writes, except a table being created (it has no columns yet) and
    /// kinds that touch no column data.
    public static func wholeTables(of statement: StatementAnalysis) -> ColumnUsage {
        guard !columnless.contains(statement.kind) else { return ColumnUsage() }
        let created = statement.kind.hasPrefix("CREATE_") ? statement.writes : []
        return ColumnUsage(stars: statement.reads, writesAll: statement.writes.subtracting(created))
    }
}

extension StatementAnalysis {
    /// The statement's column usage: its own analysis, or the whole tables it reads and writes
    /// when it has none (`ColumnUsage.wholeTables(of:)`).
    public var columnUsage: ColumnUsage { columns ?? .wholeTables(of: self) }
}
