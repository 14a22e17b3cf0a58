import CVterm

/// A terminal screen emulated by libvterm: feed it output, read its text.
public final class TerminalScreen {
    private let screen: OpaquePointer
    public private(set) var rows: Int
    public private(set) var columns: Int

    /// A blank screen of `rows` x `columns`.
    public init(rows: Int, columns: Int) {
        guard let screen = hrec_screen_new(Int32(rows), Int32(columns)) else { fatalError("libvterm: out of memory") }
        self.screen = screen
        self.rows = rows
        self.columns = columns
    }

    deinit { hrec_screen_free(screen) }

    /// Feeds output bytes, exactly as the program wrote them.
    public func feed(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { hrec_screen_feed(screen, $0.baseAddress, $0.count) }
        }
    }

    public func resize(rows: Int, columns: Int) {
        hrec_screen_resize(screen, Int32(rows), Int32(columns))
        self.rows = rows
        self.columns = columns
    }

    /// The text of each row, trailing blanks removed (wide characters once).
    public func lines() -> [String] {
        var buffer = [UInt32](repeating: 0, count: columns)
        return (0..<rows).map { row in
            let count = Int(hrec_screen_row(screen, Int32(row), &buffer, Int32(columns)))
            var text = ""
            var pendingSpaces = 0
            for column in 0..<count {
                let code = buffer[column]
                if code == 0xFFFF_FFFF { continue }  // right half of a wide character
                if code == 0 || code == 32 {
                    pendingSpaces += 1
                    continue
                }
                text += String(repeating: " ", count: pendingSpaces)
                pendingSpaces = 0
                if let scalar = Unicode.Scalar(code) { text.unicodeScalars.append(scalar) }
            }
            return text
        }
    }

    /// The screen as text, one line per row, trailing empty rows kept (the screen's full height).
    public var text: String { lines().joined(separator: "\n") }

    public var cursor: (row: Int, column: Int) {
        var row: Int32 = 0, column: Int32 = 0
        hrec_screen_cursor(screen, &row, &column)
        return (Int(row), Int(column))
    }
}
