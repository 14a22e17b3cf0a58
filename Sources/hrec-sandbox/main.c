/*
 * hrec-sandbox: process 1 inside the sandbox that `hrec run` builds with bubblewrap
 * (docs/confinement.md). It
 *   - relays TCP connections on the sandbox's own loopback to unix sockets that hrec serves
 *     outside (the BigQuery gate, the egress proxy): the sandbox has no other network;
 *   - starts the command in its own process group, in the terminal's foreground;
 *   - reaps orphans; when the command ends, ends every process it left behind and reports the
 *     command's status and that count to hrec on the report descriptor.
 * Usage: hrec-sandbox --report-fd N [--relay [ADDRESS:]PORT=SOCKET]... -- COMMAND [ARG]...
 * Being process 1 of its PID namespace, it cannot be signalled from inside the sandbox except
 * by the signals it handles; it is non-dumpable, so nothing inside can ptrace it or read its memory.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <unistd.h>

#define MAX_RELAYS 8
#define MAX_PAIRS 256
#define BUFFER_SIZE 65536

struct relay { int listener; char socket_path[108]; };
struct half { char *data; size_t start, end; int eof; };
struct pair { int fds[2]; struct half to[2]; /* to[i]: bytes waiting to be written to fds[i] */ };

static struct relay relays[MAX_RELAYS];
static int relay_count;
static struct pair pairs[MAX_PAIRS];
static int pair_count;

static void die(const char *what) {
    fprintf(stderr, "hrec-sandbox: %s: %s\n", what, strerror(errno));
    _exit(125);
}

static int open_listener(const char *spec) {
    /* [ADDRESS:]PORT, the address on the sandbox's loopback (default 127.0.0.1). */
    char address_text[INET_ADDRSTRLEN] = "127.0.0.1";
    const char *colon = strchr(spec, ':');
    if (colon && (size_t)(colon - spec) < sizeof address_text) {
        memcpy(address_text, spec, (size_t)(colon - spec));
        address_text[colon - spec] = '\0';
        spec = colon + 1;
    }
    int port = atoi(spec);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) die("socket");
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (inet_pton(AF_INET, address_text, &address.sin_addr) != 1) { errno = EINVAL; die(address_text); }
    if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0) die("bind on the sandbox's loopback");
    if (listen(fd, 128) != 0) die("listen");
    return fd;
}

static void close_pair(int index) {
    struct pair *p = &pairs[index];
    for (int i = 0; i < 2; i++) { close(p->fds[i]); free(p->to[i].data); }
    pairs[index] = pairs[--pair_count];
}

static void accept_on(struct relay *relay) {
    for (;;) {
        int client = accept4(relay->listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (client < 0) return;
        int upstream = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_un address = { .sun_family = AF_UNIX };
        memcpy(address.sun_path, relay->socket_path, sizeof address.sun_path);
        if (pair_count == MAX_PAIRS || upstream < 0 ||
            connect(upstream, (struct sockaddr *)&address, sizeof address) != 0) {
            if (upstream >= 0) close(upstream);
            close(client);
            continue;
        }
        fcntl(upstream, F_SETFL, O_NONBLOCK);
        struct pair *p = &pairs[pair_count++];
        memset(p, 0, sizeof *p);
        p->fds[0] = client;
        p->fds[1] = upstream;
        p->to[0].data = malloc(BUFFER_SIZE);
        p->to[1].data = malloc(BUFFER_SIZE);
        if (!p->to[0].data || !p->to[1].data) close_pair(pair_count - 1);
    }
}

/* Moves bytes for one pair according to its poll results; returns 0 when the pair is done. */
static int pump(struct pair *p, const short revents[2]) {
    for (int i = 0; i < 2; i++) {
        struct half *out = &p->to[1 - i]; /* what fds[i] sends goes to fds[1-i] */
        if ((revents[i] & (POLLIN | POLLHUP | POLLERR)) && !out->eof && out->end < BUFFER_SIZE) {
            ssize_t got = read(p->fds[i], out->data + out->end, BUFFER_SIZE - out->end);
            if (got > 0) out->end += (size_t)got;
            else if (got == 0 || (errno != EAGAIN && errno != EINTR)) out->eof = 1;
        }
    }
    for (int i = 0; i < 2; i++) {
        struct half *in = &p->to[i];
        while (in->start < in->end) {
            ssize_t put = write(p->fds[i], in->data + in->start, in->end - in->start);
            if (put > 0) in->start += (size_t)put;
            else if (put < 0 && (errno == EAGAIN || errno == EINTR)) break;
            else return 0;
        }
        if (in->start == in->end) {
            in->start = in->end = 0;
            if (in->eof == 1) { shutdown(p->fds[i], SHUT_WR); in->eof = 2; }
        }
    }
    return !(p->to[0].eof == 2 && p->to[1].eof == 2);
}

static short wanted(const struct pair *p, int i) {
    short events = 0;
    if (!p->to[1 - i].eof && p->to[1 - i].end < BUFFER_SIZE) events |= POLLIN;
    if (p->to[i].start < p->to[i].end) events |= POLLOUT;
    return events;
}

/* Processes other than this one still in the namespace (after reaping what has exited). */
static int count_others(void) {
    while (waitpid(-1, NULL, WNOHANG) > 0) {}
    int count = 0;
    DIR *proc = opendir("/proc");
    if (!proc) return -1;
    struct dirent *entry;
    while ((entry = readdir(proc)) != NULL) {
        char *end;
        long pid = strtol(entry->d_name, &end, 10);
        if (*end == '\0' && pid > 1) count++;
    }
    closedir(proc);
    return count;
}

static pid_t start_command(char **argv, int report_fd) {
    int failure_pipe[2];
    if (pipe2(failure_pipe, O_CLOEXEC) != 0) die("pipe");
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        for (int sig = 1; sig < NSIG; sig++) if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);
        setpgid(0, 0);
        if (isatty(STDIN_FILENO)) {
            signal(SIGTTOU, SIG_IGN);
            tcsetpgrp(STDIN_FILENO, getpid());
            signal(SIGTTOU, SIG_DFL);
        }
        close(report_fd);
        execvp(argv[0], argv);
        int error = errno;
        ssize_t ignored = write(failure_pipe[1], &error, sizeof error);
        (void)ignored;
        _exit(127);
    }
    close(failure_pipe[1]);
    int error = 0;
    ssize_t got;
    do { got = read(failure_pipe[0], &error, sizeof error); } while (got < 0 && errno == EINTR);
    close(failure_pipe[0]);
    if (got == (ssize_t)sizeof error) {
        dprintf(report_fd, "cannot-run %d\n", error);
        _exit(127);
    }
    return pid;
}

