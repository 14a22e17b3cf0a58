import HrecSQL

/// Resolves a statement's column usage (`HrecSQL.ColumnUsage`) through table schemas: each
/// name becomes the columns of the tables that have it, each `*` every column of its tables.
/// A table without a schema, or a wildcard table, leaves the columns unresolved.
public enum ColumnResolver {
    /// Resolves `usage` with `schemas` (the tables.get schema of each table hrec could fetch).
    public static func resolve(_ usage: ColumnUsage, schemas: [TableRef: [SchemaField]]) -> ResolvedColumns {
        var resolved = ResolvedColumns()
        resolved.stars = usage.stars
        resolved.unresolved = usage.unresolved
        resolved.starUnresolved = usage.unresolved
        var missing: Set<TableRef> = []
        func schema(_ table: TableRef) -> [SchemaField]? {
            if let fields = schemas[table] { return fields }
            missing.insert(table)
            return nil
        }
        for table in usage.stars.union(usage.writesAll).sorted() {
            guard let fields = schema(table) else { continue }
            let except = usage.writesAll.contains(table) ? [] : usage.excepted[table] ?? []
            resolved.columns.formUnion(everyColumn(of: table, fields.filter { !except.contains($0.name.uppercased()) }))
        }
        // Upper-cased top-level names of each table, looked up once per distinct reference.
        var names: [TableRef: [String: SchemaField]] = [:]
        for reference in Set(usage.references) {
            for table in reference.tables {
                guard let fields = schema(table) else { continue }
                if names[table] == nil {
                    names[table] = Dictionary(fields.map { ($0.name.uppercased(), $0) }, uniquingKeysWith: { first, _ in first })
                }
                guard let first = reference.path.first, let field = names[table]?[first.uppercased()] else { continue }
                resolved.columns.formUnion(columns(named: reference.path.dropFirst(), under: field, in: table))
            }
        }
        for table in missing.sorted() {
            resolved.unresolved.append(table.table.contains("*")
                ? "\(table) is a wildcard table: its columns are not resolved"
                : "no schema for \(table) (the upstream did not give one)")
        }
        return resolved
    }

    /// The column `field` of `table` and, along `path`, its nested field (matched without case,
    /// as BigQuery does, as deep as the schema goes: a JSON column's keys stop at the column),
    /// with every field under it.
    static func columns(named path: ArraySlice<String>, under field: SchemaField, in table: TableRef) -> [ColumnName] {
        var matched = [field.name]
        var current = field
        for part in path {
            guard let next = current.fields.first(where: { $0.name.equalsIgnoringCase(part) }) else { break }
            matched.append(next.name)
            current = next
        }
        let prefix = matched.joined(separator: ".")
        return [ColumnName(table: table, path: prefix)] + everyColumn(of: table, current.fields, prefix: prefix)
    }

    /// Every column and nested field of `fields`.
    static func everyColumn(of table: TableRef, _ fields: [SchemaField], prefix: String = "") -> [ColumnName] {
        fields.flatMap { field -> [ColumnName] in
            let path = prefix.isEmpty ? field.name : "\(prefix).\(field.name)"
            return [ColumnName(table: table, path: path)] + everyColumn(of: table, field.fields, prefix: path)
        }
    }
}

extension String {
    func equalsIgnoringCase(_ other: String) -> Bool { lowercased() == other.lowercased() }
}
