#ifndef HREC_NCURSES_H
#define HREC_NCURSES_H

#include <stdint.h>

/*
 * The few ncurses calls the player needs, as plain functions: ncurses' macros, globals and
 * variadic calls do not import into Swift. Colours are the terminal's own indices (-1 for the
 * default); pairs are allocated on demand with alloc_pair.
 */

/// Keys, as returned by hrec_tui_key besides plain characters (which are code points >= 0).
enum {
    HREC_KEY_NONE = -1,
    HREC_KEY_LEFT = -2,
    HREC_KEY_RIGHT = -3,
    HREC_KEY_SHIFT_LEFT = -4,
    HREC_KEY_SHIFT_RIGHT = -5,
    HREC_KEY_UP = -6,
    HREC_KEY_DOWN = -7,
    HREC_KEY_HOME = -8,
    HREC_KEY_END = -9,
    HREC_KEY_ENTER = -10,
    HREC_KEY_BACKSPACE = -11,
    HREC_KEY_RESIZE = -12,
    HREC_KEY_PAGE_UP = -13,
    HREC_KEY_PAGE_DOWN = -14,
    HREC_KEY_OTHER = -99,
};

/// Attributes for hrec_tui_cell and hrec_tui_text.
enum {
    HREC_TUI_BOLD = 1 << 0,
    HREC_TUI_UNDERLINE = 1 << 1,
    HREC_TUI_ITALIC = 1 << 2,
    HREC_TUI_BLINK = 1 << 3,
    HREC_TUI_REVERSE = 1 << 4,
    HREC_TUI_DIM = 1 << 6,
};

/// Takes over the terminal (locale from the environment, raw keys, no echo, colours).
/// Returns 0, or -1 when standard input/output is not a terminal ncurses can drive.
int hrec_tui_start(void);
/// Gives the terminal back as it was.
void hrec_tui_stop(void);
/// How many colours the terminal has (0 without colour).
int hrec_tui_colors(void);
void hrec_tui_size(int *rows, int *cols);
void hrec_tui_erase(void);
/// Draws one cell: `count` code points (a base character and combining marks; none for blank).
void hrec_tui_cell(int row, int col, const uint32_t *chars, int count, unsigned attrs, int fg, int bg);
/// Draws UTF-8 text from (row, col), at most `max_cols` columns.
void hrec_tui_text(int row, int col, const char *utf8, int max_cols, unsigned attrs, int fg, int bg);
/// Fills `count` columns of `row` from `col` with blanks in the given colours.
void hrec_tui_fill(int row, int col, int count, unsigned attrs, int fg, int bg);
/// Draws a line box.
void hrec_tui_box(int top, int left, int height, int width);
/// Places the terminal's cursor (hidden when `visible` is 0).
void hrec_tui_cursor(int row, int col, int visible);
void hrec_tui_refresh(void);
/// Waits up to `timeout_ms` (-1: forever) for a key: a code point, or an HREC_KEY_ value.
int hrec_tui_key(int timeout_ms);

#endif
