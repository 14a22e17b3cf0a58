/// Every statement kind the gate can give a request: the kinds `SQLAnalyzer` classifies SQL
/// into, the kinds BigQuery calls without SQL map onto, the kinds of copy, extract and load
/// jobs, and BigQuery's own `statementType` values from dry runs. A policy naming a kind outside
/// this list names nothing (a typo), so the policy parser refuses it.
public enum StatementKind {
    /// All known kinds (upper case).
    public static let all: Set<String> = {
        var kinds: Set<String> = [
            "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE_TABLE", "CREATE_TABLE_AS_SELECT",
            "EXPORT_DATA", "EXPORT_MODEL", "LOAD_DATA", "COPY_TABLE", "GRANT", "REVOKE", "CALL", "EXECUTE_IMMEDIATE",
            "DECLARE", "SET", "ASSERT", "BEGIN_TRANSACTION", "COMMIT_TRANSACTION", "ROLLBACK_TRANSACTION", "CONTROL", "SCRIPT",
            // Calls without SQL (EndpointStatement) and jobs.list.
            "LIST_ROWS", "GET_TABLE", "LIST_TABLES", "GET_DATASET", "LIST_DATASETS", "LIST_JOBS",
        ]
        for (_, object) in SQLAnalyzer.objects {
            for verb in ["CREATE", "DROP", "ALTER"] { kinds.insert("\(verb)_\(object)") }
        }
        return kinds
    }()
}
