import HrecSQL
import Testing

/// One statement's expected column usage: references as `table|path` (each listed one must be
/// there; `absent` ones must not), the tables selected whole, those written whole, and whether
/// the analysis gives up.
struct ColumnCase: Sendable, CustomStringConvertible {
    var sql: String
    var references: [String] = []
    var absent: [String] = []
    var stars: [String] = []
    var writesAll: [String] = []
    /// Upper-cased names every star on the (one) starred table leaves out.
    var excepted: [String] = []
    var unresolved = false
    var description: String { sql }
}

let customers = "p.shop.customers", orders = "p.shop.orders"

let columnCases: [ColumnCase] = [
    ColumnCase(sql: "SELECT c.ssn AS x FROM shop.customers c", references: ["\(customers)|ssn"], absent: ["\(customers)|x"]),
    ColumnCase(sql: "SELECT c.ssn x FROM shop.customers AS c WHERE c.id > 1", references: ["\(customers)|ssn", "\(customers)|id"]),
    ColumnCase(sql: "SELECT ssn FROM shop.customers", references: ["\(customers)|ssn"]),
    ColumnCase(sql: "SELECT customers.ssn FROM shop.customers", references: ["\(customers)|ssn"]),
    ColumnCase(sql: "WITH t AS (SELECT ssn FROM shop.customers) SELECT COUNT(*) FROM t", references: ["\(customers)|ssn"]),
    ColumnCase(sql: "SELECT id FROM (SELECT ssn, id FROM shop.customers) s WHERE s.id > 1", references: ["\(customers)|ssn", "\(customers)|id"]),
    ColumnCase(sql: "SELECT o.* FROM shop.orders o JOIN shop.customers c ON o.cid = c.id",
               references: ["\(orders)|cid", "\(customers)|id"], stars: [orders]),
    ColumnCase(sql: "SELECT * FROM shop.orders o JOIN shop.customers c USING (id)", references: ["\(customers),\(orders)|id"], stars: [customers, orders]),
    ColumnCase(sql: "WITH x AS (SELECT * FROM shop.customers) SELECT id FROM x", stars: [customers]),
    ColumnCase(sql: "SELECT * FROM (SELECT id FROM shop.customers)", references: ["\(customers)|id"]),
    ColumnCase(sql: "WITH x AS (SELECT id FROM shop.customers) SELECT * FROM x", references: ["\(customers)|id"]),
    ColumnCase(sql: "SELECT * EXCEPT (ssn) FROM shop.customers", absent: ["\(customers)|ssn"], stars: [customers], excepted: ["SSN"]),
    ColumnCase(sql: "SELECT c.* EXCEPT (ssn, `email`), * EXCEPT (ssn) FROM shop.customers c", stars: [customers], excepted: ["SSN"]),
    ColumnCase(sql: "SELECT * EXCEPT (ssn), c.* FROM shop.customers c", stars: [customers]),
    ColumnCase(sql: "SELECT DISTINCT * FROM shop.customers", stars: [customers]),
    ColumnCase(sql: "SELECT id, * FROM shop.customers", stars: [customers]),
    ColumnCase(sql: "SELECT ARRAY(SELECT AS STRUCT * FROM shop.customers)", stars: [customers]),
    ColumnCase(sql: "SELECT c FROM shop.customers c", stars: [customers]),
    ColumnCase(sql: "SELECT TO_JSON_STRING(c) FROM shop.customers AS c", stars: [customers]),
    ColumnCase(sql: "SELECT COUNT(*) FROM shop.customers"),
    ColumnCase(sql: "SELECT id * 2 FROM shop.customers", references: ["\(customers)|id"]),
    ColumnCase(sql: "SELECT SAFE.SUBSTR(name, 1) FROM shop.customers", references: ["\(customers)|name"], absent: ["\(customers)|SAFE.SUBSTR"]),
    ColumnCase(sql: "SELECT address.city FROM shop.customers", references: ["\(customers)|address.city"]),
    ColumnCase(sql: "SELECT c.address.* FROM shop.customers c", references: ["\(customers)|address"]),
    ColumnCase(sql: "SELECT name FROM shop.customers GROUP BY name HAVING MAX(`ssn`) > ''", references: ["\(customers)|name", "\(customers)|ssn"]),
    ColumnCase(sql: "SELECT (SELECT MAX(o.total) FROM shop.orders o WHERE o.cid = c.id) FROM shop.customers c",
               references: ["\(orders)|total", "\(orders)|cid", "\(customers)|id"]),
    // One alias for two tables: the name is counted for both.
    ColumnCase(sql: "SELECT t.ssn FROM shop.customers t UNION ALL SELECT t.id FROM shop.orders t", references: ["\(customers),\(orders)|ssn"]),
    ColumnCase(sql: "SELECT e FROM shop.customers c, UNNEST(c.emails) AS e", references: ["\(customers)|emails"]),
    ColumnCase(sql: "FROM shop.customers |> SELECT ssn", unresolved: true),
    // Aliases after FOR SYSTEM_TIME AS OF and TABLESAMPLE, and a backticked table name as qualifier.
    ColumnCase(sql: "SELECT TO_JSON_STRING(t) FROM shop.customers FOR SYSTEM_TIME AS OF CURRENT_TIMESTAMP() AS t", stars: [customers]),
    ColumnCase(sql: "SELECT TO_JSON_STRING(t) FROM shop.customers TABLESAMPLE SYSTEM (10 PERCENT) t", stars: [customers]),
    ColumnCase(sql: "SELECT `shop.customers`.ssn FROM shop.customers", references: ["\(customers)|ssn"]),
    ColumnCase(sql: "SELECT id FROM shop.customers FOR SYSTEM_TIME AS OF CURRENT_TIMESTAMP() WHERE id = 1", references: ["\(customers)|id"]),
    // Tables fed whole to a function, and MERGE's INSERT ROW copying the source row.
    ColumnCase(sql: "SELECT * FROM ML.PREDICT(MODEL shop.m, TABLE shop.customers)", stars: ["p.shop.m", customers]),
    ColumnCase(sql: "SELECT * FROM shop.tvf(1)", stars: ["p.shop.tvf"]),
    ColumnCase(sql: "MERGE shop.orders t USING shop.customers s ON t.id = s.id WHEN MATCHED THEN UPDATE SET cid = s.id",
               references: ["\(customers)|id", "\(customers),\(orders)|cid"]),
    ColumnCase(sql: "INSERT INTO shop.orders SELECT * FROM shop.customers", stars: [customers], writesAll: [orders]),
    ColumnCase(sql: "INSERT INTO shop.orders (id, total) VALUES (1, 2)", references: ["\(orders)|id", "\(orders)|total"]),
    ColumnCase(sql: "UPDATE shop.customers c SET ssn = NULL WHERE c.id = 1", references: ["\(customers)|ssn", "\(customers)|id"]),
    ColumnCase(sql: "DELETE FROM shop.customers WHERE id = 1", references: ["\(customers)|id"], writesAll: [customers]),
    ColumnCase(sql: "MERGE shop.orders t USING shop.customers s ON t.cid = s.id WHEN NOT MATCHED THEN INSERT ROW",
               references: ["\(orders)|cid", "\(customers)|id"], stars: [customers], writesAll: [orders]),
    ColumnCase(sql: "CREATE TABLE shop.n AS SELECT id FROM shop.customers", references: ["\(customers)|id"], absent: ["p.shop.n|id"]),
    ColumnCase(sql: "TRUNCATE TABLE shop.customers", writesAll: [customers]),
    ColumnCase(sql: "CREATE TABLE shop.c CLONE shop.customers", stars: [customers]),
    ColumnCase(sql: "IF (SELECT COUNT(ssn) FROM shop.customers) > 0 THEN SELECT 1; END IF", references: ["\(customers)|ssn"]),
]

