import Foundation
import HrecPolicy
import Testing

/// The splitter cuts a result body into prefix, runs of whole rows and rest, however the bytes
/// arrive: the pieces always put the body back together, and every run parses as rows.
@Suite struct RowStreamSplitterTests {
    /// A result with rows holding brackets, braces, quotes and escapes inside strings, nested
    /// records and repeated fields, with whitespace between everything.
    func body(rows: Int) -> [UInt8] {
        var text = #"{ "kind": "bigquery#queryResponse", "schema": {"fields": [{"name": "a"}]}, "note": "rows: [not these]", "#
            + #""rows" : [ "#
        for index in 0..<rows {
            if index > 0 { text += index % 3 == 0 ? " ,\n " : "," }
            text += #"{"f":[{"v":"x]}\"[{ \\ \#(index)"},{"v":[{"v":"1"},{"v":{"f":[{"v":null}]}}]}]}"#
        }
        text += #" ] , "totalRows": "\#(rows)", "jobComplete": true}"#
        return Array(text.utf8)
    }

    func split(_ body: [UInt8], chunk: (Int) -> Int) throws -> [RowStreamSplitter.Piece] {
        var splitter = RowStreamSplitter()
        var pieces: [RowStreamSplitter.Piece] = []
        var offset = 0, turn = 0
        while offset < body.count {
            let end = min(body.count, offset + max(1, chunk(turn)))
            pieces += try splitter.feed(body[offset..<end])
            offset = end
            turn += 1
        }
        return pieces
    }

    @Test(arguments: [1, 7, 64, 100_000])
    func piecesPutTheBodyBackTogetherAndEveryRunIsRows(chunk: Int) throws {
        let body = body(rows: 200)
        let pieces = try split(body, chunk: { $0 % 2 == 0 ? chunk : chunk / 2 + 1 })
        var joined: [UInt8] = [], rows = 0
        for piece in pieces {
            switch piece {
            case let .prefix(bytes):
                #expect(joined.isEmpty && String(decoding: bytes, as: UTF8.self).hasSuffix(#""rows" : ["#))
                joined += bytes
            case let .rows(leading, elements, count):
                #expect(leading.allSatisfy { " ,\n".utf8.contains($0) })
                let parsed = try JSONSerialization.jsonObject(with: Data([UInt8(ascii: "[")] + elements + [UInt8(ascii: "]")])) as? [Any]
                #expect(parsed?.count == count)
                joined += leading + elements
                rows += count
            case let .rest(bytes):
                joined += bytes
            }
        }
        #expect(joined == body)
        #expect(rows == 200)
    }

    @Test func aBodyWithoutRowsStaysHeldAndAnEmptyArrayIsAllRest() throws {
        var none = RowStreamSplitter()
        let noRows = Array(#"{"rows": null, "x": {"rows": [1]}}"#.utf8)
        #expect(try none.feed(noRows).isEmpty)
        #expect(!none.foundRows && none.held == noRows)
        let empty = Array(#"{"rows":[ ],"totalRows":"0"}"#.utf8)
        let pieces = try split(empty, chunk: { _ in 3 })
        #expect(pieces.first == .prefix(Array(#"{"rows":["#.utf8)))
        let rest = pieces.dropFirst().flatMap { piece -> [UInt8] in
            guard case let .rest(bytes) = piece else { Issue.record("\(piece) after the prefix of an empty result"); return [] }
            return bytes
        }
        #expect(rest == Array(#" ],"totalRows":"0"}"#.utf8))
    }

    @Test func aRowThatIsNotAnObjectOrAnEndlessRowIsRefused() {
        var scalar = RowStreamSplitter()
        #expect(throws: MaskingError.self) { try scalar.feed(Array(#"{"rows":[{"f":[]}, "smuggled"]}"#.utf8)) }
        var endless = RowStreamSplitter(maxPending: 1000)
        _ = try? endless.feed(Array(#"{"rows":[{"f":[{"v":""#.utf8))
        #expect(throws: MaskingError.self) { try endless.feed([UInt8](repeating: UInt8(ascii: "a"), count: 2000)) }
    }
}
