/// One problem in a policy file, with where it is.
public struct PolicyIssue: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String
    public var description: String { "\(line):\(column): \(message)" }
}

/// A policy file that cannot be used: every problem found, each with its line and column.
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var issues: [PolicyIssue]
    public var description: String {
        issues.map { "\(path):\($0)" }.joined(separator: "\n")
    }
}