@Suite struct ColumnUsageTests {
    let analyzer = SQLAnalyzer(defaultProject: "p", defaultDataset: "d")

    func usage(_ sql: String) throws -> ColumnUsage {
        let statements = try analyzer.analyze(sql).statements
        var merged = ColumnUsage()
        for statement in statements {
            let usage = statement.columnUsage
            merged.references += usage.references
            merged.addStar(usage.stars.subtracting(usage.excepted.keys))
            for (table, except) in usage.excepted { merged.addStar([table], except: except) }
            merged.writesAll.formUnion(usage.writesAll)
            merged.unresolved += usage.unresolved
        }
        return merged
    }

    @Test(arguments: columnCases)
    func columnsAreAttributed(_ testCase: ColumnCase) throws {
        let usage = try usage(testCase.sql)
        let references = Set(usage.references.map { "\($0.tables.map(\.description).sorted().joined(separator: ","))|\($0)" })
        for expected in testCase.references {
            #expect(references.contains(expected), "\(expected) not in \(references.sorted())")
        }
        for absent in testCase.absent {
            let path = absent.split(separator: "|").last.map(String.init) ?? ""
            #expect(!usage.references.contains { $0.description == path && $0.tables.map(\.description).contains(String(absent.split(separator: "|")[0])) },
                    "\(absent) in \(references.sorted())")
        }
        #expect(usage.stars.map(\.description).sorted() == testCase.stars.sorted())
        #expect(usage.writesAll.map(\.description).sorted() == testCase.writesAll.sorted())
        #expect(usage.unresolved.isEmpty != testCase.unresolved, "\(usage.unresolved)")
        #expect(usage.excepted.values.flatMap { $0 }.sorted() == testCase.excepted)
    }

    @Test func callsWithoutSQLUseWholeTables() {
        let table = TableRef(project: "p", dataset: "shop", table: "customers")
        #expect(StatementAnalysis(kind: "LIST_ROWS", reads: [table]).columnUsage.stars == [table])
        #expect(StatementAnalysis(kind: "COPY_TABLE", reads: [table]).columnUsage.stars == [table])
        #expect(StatementAnalysis(kind: "GET_TABLE", reads: [table]).columnUsage == ColumnUsage())
        #expect(StatementAnalysis(kind: "DROP_TABLE", writes: [table]).columnUsage.writesAll == [table])
        #expect(StatementAnalysis(kind: "CREATE_TABLE", writes: [table]).columnUsage == ColumnUsage())
    }
}

