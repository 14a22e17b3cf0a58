/// Where the recorded screen goes on the viewing terminal: framed and centred when there is room,
/// panned (a window onto it) when the terminal is smaller.
public struct ViewLayout: Equatable, Sendable {
    /// Rows and columns available for the recorded screen (the terminal minus banner and status).
    public var areaTop: Int
    public var areaRows: Int
    public var areaColumns: Int
    /// The recorded screen's size.
    public var screenRows: Int
    public var screenColumns: Int
    /// Top-left corner of the recorded screen's visible part on the terminal.
    public var originRow: Int = 0
    public var originColumn: Int = 0
    /// The first recorded row and column shown (non-zero when panned).
    public var panRow: Int = 0
    public var panColumn: Int = 0
    /// Whether a frame is drawn around the screen.
    public var framed = false

    public init(areaTop: Int, areaRows: Int, areaColumns: Int, screenRows: Int, screenColumns: Int, panRow: Int = 0, panColumn: Int = 0) {
        self.areaTop = areaTop
        self.areaRows = max(areaRows, 1)
        self.areaColumns = max(areaColumns, 1)
        self.screenRows = screenRows
        self.screenColumns = screenColumns
        framed = screenRows + 2 <= self.areaRows && screenColumns + 2 <= self.areaColumns
        let inset = framed ? 1 : 0
        originRow = areaTop + (screenRows + 2 * inset <= self.areaRows ? (self.areaRows - screenRows - 2 * inset) / 2 + inset : 0)
        originColumn = screenColumns + 2 * inset <= self.areaColumns ? (self.areaColumns - screenColumns - 2 * inset) / 2 + inset : 0
        self.panRow = min(max(panRow, 0), maxPanRow)
        self.panColumn = min(max(panColumn, 0), maxPanColumn)
    }

    public var visibleRows: Int { min(screenRows, areaRows) }
    public var visibleColumns: Int { min(screenColumns, areaColumns) }
    public var maxPanRow: Int { max(screenRows - areaRows, 0) }
    public var maxPanColumn: Int { max(screenColumns - areaColumns, 0) }
    public var isPanned: Bool { maxPanRow > 0 || maxPanColumn > 0 }

    /// The same layout panned the least needed to show recorded cell (row, column).
    public func following(row: Int, column: Int) -> ViewLayout {
        var copy = self
        if row < panRow { copy.panRow = row } else if row >= panRow + visibleRows { copy.panRow = row - visibleRows + 1 }
        if column < panColumn { copy.panColumn = column } else if column >= panColumn + visibleColumns { copy.panColumn = column - visibleColumns + 1 }
        copy.panRow = min(max(copy.panRow, 0), maxPanRow)
        copy.panColumn = min(max(copy.panColumn, 0), maxPanColumn)
        return copy
    }

    public func panned(rows: Int, columns: Int) -> ViewLayout {
        var copy = self
        copy.panRow = min(max(panRow + rows, 0), maxPanRow)
        copy.panColumn = min(max(panColumn + columns, 0), maxPanColumn)
        return copy
    }
}
