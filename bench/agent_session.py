#!/usr/bin/env python3
"""Writes an agent-like terminal session to stdout: streamed tokens, coloured `ls`, progress
bars, full-screen redraws with cursor movement and code blocks, in small writes.

    agent_session.py --bytes 2000000 [--pace 0.0005] [--seed 1]
    agent_session.py --bytes 104857600 --pace 0 > big.txt     (a file for `cat`)
"""
import argparse
import os
import random
import sys
import time

WORDS = ("the query table SELECT customer_id FROM analytics.orders WHERE func return let var if else "
         "import struct error result file Sources/App/main.swift tests passed running build index value "
         "user email null true false async await try print config update I will now check the").split()
FILES = ["main.swift", "Package.swift", "README.md", "query.sql", "orders.py", "config.yaml", "tests", "docs"]


def bursts(rng):
    paragraph = []
    while True:
        kind = rng.random()
        if kind < 0.45:   # streamed tokens: an Ink-style TUI re-renders the growing paragraph and its frame on each token
            paragraph.append(rng.choice(WORDS))
            if len(paragraph) > 14:
                yield (" ".join(paragraph) + ".\r\n").encode()
                paragraph = []
                continue
            box = "\x1b[2K\x1b[38;5;244m╭" + "─" * 60 + "╮\x1b[0m\r\n\x1b[2K│ > \x1b[0m\r\n\x1b[2K\x1b[38;5;244m╰" + "─" * 60 + "╯\x1b[0m"
            yield ("\x1b[4A\r\x1b[2K\x1b[1m●\x1b[0m " + " ".join(paragraph) + "\r\n" + box + "\r\n\x1b[2K  ? for shortcuts").encode()
        elif kind < 0.55:  # coloured ls
            line = "  ".join(f"\x1b[01;{rng.choice([32, 34, 36])}m{rng.choice(FILES)}\x1b[0m" for _ in range(rng.randint(3, 8)))
            yield (line + "\r\n").encode()
        elif kind < 0.75:  # progress bar
            done = rng.randint(0, 40)
            yield f"\r\x1b[2K[{'#' * done}{'.' * (40 - done)}] {done * 100 // 40:3d}%".encode()
        elif kind < 0.85:  # redraw a panel with cursor movement
            yield "".join(f"\x1b[{row};1H\x1b[38;5;{rng.choice([33, 208, 244])}m{rng.choice(WORDS)} {rng.choice(WORDS)}\x1b[0m\x1b[K"
                          for row in range(1, rng.randint(3, 12))).encode()
        elif kind < 0.95:  # code block
            yield "".join(f"    \x1b[35m{rng.choice(['let', 'func', 'if', 'return'])}\x1b[0m {rng.choice(WORDS)}({rng.choice(WORDS)})\r\n"
                          for _ in range(rng.randint(2, 8))).encode()
        else:              # spinner in the status line
            yield f"\x1b[s\x1b[999;1H\x1b[7m {rng.choice('⠋⠙⠹⠸')} working \x1b[0m\x1b[u".encode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bytes", type=int, default=2_000_000)
    parser.add_argument("--pace", type=float, default=0.0005, help="seconds to sleep every 20 writes")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    out = sys.stdout.buffer
    written = 0
    for count, burst in enumerate(bursts(rng)):
        if written >= args.bytes:
            break
        os.write(out.fileno(), burst)
        written += len(burst)
        if args.pace and count % 20 == 0:
            time.sleep(args.pace)


if __name__ == "__main__":
    main()
