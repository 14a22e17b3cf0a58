"""nginx (Debian's nginx-light) as the benchmarks' reference peer: a plain reverse proxy in front
of an upstream, and a canned upstream answering every request with one recorded body in ~0.1 ms.
One unprivileged nginx process, all files in a private work directory."""
import os
import pathlib
import shutil
import subprocess
import time
import socket

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _wait(port):
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nginx did not listen on {port}")


class NginxPeer:
    """`servers`: list of (port, kind, target): kind `proxy` (target `host:port`, kept-alive
    upstream connections), `proxy-fresh` (one upstream connection per request) or `canned`
    (target the body bytes; a long body is served from a file)."""

    def __init__(self, work: pathlib.Path, servers):
        self.work = work / "nginx"
        (self.work / "logs").mkdir(parents=True, exist_ok=True)
        blocks = []
        for port, kind, target in servers:
            if kind == "proxy-fresh":  # a new upstream connection per request (the emulator drops idle ones)
                location = f"proxy_pass http://{target}; proxy_buffering on;"
            elif kind == "proxy":
                location = (f"proxy_pass http://{target}; proxy_http_version 1.1; proxy_set_header Connection \"\";"
                            " proxy_buffering on;")
                blocks.append(f"upstream up{port} {{ server {target}; keepalive 16; }}")
                location = location.replace(f"http://{target}", f"http://up{port}")
            elif len(target) > 2048:  # too long for a `return` (nginx's parameter limit): served from a file
                (self.work / f"canned-{port}").mkdir(exist_ok=True)
                (self.work / f"canned-{port}" / "body.json").write_bytes(target)
                location = (f"root {self.work}/canned-{port}; default_type application/json; try_files /body.json =404; "
                            "error_page 405 =200 /body.json;")  # the static module answers POST with 405
            else:
                text = target.decode()
                if "$" in text:
                    raise ValueError("a canned body with '$' would be read as nginx variables")
                quoted = text.replace("\\", "\\\\").replace("'", "\\'")
                location = f"default_type application/json; return 200 '{quoted}';"
            blocks.append(f"server {{ listen 127.0.0.1:{port}; access_log off; keepalive_requests 100000;"
                          f" location / {{ {location} }} }}")
        conf = self.work / "nginx.conf"
        # As root, nginx's workers would run as nobody, who cannot read the private work directory.
        user = "user root;\n" if os.geteuid() == 0 else ""
        conf.write_text(f"""{user}worker_processes 1;
pid {self.work}/nginx.pid;
error_log {self.work}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
  client_body_temp_path {self.work}/body; proxy_temp_path {self.work}/proxy;
  fastcgi_temp_path {self.work}/fastcgi; uwsgi_temp_path {self.work}/uwsgi; scgi_temp_path {self.work}/scgi;
  {' '.join(blocks)}
}}
""")
        self.process = subprocess.Popen([NGINX, "-p", str(self.work), "-c", str(conf), "-g", "daemon off;"],
                                        stderr=subprocess.PIPE)
        for port, _, _ in servers:
            _wait(port)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