int main(int argc, char **argv) {
    prctl(PR_SET_DUMPABLE, 0);
    int report_fd = -1, command_index = -1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--report-fd") == 0 && i + 1 < argc) {
            report_fd = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--relay") == 0 && i + 1 < argc && relay_count < MAX_RELAYS) {
            char *spec = argv[++i], *equals = strchr(spec, '=');
            if (!equals || strlen(equals + 1) >= sizeof relays[0].socket_path) { errno = EINVAL; die(spec); }
            struct relay *relay = &relays[relay_count++];
            snprintf(relay->socket_path, sizeof relay->socket_path, "%s", equals + 1);
            *equals = '\0';
            relay->listener = open_listener(spec);
        } else if (strcmp(argv[i], "--") == 0) {
            command_index = i + 1;
            break;
        }
    }
    if (report_fd < 0 || command_index < 0 || command_index >= argc) {
        fprintf(stderr, "usage: hrec-sandbox --report-fd N [--relay PORT=SOCKET]... -- COMMAND [ARG]...\n");
        return 125;
    }
    fcntl(report_fd, F_SETFD, FD_CLOEXEC);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    signal(SIGTSTP, SIG_IGN);
    signal(SIGTTOU, SIG_IGN);
    signal(SIGTTIN, SIG_IGN);
    sigset_t child_signal;
    sigemptyset(&child_signal);
    sigaddset(&child_signal, SIGCHLD);
    sigprocmask(SIG_BLOCK, &child_signal, NULL);
    int children = signalfd(-1, &child_signal, SFD_CLOEXEC | SFD_NONBLOCK);
    if (children < 0) die("signalfd");

    pid_t command = start_command(argv + command_index, report_fd);
    struct pollfd fds[1 + MAX_RELAYS + 2 * MAX_PAIRS];
    for (;;) {
        int n = 0;
        fds[n++] = (struct pollfd){ .fd = children, .events = POLLIN };
        for (int r = 0; r < relay_count; r++) fds[n++] = (struct pollfd){ .fd = relays[r].listener, .events = POLLIN };
        int first_pair = n, polled_pairs = pair_count;
        for (int k = 0; k < polled_pairs; k++)
            for (int i = 0; i < 2; i++) {
                /* A socket with nothing wanted is left out (fd -1): poll reports POLLHUP whatever
                   the events asked, and a hung-up peer whose bytes cannot move yet would spin. */
                short events = wanted(&pairs[k], i);
                fds[n++] = (struct pollfd){ .fd = events ? pairs[k].fds[i] : -1, .events = events };
            }
        if (poll(fds, (nfds_t)n, -1) < 0 && errno != EINTR) die("poll");

        for (int k = polled_pairs - 1; k >= 0; k--) {
            short revents[2] = { fds[first_pair + 2 * k].revents, fds[first_pair + 2 * k + 1].revents };
            if (!pump(&pairs[k], revents)) close_pair(k);
        }
        for (int r = 0; r < relay_count; r++) if (fds[1 + r].revents & POLLIN) accept_on(&relays[r]);
        if (fds[0].revents & POLLIN) {
            struct signalfd_siginfo info;
            while (read(children, &info, sizeof info) > 0) {}
            int status;
            pid_t done;
            while ((done = waitpid(-1, &status, WNOHANG)) > 0) {
                if (done != command) continue;
                int others = count_others();
                if (others > 0) kill(-1, SIGKILL);
                while (waitpid(-1, NULL, 0) > 0) {}
                if (WIFSIGNALED(status)) {
                    dprintf(report_fd, "signaled %d ended %d\n", WTERMSIG(status), others);
                    return 128 + WTERMSIG(status);
                }
                dprintf(report_fd, "exited %d ended %d\n", WEXITSTATUS(status), others);
                return WEXITSTATUS(status);
            }
        }
    }
}
