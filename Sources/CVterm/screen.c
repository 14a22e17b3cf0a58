#include "CVterm.h"

#include <string.h>
#include <sys/mman.h>
#include <vterm.h>

/*
 * The arena: one private mapping reserved up front (pages are only committed when touched).
 * It starts with the HrecScreen itself, so saving [base, base + used) captures everything:
 * the allocator's own bookkeeping, our flags and every libvterm allocation. Restoring copies it
 * back to the same addresses, which is why a state only restores into the screen that made it.
 */
#define ARENA_RESERVE ((size_t)1 << 30)
#define ALIGN 16
#define MAX_DIRTY_ROWS 1024
#define MAX_NEEDLE 256

typedef struct FreeBlock {
    struct FreeBlock *next;
} FreeBlock;

struct HrecScreen {
    uint64_t magic;
    size_t used;              /* bytes of the arena in use, this header included */
    FreeBlock *free_lists[32]; /* by size class: power of two >= ALIGN */
    VTerm *vt;
    VTermScreen *screen;
    int rows;
    int cols;
    int cursor_visible;
    int altscreen;
    int any_damage;
    uint8_t dirty[MAX_DIRTY_ROWS];
    /* Text search: occurrences of `needle` on each row, kept current as rows change. */
    uint32_t needle[MAX_NEEDLE];
    int needle_length;
    int fold_case;
    uint16_t row_matches[MAX_DIRTY_ROWS];
};

#define SCREEN_MAGIC 0x6872656373637231ull /* "hrecscr1" */
#define HEADER_SIZE ((sizeof(struct HrecScreen) + ALIGN - 1) & ~(size_t)(ALIGN - 1))

static int size_class(size_t size) {
    int cls = 4; /* 16 bytes */
    while (((size_t)1 << cls) < size) cls++;
    return cls;
}

/* Blocks carry their size class in the 16 bytes before the payload. */
static void *arena_malloc(size_t size, void *data) {
    HrecScreen *s = data;
    int cls = size_class(size + ALIGN);
    if (cls >= 32) return NULL;
    size_t block = (size_t)1 << cls;
    unsigned char *start;
    if (s->free_lists[cls]) {
        FreeBlock *head = s->free_lists[cls];
        s->free_lists[cls] = head->next;
        start = (unsigned char *)head;
    } else {
        if (s->used + block > ARENA_RESERVE) return NULL;
        start = (unsigned char *)s + s->used;
        s->used += block;
    }
    memset(start, 0, block);
    *(int *)start = cls;
    return start + ALIGN;
}

static void arena_free(void *ptr, void *data) {
    if (!ptr) return;
    HrecScreen *s = data;
    unsigned char *start = (unsigned char *)ptr - ALIGN;
    int cls = *(int *)start;
    FreeBlock *block = (FreeBlock *)start;
    block->next = s->free_lists[cls];
    s->free_lists[cls] = block;
}

static VTermAllocatorFunctions arena_functions = {arena_malloc, arena_free};

static int on_damage(VTermRect rect, void *user) {
    HrecScreen *s = user;
    for (int row = rect.start_row; row < rect.end_row && row < MAX_DIRTY_ROWS; row++) s->dirty[row] = 1;
    s->any_damage = 1;
    return 1;
}

/* A whole-width move (a scroll) carries each row's match count along; anything else is damage. */
static int on_moverect(VTermRect dest, VTermRect src, void *user) {
    HrecScreen *s = user;
    if (dest.start_col == 0 && dest.end_col >= s->cols && src.start_col == 0 && src.end_col >= s->cols
        && dest.end_row <= MAX_DIRTY_ROWS && src.end_row <= MAX_DIRTY_ROWS) {
        int count = dest.end_row - dest.start_row;
        memmove(&s->row_matches[dest.start_row], &s->row_matches[src.start_row], count * sizeof s->row_matches[0]);
        memmove(&s->dirty[dest.start_row], &s->dirty[src.start_row], count * sizeof s->dirty[0]);
        s->any_damage = 1;
        return 1;
    }
    for (int row = dest.start_row; row < dest.end_row && row < MAX_DIRTY_ROWS; row++) s->dirty[row] = 1;
    s->any_damage = 1;
    return 1;
}

