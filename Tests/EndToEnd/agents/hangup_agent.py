"""Inside the sandbox: tunnels to a server that never reads, fills every buffer on the way, then
hangs up, and measures how much CPU the sandbox's PID 1 (hrec-sandbox, which relays the
sandbox's loopback to hrec's sockets) burns in the two seconds after."""
import os
import socket
import sys
import time

port = int(sys.argv[1])
tunnel = socket.create_connection(("127.0.0.1", 3128))
tunnel.sendall(f"CONNECT 127.0.0.1:{port} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
print("CONNECT", tunnel.recv(4096).split(b"\r\n")[0].decode(), flush=True)
time.sleep(1)  # the server's greeting arrives and stays unread: closing now sends a reset
tunnel.setblocking(False)
chunk, sent, blocked_since = b"x" * 65536, 0, None
while sent < 64 << 20:
    try:
        sent += tunnel.send(chunk)
        blocked_since = None
    except BlockingIOError:
        blocked_since = blocked_since or time.monotonic()
        if time.monotonic() - blocked_since > 1:
            break
        time.sleep(0.02)
print("SENT", sent, "BLOCKED", blocked_since is not None, flush=True)
tunnel.close()


def relay_cpu():
    fields = open("/proc/1/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


before = relay_cpu()
time.sleep(2)
print("RELAY_CPU", round(relay_cpu() - before, 2), flush=True)
