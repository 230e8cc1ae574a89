#!/usr/bin/env python3
"""Re-check latency of `wotrules lsp` on the shipped rules: the time from a didChange of a
rule file to the diagnostics published for it, over N edits alternating a typo and its fix
(so every edit changes the diagnostics). Drives the real binary over stdio, as an editor.

    bench/lsp.py [N] [WOTRULES]     # N edits (default 200), binary (default target/release)
Prints the median, 90th percentile and max in milliseconds, then the server's exit code.
"""
import json, os, subprocess, sys, tempfile, shutil, time, statistics

here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
binary = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "target/release/wotrules")

work = tempfile.mkdtemp()
try:
    rules = os.path.join(work, "rules")
    shutil.copytree(os.path.join(here, "rules"), rules)
    path = os.path.join(rules, "rulings/a20111001.1-ruling-1.yaml")
    uri = "file://" + path
    good = open(path, encoding="utf-8").read()
    typo = good.replace("record.awarded > 0", "record.awardd > 0", 1)
    server = subprocess.Popen([binary, "lsp", "--rules", rules],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def send(message):
        body = json.dumps(message).encode()
        server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        server.stdin.flush()

    def receive():
        length = None
        while True:
            line = server.stdout.readline()
            if not line:
                raise SystemExit("the server closed its output")
            if line in (b"\r\n", b"\n"):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(server.stdout.read(length))

    def diagnostics():
        while True:
            message = receive()
            if message.get("method") == "textDocument/publishDiagnostics" \
                    and message["params"]["uri"] == uri:
                return message["params"]["diagnostics"]

    send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
    while receive().get("id") != 1:
        pass
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "yaml", "version": 1, "text": good}}})
    times = []
    for version in range(2, count + 2):
        text = typo if version % 2 == 0 else good
        start = time.perf_counter()
        send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"text": text}]}})
        published = diagnostics()
        times.append((time.perf_counter() - start) * 1000)
        if bool(published) != (text is typo):
            raise SystemExit(f"edit {version}: wrong diagnostics {published}")
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    while receive().get("id") != 2:
        pass
    send({"jsonrpc": "2.0", "method": "exit"})
    code = server.wait(timeout=10)
    times.sort()
    print(f"re-check after an edit, {count} edits of {os.path.relpath(path, rules)} "
          f"(typo and fix in turn): median {statistics.median(times):.1f} ms, "
          f"p90 {times[int(len(times) * 0.9)]:.1f} ms, max {times[-1]:.1f} ms")
    print(f"server exit code: {code}")
    sys.exit(0 if code == 0 else 1)
finally:
    shutil.rmtree(work)
