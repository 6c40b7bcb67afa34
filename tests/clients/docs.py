"""Opens the API root in headless Chromium, which the server sends on to /docs (a
browser prefers HTML), and checks that Swagger UI drew every operation."""

import json
import shutil
import subprocess
import sys
import tempfile
import urllib.request

BASE = sys.argv[1].rstrip("/")
browser = shutil.which("chromium") or shutil.which("chromium-browser")
if not browser:
    sys.exit("docs: Chromium is needed (Debian package `chromium`; tests/run installs it)")

with urllib.request.urlopen(BASE + "/openapi.json") as response:
    spec = json.load(response)
operations = [
    (method.upper(), path, op["summary"])
    for path, item in spec["paths"].items()
    for method, op in item.items()
]

with tempfile.TemporaryDirectory() as profile:
    dom = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", f"--user-data-dir={profile}",
         "--virtual-time-budget=15000", "--dump-dom", BASE + "/"],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout

drawn = dom.count('class="opblock-summary-path"')
if drawn < len(operations):
    sys.exit(f"docs: Swagger UI drew {drawn} operations of {len(operations)}")
missing = [summary for _, _, summary in operations if summary not in dom]
if missing:
    sys.exit(f"docs: not drawn: {missing[:5]}")
if "authorize" not in dom.lower():
    sys.exit("docs: no Authorize button for the bearer key")
print(f"docs: / led the browser to Swagger UI, which drew all {drawn} operations, offline, with Authorize")
