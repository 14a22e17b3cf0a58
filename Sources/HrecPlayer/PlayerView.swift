import CNcurses
import CVterm
import Foundation

/// Draws the player on the viewing terminal through ncurses: the recorded screen, the status
/// line, the banner and the panels. Holds no playback state.
struct PlayerView {
    let colors: ColorMapping

    /// Terminal rows and columns now.
    static var terminalSize: (rows: Int, columns: Int) {
        var rows: Int32 = 0, columns: Int32 = 0
        hrec_tui_size(&rows, &columns)
        return (Int(rows), Int(columns))
    }

    /// Draws `screen` per `layout`; places the terminal cursor where the recorded one is.
    func drawScreen(_ screen: ScreenView, layout: ViewLayout) {
        if layout.framed {
            hrec_tui_box(Int32(layout.originRow - 1), Int32(layout.originColumn - 1), Int32(screen.rows + 2), Int32(screen.columns + 2))
        }
        let blank: [UInt32] = []
        for row in 0..<min(layout.visibleRows, screen.rows - layout.panRow) {
            let recordedRow = layout.panRow + row
            var column = 0
            while column < min(layout.visibleColumns, screen.columns - layout.panColumn) {
                let cell = screen.cells[recordedRow * screen.columns + layout.panColumn + column]
                let y = Int32(layout.originRow + row), x = Int32(layout.originColumn + column)
                let attrs = cell.attrs & 0x1F
                let fg = colors.index(cell.fg), bg = colors.index(cell.bg)
                var chars = [cell.chars.0, cell.chars.1, cell.chars.2, cell.chars.3, cell.chars.4, cell.chars.5]
                let count = chars.firstIndex(of: 0) ?? 6
                if chars[0] == 0xFFFF_FFFF || (cell.width == 2 && column + 1 >= layout.visibleColumns) {
                    // a wide character cut by the view's edge: a blank in its colours
                    hrec_tui_cell(y, x, blank, 0, attrs, fg, bg)
                } else {
                    hrec_tui_cell(y, x, &chars, Int32(count), attrs, fg, bg)
                    if cell.width == 2 { column += 1 }
                }
                column += 1
            }
        }
        let (cursorRow, cursorColumn) = screen.cursor
        let row = cursorRow - layout.panRow, column = cursorColumn - layout.panColumn
        let visible = screen.cursorVisible && row >= 0 && row < layout.visibleRows && column >= 0 && column < layout.visibleColumns
        hrec_tui_cursor(Int32(layout.originRow + row), Int32(layout.originColumn + column), visible ? 1 : 0)
    }

    /// A full-width bar of `text` at `row` (reverse video, or in `fg` on `bg`).
    func bar(_ text: String, row: Int, columns: Int, fg: Int32 = -1, bg: Int32 = -1, bold: Bool = false) {
        let attrs = UInt32(HREC_TUI_REVERSE) | (bold ? UInt32(HREC_TUI_BOLD) : 0)
        hrec_tui_fill(Int32(row), 0, Int32(columns), attrs, fg, bg)
        hrec_tui_text(Int32(row), 0, text, Int32(columns), attrs, fg, bg)
    }

    /// Text at (row, column), clipped to `width` columns.
    func text(_ text: String, row: Int, column: Int, width: Int, reverse: Bool = false, bold: Bool = false) {
        let attrs = (reverse ? UInt32(HREC_TUI_REVERSE) : 0) | (bold ? UInt32(HREC_TUI_BOLD) : 0)
        hrec_tui_text(Int32(row), Int32(column), text, Int32(width), attrs, -1, -1)
    }

    /// A framed panel with a title and lines; `selected` is highlighted. Returns the lines shown.
    @discardableResult
    func panel(title: String, lines: [String], top: Int, left: Int, height: Int, width: Int, selected: Int? = nil, scroll: Int = 0) -> Int {
        guard height >= 3, width >= 4 else { return 0 }
        for row in top..<(top + height) { hrec_tui_fill(Int32(row), Int32(left), Int32(width), 0, -1, -1) }
        hrec_tui_box(Int32(top), Int32(left), Int32(height), Int32(width))
        text(" \(title) ", row: top, column: left + 2, width: width - 4, bold: true)
        let room = height - 2
        for index in 0..<min(room, max(lines.count - scroll, 0)) {
            let line = lines[scroll + index]
            text(line, row: top + 1 + index, column: left + 1, width: width - 2, reverse: scroll + index == selected)
        }
        return room
    }

    /// A panel centred on the terminal, sized to its lines.
    func centredPanel(title: String, lines: [String]) {
        let (rows, columns) = Self.terminalSize
        let width = min(columns, max(title.count + 6, (lines.map(\.count).max() ?? 0) + 4))
        let height = min(rows, lines.count + 2)
        panel(title: title, lines: lines, top: max((rows - height) / 2, 0), left: max((columns - width) / 2, 0), height: height, width: width)
    }
}