static int on_settermprop(VTermProp prop, VTermValue *value, void *user) {
    HrecScreen *s = user;
    if (prop == VTERM_PROP_CURSORVISIBLE) s->cursor_visible = value->boolean;
    if (prop == VTERM_PROP_ALTSCREEN) s->altscreen = value->boolean;
    return 1;
}

static const VTermScreenCallbacks screen_callbacks = {
    .damage = on_damage,
    .moverect = on_moverect,
    .settermprop = on_settermprop,
};

HrecScreen *hrec_screen_new(int rows, int cols) {
    void *base = mmap(NULL, ARENA_RESERVE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) return NULL;
    HrecScreen *s = base;
    s->magic = SCREEN_MAGIC;
    s->used = HEADER_SIZE;
    s->cursor_visible = 1;
    s->vt = vterm_new_with_allocator(rows, cols, &arena_functions, s);
    if (!s->vt) { munmap(base, ARENA_RESERVE); return NULL; }
    vterm_set_utf8(s->vt, 1);
    s->screen = vterm_obtain_screen(s->vt);
    vterm_screen_set_callbacks(s->screen, &screen_callbacks, s);
    vterm_screen_enable_altscreen(s->screen, 1);
    vterm_screen_reset(s->screen, 1);
    s->rows = rows;
    s->cols = cols;
    return s;
}

void hrec_screen_free(HrecScreen *screen) {
    if (screen) munmap(screen, ARENA_RESERVE);
}

void hrec_screen_feed(HrecScreen *screen, const char *bytes, size_t length) {
    vterm_input_write(screen->vt, bytes, length);
}

void hrec_screen_resize(HrecScreen *screen, int rows, int cols) {
    vterm_set_size(screen->vt, rows, cols);
    screen->rows = rows;
    screen->cols = cols;
    for (int row = 0; row < rows && row < MAX_DIRTY_ROWS; row++) screen->dirty[row] = 1;
    screen->any_damage = 1;
}

int hrec_screen_rows(const HrecScreen *screen) { return screen->rows; }
int hrec_screen_cols(const HrecScreen *screen) { return screen->cols; }
int hrec_screen_cursor_visible(const HrecScreen *screen) { return screen->cursor_visible; }
int hrec_screen_altscreen(const HrecScreen *screen) { return screen->altscreen; }

int hrec_screen_row(HrecScreen *screen, int row, uint32_t *out, int max) {
    int cols = screen->cols < max ? screen->cols : max;
    for (int col = 0; col < cols; col++) {
        VTermScreenCell cell;
        VTermPos pos = {row, col};
        out[col] = 0;
        if (!vterm_screen_get_cell(screen->screen, pos, &cell)) continue;
        if (cell.chars[0] != (uint32_t)-1) out[col] = cell.chars[0];
        if (cell.width == 2 && col + 1 < cols) out[++col] = 0xFFFFFFFFu;
    }
    return cols;
}

static int32_t color_code(const VTermScreen *screen, VTermColor color, int is_fg) {
    if (is_fg ? VTERM_COLOR_IS_DEFAULT_FG(&color) : VTERM_COLOR_IS_DEFAULT_BG(&color)) return HREC_COLOR_DEFAULT;
    if (VTERM_COLOR_IS_INDEXED(&color)) return color.indexed.idx;
    (void)screen;
    return HREC_COLOR_RGB | (color.rgb.red << 16) | (color.rgb.green << 8) | color.rgb.blue;
}

