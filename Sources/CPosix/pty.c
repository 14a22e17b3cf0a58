#define _GNU_SOURCE
#include "CPosix.h"

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <linux/close_range.h>
#include <unistd.h>

pid_t hrec_spawn_pty(const char *path, char *const argv[], char *const envp[],
                     const struct winsize *size, int keep_fd, int *master) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) return -1;
    int master_fd = -1;
    pid_t pid = forkpty(&master_fd, NULL, NULL, size);
    if (pid < 0) {
        int saved = errno;
        close(report[0]);
        close(report[1]);
        errno = saved;
        return -1;
    }
    if (pid == 0) {
        /* Child: only async-signal-safe calls between fork and exec. */
        close(report[0]);
        sigset_t empty;
        sigemptyset(&empty);
        sigprocmask(SIG_SETMASK, &empty, NULL);
        for (int sig = 1; sig < NSIG; sig++) {
            if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);
        }
        /* Nothing of hrec's reaches the command: not the gate's sockets, not the journal. */
        int report_fd = fcntl(report[1], F_DUPFD_CLOEXEC, 10);
        if (report_fd < 0) _exit(127);
        unsigned first_closed = 3;
        if (keep_fd >= 0) {
            if (keep_fd != 3 && dup2(keep_fd, 3) < 0) _exit(127);
            fcntl(3, F_SETFD, 0);
            first_closed = 4;
        }
        if ((unsigned)report_fd > first_closed) close_range(first_closed, (unsigned)report_fd - 1, 0);
        close_range((unsigned)report_fd + 1, ~0U, 0);
        report[1] = report_fd;
        execvpe(path, argv, envp);
        int failure = errno;
        ssize_t ignored = write(report[1], &failure, sizeof failure);
        (void)ignored;
        _exit(127);
    }
    close(report[1]);
    int failure = 0;
    ssize_t got;
    do {
        got = read(report[0], &failure, sizeof failure);
    } while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got == (ssize_t)sizeof failure) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        close(master_fd);
        errno = failure;
        return -1;
    }
    fcntl(master_fd, F_SETFD, FD_CLOEXEC);
    *master = master_fd;
    return pid;
}

int hrec_get_winsize(int fd, struct winsize *size) { return ioctl(fd, TIOCGWINSZ, size); }

int hrec_set_winsize(int fd, const struct winsize *size) { return ioctl(fd, TIOCSWINSZ, size); }

int hrec_echo_enabled(int fd) {
    struct termios attributes;
    if (tcgetattr(fd, &attributes) != 0) return -1;
    return (attributes.c_lflag & ECHO) ? 1 : 0;
}

int hrec_decode_wait_status(int status, int *value) {
    if (WIFEXITED(status)) { *value = WEXITSTATUS(status); return 1; }
    if (WIFSIGNALED(status)) { *value = WTERMSIG(status); return 2; }
    return 0;
}

static volatile sig_atomic_t signal_pipe_fd = -1;

static void forward_signal(int sig) {
    int saved = errno;
    uint8_t byte = (uint8_t)sig;
    if (signal_pipe_fd >= 0) {
        ssize_t ignored = write(signal_pipe_fd, &byte, 1);
        (void)ignored;
    }
    errno = saved;
}

int hrec_forward_signals_to_pipe(int pipe_write_fd, const int *signals, int count) {
    signal_pipe_fd = pipe_write_fd;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = forward_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (int i = 0; i < count; i++) {
        if (sigaction(signals[i], &action, NULL) != 0) return -1;
    }
    return 0;
}

void hrec_reset_signals(const int *signals, int count) {
    for (int i = 0; i < count; i++) signal(signals[i], SIG_DFL);
}

int hrec_pipe_nonblocking(int fds[2]) { return pipe2(fds, O_CLOEXEC | O_NONBLOCK); }

int hrec_make_nondumpable(void) { return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); }

void hrec_scrub_environment_variable(const char *name) {
    char *value = getenv(name);
    if (value) memset(value, 0, strlen(value));
    unsetenv(name);
}

int hrec_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

pid_t hrec_foreground_group(int fd) { return tcgetpgrp(fd); }
