#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#define _GNU_SOURCE 1
#include "CNcurses.h"

#include <locale.h>
#include <ncursesw/curses.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

static int started = 0;
static int has_colour = 0;

int hrec_tui_start(void) {
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) return -1;
    setlocale(LC_ALL, "");
    if (!newterm(NULL, stdout, stdin)) return -1;
    started = 1;
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    if (has_colors()) {
        start_color();
        use_default_colors();
        has_colour = 1;
    }
    /* Shifted arrows and Home/End as xterm, tmux and screen send them, whatever terminfo says. */
    define_key("\033[1;2D", KEY_SLEFT);
    define_key("\033[1;2C", KEY_SRIGHT);
    define_key("\033[H", KEY_HOME);
    define_key("\033[F", KEY_END);
    define_key("\033[1~", KEY_HOME);
    define_key("\033[4~", KEY_END);
    define_key("\033OH", KEY_HOME);
    define_key("\033OF", KEY_END);
    return 0;
}

void hrec_tui_stop(void) {
    if (!started) return;
    curs_set(1);
    endwin();
    started = 0;
}

int hrec_tui_colors(void) { return has_colour ? COLORS : 0; }

void hrec_tui_size(int *rows, int *cols) { getmaxyx(stdscr, *rows, *cols); }

void hrec_tui_erase(void) { erase(); }

static attr_t attributes(unsigned attrs) {
    attr_t result = A_NORMAL;
    if (attrs & HREC_TUI_BOLD) result |= A_BOLD;
    if (attrs & HREC_TUI_UNDERLINE) result |= A_UNDERLINE;
    if (attrs & HREC_TUI_ITALIC) result |= A_ITALIC;
    if (attrs & HREC_TUI_BLINK) result |= A_BLINK;
    if (attrs & HREC_TUI_REVERSE) result |= A_REVERSE;
    if (attrs & HREC_TUI_DIM) result |= A_DIM;
    return result;
}

static int pair_for(int fg, int bg) {
    if (!has_colour || (fg < 0 && bg < 0)) return 0;
    if (fg >= COLORS) fg = -1;
    if (bg >= COLORS) bg = -1;
    int pair = alloc_pair(fg, bg);
    return pair < 0 ? 0 : pair;
}

void hrec_tui_cell(int row, int col, const uint32_t *chars, int count, unsigned attrs, int fg, int bg) {
    wchar_t text[CCHARW_MAX + 1];
    int length = 0;
    for (int i = 0; i < count && length < CCHARW_MAX; i++) text[length++] = (wchar_t)chars[i];
    if (length == 0) text[length++] = L' ';
    text[length] = 0;
    int pair = pair_for(fg, bg);
    cchar_t cell;
    if (setcchar(&cell, text, attributes(attrs), 0, &pair) != OK) {
        wchar_t blank[2] = {L'?', 0};
        setcchar(&cell, blank, attributes(attrs), 0, &pair);
    }
    mvadd_wch(row, col, &cell);
}

void hrec_tui_text(int row, int col, const char *utf8, int max_cols, unsigned attrs, int fg, int bg) {
    if (max_cols <= 0) return;
    size_t length = strlen(utf8);
    wchar_t *wide = calloc(length + 1, sizeof *wide);
    if (!wide) return;
    size_t count = mbstowcs(wide, utf8, length + 1);
    if (count == (size_t)-1) { free(wide); return; }
    int pair = pair_for(fg, bg);
    attr_set(attributes(attrs), 0, &pair);
    int width = 0;
    size_t end = 0;
    while (end < count) {
        int w = wcwidth(wide[end]);
        if (w < 0) w = 1;
        if (width + w > max_cols) break;
        width += w;
        end++;
    }
    mvaddnwstr(row, col, wide, (int)end);
    int zero = 0;
    attr_set(A_NORMAL, 0, &zero);
    free(wide);
}

void hrec_tui_fill(int row, int col, int count, unsigned attrs, int fg, int bg) {
    uint32_t space = ' ';
    for (int i = 0; i < count; i++) hrec_tui_cell(row, col + i, &space, 1, attrs, fg, bg);
}

void hrec_tui_box(int top, int left, int height, int width) {
    if (height < 2 || width < 2) return;
    mvhline(top, left + 1, ACS_HLINE, width - 2);
    mvhline(top + height - 1, left + 1, ACS_HLINE, width - 2);
    mvvline(top + 1, left, ACS_VLINE, height - 2);
    mvvline(top + 1, left + width - 1, ACS_VLINE, height - 2);
    mvaddch(top, left, ACS_ULCORNER);
    mvaddch(top, left + width - 1, ACS_URCORNER);
    mvaddch(top + height - 1, left, ACS_LLCORNER);
    mvaddch(top + height - 1, left + width - 1, ACS_LRCORNER);
}

void hrec_tui_cursor(int row, int col, int visible) {
    if (visible) {
        move(row, col);
        curs_set(1);
    } else {
        curs_set(0);
    }
}

void hrec_tui_refresh(void) { refresh(); }

int hrec_tui_key(int timeout_ms) {
    timeout(timeout_ms);
    wint_t key;
    int kind = get_wch(&key);
    if (kind == ERR) return HREC_KEY_NONE;
    if (kind == OK) {
        if (key == '\r' || key == '\n') return HREC_KEY_ENTER;
        if (key == 127 || key == 8) return HREC_KEY_BACKSPACE;
        return (int)key;
    }
    switch (key) {
    case KEY_LEFT: return HREC_KEY_LEFT;
    case KEY_RIGHT: return HREC_KEY_RIGHT;
    case KEY_SLEFT: return HREC_KEY_SHIFT_LEFT;
    case KEY_SRIGHT: return HREC_KEY_SHIFT_RIGHT;
    case KEY_UP: return HREC_KEY_UP;
    case KEY_DOWN: return HREC_KEY_DOWN;
    case KEY_HOME: return HREC_KEY_HOME;
    case KEY_END: return HREC_KEY_END;
    case KEY_ENTER: return HREC_KEY_ENTER;
    case KEY_BACKSPACE: return HREC_KEY_BACKSPACE;
    case KEY_RESIZE: return HREC_KEY_RESIZE;
    case KEY_PPAGE: return HREC_KEY_PAGE_UP;
    case KEY_NPAGE: return HREC_KEY_PAGE_DOWN;
    default: return HREC_KEY_OTHER;
    }
}
