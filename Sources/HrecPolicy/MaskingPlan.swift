/// Which style applies to which column of one response, and which detectors run: the policy's
/// masking section resolved against the tables a request reads and the response's schema.
public struct MaskingPlan: Sendable {
    /// Style per leaf column path (`email`, `address.city`); a RECORD's style applies to its leaves.
    public var columns: [String: MaskingStyle]
    public var detectors: [MaskingPolicy.DetectorRule]

    public var isEmpty: Bool { columns.isEmpty && detectors.isEmpty }

    /// Resolves `policy` for a response with `schema` from a request reading `tables`
    /// (`project.dataset.table`). Column rules with a table glob apply when a read table matches.
    public init(policy: MaskingPolicy, schema: [SchemaField], tables: [String]) {
        detectors = policy.detectors
        columns = [:]
        let rules = policy.columns.filter { rule in
            rule.table.map { glob in tables.contains { Glob($0 == "" ? "" : glob).matches($0) } } ?? true
        }
        guard !rules.isEmpty else { return }
        func visit(_ fields: [SchemaField], prefix: String, inherited: MaskingStyle?) {
            for field in fields {
                let path = prefix.isEmpty ? field.name : "\(prefix).\(field.name)"
                let own = rules.first { Glob($0.column).matches(path) || Glob($0.column).matches(field.name) }?.style
                let style = own ?? inherited
                if field.isRecord {
                    visit(field.fields, prefix: path, inherited: style)
                } else if let style {
                    columns[path] = style
                }
            }
        }
        visit(schema, prefix: "", inherited: nil)
    }
}
