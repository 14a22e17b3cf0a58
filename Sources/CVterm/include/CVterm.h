#ifndef HREC_CVTERM_H
#define HREC_CVTERM_H

#include <stddef.h>
#include <stdint.h>

/// A libvterm terminal with its screen (UTF-8 input, alternate screen enabled).
///
/// Every byte of its state, libvterm's included, lives in one private arena, so the whole
/// terminal can be saved with `hrec_screen_save` and put back with `hrec_screen_restore`: a
/// keyframe is an exact copy of the emulator, not a re-drawing of its cells.
typedef struct HrecScreen HrecScreen;

/// A new screen of `rows` x `cols` cells; NULL when out of memory.
HrecScreen *hrec_screen_new(int rows, int cols);
void hrec_screen_free(HrecScreen *screen);
/// Feeds output bytes (vterm_input_write).
void hrec_screen_feed(HrecScreen *screen, const char *bytes, size_t length);
/// Resizes (vterm_set_size).
void hrec_screen_resize(HrecScreen *screen, int rows, int cols);
int hrec_screen_rows(const HrecScreen *screen);
int hrec_screen_cols(const HrecScreen *screen);
/// Writes row `row` as code points, one per column (an empty cell is 0, the right half of a wide
/// character 0xFFFFFFFF). Returns the number of columns written (at most `max`).
int hrec_screen_row(HrecScreen *screen, int row, uint32_t *out, int max);
/// The cursor position.
void hrec_screen_cursor(HrecScreen *screen, int *row, int *col);
/// Whether the program left the cursor visible (DECTCEM).
int hrec_screen_cursor_visible(const HrecScreen *screen);
/// Whether the alternate screen is active.
int hrec_screen_altscreen(const HrecScreen *screen);

/// Cell attributes, as bits of `HrecCell.attrs`.
enum {
    HREC_ATTR_BOLD = 1 << 0,
    HREC_ATTR_UNDERLINE = 1 << 1,
    HREC_ATTR_ITALIC = 1 << 2,
    HREC_ATTR_BLINK = 1 << 3,
    HREC_ATTR_REVERSE = 1 << 4,
    HREC_ATTR_STRIKE = 1 << 5,
};

/// A colour: HREC_COLOR_DEFAULT, an index 0-255, or HREC_COLOR_RGB | 0xRRGGBB.
#define HREC_COLOR_DEFAULT (-1)
#define HREC_COLOR_RGB 0x1000000

/// One cell: its characters (the first is 0 for an empty cell, 0xFFFFFFFF for the right half of
/// a wide character), its width (1 or 2), attributes and colours.
typedef struct {
    uint32_t chars[6];
    int32_t width;
    uint32_t attrs;
    int32_t fg;
    int32_t bg;
} HrecCell;

/// Fills `out` with the cells of row `row`; returns how many (at most `max`).
int hrec_screen_cells(HrecScreen *screen, int row, HrecCell *out, int max);

/// Starts counting occurrences of `needle` (code points; case-insensitive unless it has an upper-case
/// letter) on the screen, rows matched as displayed (a wide character once, empty cells as spaces).
void hrec_screen_set_needle(HrecScreen *screen, const uint32_t *needle, int length);
/// How many occurrences of the needle the screen shows now (kept current cheaply: only rows that
/// changed since the last call are read again; scrolled rows keep their counts).
long hrec_screen_needle_count(HrecScreen *screen);

/// Bytes needed to save the whole terminal state.
size_t hrec_screen_state_size(const HrecScreen *screen);
/// Copies the whole terminal state to `out` (hrec_screen_state_size bytes).
void hrec_screen_save(const HrecScreen *screen, void *out);
/// Puts back a state saved from this same screen (not another one). Returns 0 on success,
/// -1 if `length` does not fit the arena or does not look like this screen's state.
int hrec_screen_restore(HrecScreen *screen, const void *state, size_t length);

#endif
