#ifndef HREC_CPOSIX_H
#define HREC_CPOSIX_H

#include <sys/types.h>
#include <sys/ioctl.h>
#include <termios.h>

/// Starts `path` (searched in the PATH of `envp`) with `argv` and `envp` on a new pty.
/// The child gets a new session with the pty slave as its controlling terminal, default signal
/// dispositions and an empty signal mask. `size` (may be NULL) is applied to the pty first.
/// Returns the child's pid and stores the master in `*master`; on failure returns -1 with errno
/// set: the errno of openpty/fork, or the errno with which exec failed in the child (reported
/// through a close-on-exec pipe), in which case the child has already been reaped.
/// Every descriptor but 0, 1 and 2 is closed in the child before exec (close_range), except
/// `keep_fd` when it is not -1: that one is passed on as descriptor 3.
pid_t hrec_spawn_pty(const char *path, char *const argv[], char *const envp[],
                     const struct winsize *size, int keep_fd, int *master);

/// fallocate(FALLOC_FL_KEEP_SIZE): allocates `length` bytes of disk from `offset` without
/// changing the file size (space a journal keeps for its last records). Returns 0 or -1 with errno.
int hrec_reserve_space(int fd, off_t offset, off_t length);

/// mallopt: blocks up to `mmap_threshold` bytes come from the heap (not fresh mmap'd pages), and
/// up to `trim_threshold` bytes of freed memory are kept for reuse. Returns 0, or -1 when glibc
/// refused either setting.
int hrec_tune_allocator(size_t mmap_threshold, size_t trim_threshold);

/// ioctl(TIOCGWINSZ). Returns 0 or -1 with errno.
int hrec_get_winsize(int fd, struct winsize *size);
/// ioctl(TIOCSWINSZ). Returns 0 or -1 with errno.
int hrec_set_winsize(int fd, const struct winsize *size);

/// Whether the terminal behind `fd` has ECHO on (1), off (0), or -1 with errno.
int hrec_echo_enabled(int fd);

/// Decodes a waitpid status: returns 1 and the exit code in `*value` for a normal exit,
/// 2 and the signal number for death by a signal, 0 otherwise.
int hrec_decode_wait_status(int status, int *value);

/// Installs async-signal-safe handlers for `signals` that write the signal number as one byte
/// to `pipe_write_fd` (non-blocking; a full pipe drops the byte). Returns 0 or -1 with errno.
int hrec_forward_signals_to_pipe(int pipe_write_fd, const int *signals, int count);

/// pipe2(O_CLOEXEC | O_NONBLOCK). Returns 0 or -1 with errno.
int hrec_pipe_nonblocking(int fds[2]);

/// Restores the default disposition of `signals`.
void hrec_reset_signals(const int *signals, int count);

/// prctl(PR_SET_DUMPABLE, 0): no core dumps, no ptrace or /proc/PID/mem by same-uid processes.
int hrec_make_nondumpable(void);

/// Overwrites the value of the environment variable `name` in place (so /proc/PID/environ no
/// longer shows it) and removes it from the environment.
void hrec_scrub_environment_variable(const char *name);

/// pipe2(O_CLOEXEC). Returns 0 or -1 with errno.
int hrec_pipe_cloexec(int fds[2]);

/// The terminal's foreground process group (tcgetpgrp), or -1 with errno.
pid_t hrec_foreground_group(int fd);

#endif