@Suite struct ColumnUsageScaleTests {
    /// Statements near the gate's 1 MiB query limit, built to make a quadratic analysis crawl:
    /// 150,000 stars, 60,000 qualified names, 8,000 aliased subqueries.
    static let statements = [
        "SELECT " + Array(repeating: "*", count: 150_000).joined(separator: ", ") + " FROM shop.customers",
        "SELECT " + (0..<60_000).map { "c.col\($0 % 50)" }.joined(separator: ", ") + " FROM shop.customers c JOIN shop.orders o ON o.cid = c.id",
        (0..<8_000).map { "SELECT ssn, id FROM shop.customers t\($0) WHERE t\($0).id > \($0)" }.joined(separator: " UNION ALL "),
    ]

    @Test(arguments: statements.indices)
    func largeStatementsAreAnalysedQuickly(_ index: Int) throws {
        let sql = Self.statements[index]
        let clock = ContinuousClock()
        var usage = ColumnUsage()
        let elapsed = try clock.measure { usage = try SQLAnalyzer(defaultProject: "p").analyze(sql).statements[0].columnUsage }
        #expect(elapsed < .seconds(15), "statement \(index), \(sql.utf8.count) bytes, took \(elapsed)")
        #expect(!usage.stars.isEmpty || !usage.references.isEmpty)
        print("column analysis of statement \(index), \(sql.utf8.count) bytes: \(elapsed)")
    }
}
