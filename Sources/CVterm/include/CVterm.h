#ifndef HREC_CVTERM_H
#define HREC_CVTERM_H

#include <stddef.h>
#include <stdint.h>

/// A libvterm terminal with its screen (UTF-8 input, alternate screen enabled).
typedef struct HrecScreen HrecScreen;

/// A new screen of `rows` x `cols` cells; NULL when out of memory.
HrecScreen *hrec_screen_new(int rows, int cols);
void hrec_screen_free(HrecScreen *screen);
/// Feeds output bytes (vterm_input_write).
void hrec_screen_feed(HrecScreen *screen, const char *bytes, size_t length);
/// Resizes (vterm_set_size).
void hrec_screen_resize(HrecScreen *screen, int rows, int cols);
/// Writes row `row` as code points, one per column (an empty cell is 0, the right half of a wide
/// character 0xFFFFFFFF). Returns the number of columns written (at most `max`).
int hrec_screen_row(HrecScreen *screen, int row, uint32_t *out, int max);
/// The cursor position.
void hrec_screen_cursor(HrecScreen *screen, int *row, int *col);

#endif
