import HrecSQL

/// One column of one table: the table and the column's dotted path (`address.city` for a nested field).
public struct ColumnName: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var table: TableRef
    public var path: String

    public init(table: TableRef, path: String) {
        self.table = table
        self.path = path
    }

    /// `project.dataset.table.column.field`.
    public var description: String { "\(table).\(path)" }
    public static func < (a: ColumnName, b: ColumnName) -> Bool { a.description < b.description }

    /// The path and each of its ancestors, longest first (`address.city`, `address`): a rule over a
    /// RECORD covers its fields.
    var paths: [String] {
        let parts = path.split(separator: ".")
        return (1...max(parts.count, 1)).reversed().map { parts.prefix($0).joined(separator: ".") }
    }

    /// The names a column glob is compared with: the bare path and the path under `table`,
    /// `dataset.table` and `project.dataset.table`, for the path and each ancestor.
    var globSubjects: [String] {
        paths.flatMap { path in
            [path, "\(table.table).\(path)", "\(table.dataset).\(table.table).\(path)", "\(table).\(path)"]
        }
    }

    /// Whether one of `globs` names this column (or a RECORD holding it).
    func matches(_ globs: [String]) -> Bool {
        globs.contains { glob in
            let pattern = Glob(glob)
            return globSubjects.contains { pattern.matches($0) }
        }
    }

    /// Whether the masking section masks this column (a column rule whose table glob, if any,
    /// matches the table and whose column glob matches the path, an ancestor, or the field's own name).
    func isMasked(by masking: MaskingPolicy) -> Bool {
        let name = String(path.split(separator: ".").last ?? "")
        return masking.columns.contains { rule in
            guard rule.table.map({ Glob($0).matches(table.description) }) ?? true else { return false }
            let pattern = Glob(rule.column)
            return pattern.matches(name) || paths.contains { pattern.matches($0) }
        }
    }
}

/// The columns one statement reads or writes, resolved through its tables' schemas.
public struct ResolvedColumns: Sendable, Equatable {
    /// Every column read or written (a RECORD with all its fields).
    public var columns: Set<ColumnName> = []
    /// Tables whose every column the statement selects.
    public var stars: Set<TableRef> = []
    /// Why some columns could not be resolved: a rule with `columns` or `masked` then fails closed.
    public var unresolved: [String] = []
    /// Why the SQL's stars could not be read: a rule with `star` then fails closed.
    public var starUnresolved: [String] = []

    public init() {}
}
