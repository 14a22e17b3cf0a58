"""A raw-mode line editor, as agent TUIs have: it puts its terminal in raw mode, turns on
bracketed paste, edits a line (printable UTF-8, Backspace, Ctrl-U, Ctrl-W, left/right arrows,
pastes inserted as one block) and prints each submitted line as JSON ("SUBMITTED <json>").
"vault" asks for a key without echoing it (prompt "vault key> "); "quit" ends it."""
import json
import os
import sys
import termios
import tty

fd = sys.stdin.fileno()
saved = termios.tcgetattr(fd)
tty.setraw(fd)
out = sys.stdout


def write(text):
    out.write(text.replace("\n", "\r\n"))
    out.flush()


def read_byte():
    return os.read(fd, 1)


def read_utf8(first):
    data = first
    length = 2 if first[0] >= 0xC0 else 1
    length = 3 if first[0] >= 0xE0 else length
    length = 4 if first[0] >= 0xF0 else length
    while len(data) < length:
        data += read_byte()
    return data.decode("utf-8", "replace")


try:
    write("\x1b[?2004h")
    while True:
        write("ask> ")
        line, cursor = [], 0
        while True:
            byte = read_byte()
            if byte in (b"\r", b"\n"):
                break
            if byte == b"\x7f" and cursor > 0:
                del line[cursor - 1]
                cursor -= 1
            elif byte == b"\x15":
                del line[:cursor]
                cursor = 0
            elif byte == b"\x17":
                start = cursor
                while start > 0 and line[start - 1].isspace():
                    start -= 1
                while start > 0 and not line[start - 1].isspace():
                    start -= 1
                del line[start:cursor]
                cursor = start
            elif byte == b"\x1b":
                sequence = read_byte() + read_byte()
                while not (0x40 <= sequence[-1] <= 0x7E):
                    sequence += read_byte()
                if sequence == b"[D":
                    cursor = max(cursor - 1, 0)
                elif sequence == b"[C":
                    cursor = min(cursor + 1, len(line))
                elif sequence == b"[200~":
                    pasted = b""
                    while not pasted.endswith(b"\x1b[201~"):
                        pasted += read_byte()
                    text = pasted[:-6].decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
                    line[cursor:cursor] = list(text)
                    cursor += len(text)
            elif byte[0] >= 0x20 and byte != b"\x7f":
                line.insert(cursor, read_utf8(byte))
                cursor += 1
            write("\r\x1b[K ask> " + "".join(line).replace("\n", "⏎"))
        text = "".join(line)
        write("\nSUBMITTED " + json.dumps(text) + "\n")
        if text == "vault":
            write("vault key> ")
            key = b""
            while not key.endswith(b"\r"):
                key += read_byte()
            write(f"\nKEY LENGTH {len(key) - 1}\n")
        if text == "quit":
            break
finally:
    write("\x1b[?2004l")
    termios.tcsetattr(fd, termios.TCSAFLUSH, saved)
