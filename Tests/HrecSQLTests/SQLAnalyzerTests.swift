import HrecSQL
import Testing

@Suite struct SQLAnalyzerTests {
    let analyzer = SQLAnalyzer(defaultProject: "p", defaultDataset: "d")

    @Test func thereAreAtLeast150Statements() {
        #expect(statementCases.count >= 150)
    }

    @Test(arguments: statementCases)
    func statementIsClassified(_ testCase: StatementCase) throws {
        let analysis = try analyzer.analyze(testCase.sql)
        #expect(analysis.kinds == testCase.kinds)
        #expect(analysis.reads.map(\.description).sorted() == testCase.reads.sorted())
        #expect(analysis.writes.map(\.description).sorted() == testCase.writes.sorted())
    }

    @Test(arguments: malformedCases.indices)
    func malformedSQLIsAnErrorWithItsPosition(_ index: Int) {
        let (sql, line, column) = malformedCases[index]
        do {
            let analysis = try analyzer.analyze(sql)
            Issue.record("accepted \(sql.debugDescription) as \(analysis.kinds)")
        } catch {
            #expect(error.line == line && error.column == column, "\(sql.debugDescription): \(error)")
        }
    }

    @Test func scriptsAreMarkedAndUnknownIsFlagged() throws {
        #expect(try analyzer.analyze("SELECT 1").isScript == false)
        #expect(try analyzer.analyze("SELECT 1; SELECT 2").isScript)
        #expect(try analyzer.analyze("BEGIN SELECT 1; END").isScript)
        #expect(try analyzer.analyze("EXECUTE IMMEDIATE 'x'").hasUnknown)
        #expect(try analyzer.analyze("SELECT 1; SHOW TABLES").hasUnknown)
        #expect(try !analyzer.analyze("SELECT 1; DROP TABLE x.t").hasUnknown)
    }

    @Test func withoutADefaultDatasetUnqualifiedTablesStayVisible() throws {
        let analysis = try SQLAnalyzer(defaultProject: "p").analyze("SELECT * FROM customers")
        #expect(analysis.reads.map(\.description) == ["p._.customers"])
    }
}
