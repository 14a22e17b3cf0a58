import CVterm

/// A terminal screen emulated by libvterm: feed it output, read its text and cells, save and
/// restore its whole state.
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
        bytes.withUnsafeBufferPointer { feed($0) }
    }

    public func feed(_ bytes: UnsafeBufferPointer<UInt8>) {
        bytes.withMemoryRebound(to: CChar.self) { hrec_screen_feed(screen, $0.baseAddress, $0.count) }
    }

    public func resize(rows: Int, columns: Int) {
        hrec_screen_resize(screen, Int32(rows), Int32(columns))
        self.rows = rows
        self.columns = columns
    }

    /// The text of row `row`, trailing blanks removed (wide characters once).
    public func line(_ row: Int) -> String {
        var buffer = [UInt32](repeating: 0, count: columns)
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

    /// The text of each row, trailing blanks removed.
    public func lines() -> [String] { (0..<rows).map(line) }

    /// The screen as text, one line per row, trailing empty rows kept (the screen's full height).
    public var text: String { lines().joined(separator: "\n") }

    /// The cells of row `row`, characters, attributes and colours.
    public func cells(_ row: Int, into buffer: inout [HrecCell]) {
        if buffer.count < columns { buffer = [HrecCell](repeating: HrecCell(), count: columns) }
        _ = hrec_screen_cells(screen, Int32(row), &buffer, Int32(columns))
    }

    public var cursor: (row: Int, column: Int) {
        var row: Int32 = 0, column: Int32 = 0
        hrec_screen_cursor(screen, &row, &column)
        return (Int(row), Int(column))
    }

    public var isCursorVisible: Bool { hrec_screen_cursor_visible(screen) != 0 }
    public var isAlternateScreen: Bool { hrec_screen_altscreen(screen) != 0 }

    /// Starts counting occurrences of `needle` on the screen (case-insensitive unless it has an
    /// upper-case letter).
    public func setNeedle(_ needle: String) {
        let scalars = needle.unicodeScalars.map(\.value)
        hrec_screen_set_needle(screen, scalars, Int32(scalars.count))
    }

    /// How many occurrences of the needle the screen shows now.
    public var needleCount: Int { hrec_screen_needle_count(screen) }

    /// The whole emulator state: restoring it into this screen gives back exactly this terminal.
    public func saveState() -> [UInt8] {
        let size = hrec_screen_state_size(screen)
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            hrec_screen_save(screen, buffer.baseAddress)
            count = size
        }
    }

    /// Restores a state saved from this same screen. Returns false (and changes nothing) for a
    /// state that was not made by this screen.
    @discardableResult
    public func restoreState(_ state: [UInt8]) -> Bool {
        let restored = state.withUnsafeBytes { hrec_screen_restore(screen, $0.baseAddress, $0.count) == 0 }
        if restored {
            rows = Int(hrec_screen_rows(screen))
            columns = Int(hrec_screen_cols(screen))
        }
        return restored
    }
}