int hrec_screen_cells(HrecScreen *screen, int row, HrecCell *out, int max) {
    int cols = screen->cols < max ? screen->cols : max;
    for (int col = 0; col < cols; col++) {
        VTermScreenCell cell;
        VTermPos pos = {row, col};
        HrecCell *o = &out[col];
        memset(o, 0, sizeof *o);
        o->width = 1;
        o->fg = o->bg = HREC_COLOR_DEFAULT;
        if (!vterm_screen_get_cell(screen->screen, pos, &cell)) continue;
        for (int i = 0; i < 6 && cell.chars[i] != 0 && cell.chars[i] != (uint32_t)-1; i++) o->chars[i] = cell.chars[i];
        o->width = cell.width == 2 ? 2 : 1;
        o->attrs = (cell.attrs.bold ? HREC_ATTR_BOLD : 0) | (cell.attrs.underline ? HREC_ATTR_UNDERLINE : 0)
            | (cell.attrs.italic ? HREC_ATTR_ITALIC : 0) | (cell.attrs.blink ? HREC_ATTR_BLINK : 0)
            | (cell.attrs.reverse ? HREC_ATTR_REVERSE : 0) | (cell.attrs.strike ? HREC_ATTR_STRIKE : 0);
        o->fg = color_code(screen->screen, cell.fg, 1);
        o->bg = color_code(screen->screen, cell.bg, 0);
        if (cell.width == 2 && col + 1 < cols) {
            HrecCell *half = &out[++col];
            *half = *o;
            memset(half->chars, 0, sizeof half->chars);
            half->chars[0] = 0xFFFFFFFFu;
        }
    }
    return cols;
}

void hrec_screen_cursor(HrecScreen *screen, int *row, int *col) {
    VTermPos pos;
    vterm_state_get_cursorpos(vterm_obtain_state(screen->vt), &pos);
    *row = pos.row;
    *col = pos.col;
}

size_t hrec_screen_state_size(const HrecScreen *screen) { return screen->used; }

void hrec_screen_save(const HrecScreen *screen, void *out) { memcpy(out, screen, screen->used); }

int hrec_screen_restore(HrecScreen *screen, const void *state, size_t length) {
    const HrecScreen *saved = state;
    if (length < HEADER_SIZE || length > ARENA_RESERVE || saved->magic != SCREEN_MAGIC || saved->used != length) return -1;
    if (saved->vt != screen->vt) return -1; /* made by another screen: its pointers are not ours */
    memcpy(screen, state, length);
    return 0;
}

static uint32_t fold(uint32_t c, int fold_case) {
    return fold_case && c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int count_row_matches(HrecScreen *s, int row) {
    if (s->needle_length == 0) return 0;
    uint32_t text[1024];
    int length = 0;
    for (int col = 0; col < s->cols && length < 1024; col++) {
        VTermScreenCell cell;
        VTermPos pos = {row, col};
        uint32_t c = ' ';
        if (vterm_screen_get_cell(s->screen, pos, &cell) && cell.chars[0] != 0 && cell.chars[0] != (uint32_t)-1) c = cell.chars[0];
        text[length++] = fold(c, s->fold_case);
        if (cell.width == 2) col++;
    }
    int matches = 0;
    for (int start = 0; start + s->needle_length <= length; start++) {
        int i = 0;
        while (i < s->needle_length && text[start + i] == s->needle[i]) i++;
        if (i == s->needle_length) { matches++; start += s->needle_length - 1; }
    }
    return matches;
}

void hrec_screen_set_needle(HrecScreen *screen, const uint32_t *needle, int length) {
    if (length > MAX_NEEDLE) length = MAX_NEEDLE;
    screen->fold_case = 1;
    for (int i = 0; i < length; i++) if (needle[i] >= 'A' && needle[i] <= 'Z') screen->fold_case = 0;
    for (int i = 0; i < length; i++) screen->needle[i] = fold(needle[i], screen->fold_case);
    screen->needle_length = length;
    vterm_screen_flush_damage(screen->screen);
    memset(screen->dirty, 0, sizeof screen->dirty);
    screen->any_damage = 0;
    for (int row = 0; row < screen->rows && row < MAX_DIRTY_ROWS; row++) screen->row_matches[row] = count_row_matches(screen, row);
}

long hrec_screen_needle_count(HrecScreen *screen) {
    vterm_screen_flush_damage(screen->screen);
    if (screen->any_damage) {
        for (int row = 0; row < screen->rows && row < MAX_DIRTY_ROWS; row++) {
            if (screen->dirty[row]) screen->row_matches[row] = count_row_matches(screen, row);
        }
        memset(screen->dirty, 0, sizeof screen->dirty);
        screen->any_damage = 0;
    }
    long total = 0;
    for (int row = 0; row < screen->rows && row < MAX_DIRTY_ROWS; row++) total += screen->row_matches[row];
    return total;
}
