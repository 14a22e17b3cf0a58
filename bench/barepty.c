/* The baseline for the recording benchmark: a bare pty relay (forkpty + poll, no recording). */
#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: barepty CMD [ARGS...]\n"); return 2; }
    int master;
    pid_t pid = forkpty(&master, NULL, NULL, NULL);
    if (pid == 0) { execvp(argv[1], argv + 1); _exit(127); }
    char buffer[65536];
    struct pollfd fds[2] = {{master, POLLIN, 0}, {0, POLLIN, 0}};
    int nfds = 2;
    for (;;) {
        if (poll(fds, nfds, -1) < 0) continue;
        if (fds[0].revents) {
            ssize_t n = read(master, buffer, sizeof buffer);
            if (n <= 0) break;
            for (ssize_t off = 0; off < n;) { ssize_t w = write(1, buffer + off, n - off); if (w <= 0) break; off += w; }
        }
        if (nfds == 2 && fds[1].revents) {
            ssize_t n = read(0, buffer, sizeof buffer);
            if (n <= 0) nfds = 1; else if (write(master, buffer, n) < 0) nfds = 1;
        }
    }
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
