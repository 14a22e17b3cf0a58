#include "CVterm.h"

#include <stdlib.h>
#include <vterm.h>

struct HrecScreen {
    VTerm *vt;
    VTermScreen *screen;
    int rows;
    int cols;
};

HrecScreen *hrec_screen_new(int rows, int cols) {
    HrecScreen *screen = calloc(1, sizeof *screen);
    if (!screen) return NULL;
    screen->vt = vterm_new(rows, cols);
    if (!screen->vt) { free(screen); return NULL; }
    vterm_set_utf8(screen->vt, 1);
    screen->screen = vterm_obtain_screen(screen->vt);
    vterm_screen_enable_altscreen(screen->screen, 1);
    vterm_screen_reset(screen->screen, 1);
    screen->rows = rows;
    screen->cols = cols;
    return screen;
}

void hrec_screen_free(HrecScreen *screen) {
    if (!screen) return;
    vterm_free(screen->vt);
    free(screen);
}

void hrec_screen_feed(HrecScreen *screen, const char *bytes, size_t length) {
    vterm_input_write(screen->vt, bytes, length);
}

void hrec_screen_resize(HrecScreen *screen, int rows, int cols) {
    vterm_set_size(screen->vt, rows, cols);
    screen->rows = rows;
    screen->cols = cols;
}

int hrec_screen_row(HrecScreen *screen, int row, uint32_t *out, int max) {
    int cols = screen->cols < max ? screen->cols : max;
    for (int col = 0; col < cols; col++) {
        VTermScreenCell cell;
        VTermPos pos = {row, col};
        out[col] = 0;
        if (vterm_screen_get_cell(screen->screen, pos, &cell) && cell.chars[0] != (uint32_t)-1) out[col] = cell.chars[0];
        if (cell.width == 2 && col + 1 < cols) { out[++col] = 0xFFFFFFFFu; }
    }
    return cols;
}

void hrec_screen_cursor(HrecScreen *screen, int *row, int *col) {
    VTermPos pos;
    vterm_state_get_cursorpos(vterm_obtain_state(screen->vt), &pos);
    *row = pos.row;
    *col = pos.col;
}
