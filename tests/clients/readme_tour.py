"""Runs every curl command of the README against a live server, so the examples can
never drift from the product.

    python tests/clients/readme_tour.py BASE_URL EDITOR_KEY [README.md]

Reads the README's ```sh blocks in order and runs, in one bash process (so variables
such as `key`, `H`, `etag` and `cursor` carry over as they do for a reader who pastes
the blocks one after another):
  - every command that calls curl, with http://127.0.0.1:8080 replaced by BASE_URL;
  - every variable assignment (`H="Authorization: Bearer $key"`), where an editor key
    made on the command line (`key=$(cargo run … keys create --role editor … | tail -1)`)
    is EDITOR_KEY instead.
Anything else (building, starting servers, docker, npm, other key commands) is listed
as skipped. Each curl runs with --fail-with-body: a 4xx or 5xx answer, a refused
connection or a timeout fails the run, as does a command whose comment names a status
(`# 304`) that its output does not show. tests/run runs this on its live server after
newman and before schemathesis (whose random writes may change the fixtures the tour
reads). The tour deletes what it creates, so it can run again on the same server.
"""

import os
import re
import shlex
import subprocess
import sys
import tempfile

README_URL = "http://127.0.0.1:8080"
EDITOR_KEY = re.compile(
    r"\$\(cargo run --release -- keys create --role editor [^)]*\| tail -1\)"
)
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
STATUS_COMMENT = re.compile(r"#\s*(\d{3})\s*$")

# Runs curl as the README wrote it, but failing on 4xx and 5xx. Exit code 23 is a
# reader that stopped early (`| head -1`), not a failed request.
PRELUDE = r"""
curl() {
    command curl --fail-with-body --show-error --max-time 30 "$@"
    local rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 23 ]; then
        echo "curl exited with $rc" >>"$TOUR_FAILED"
    fi
    return "$rc"
}
"""


def sh_blocks(text):
    """The lines of each ```sh block, in order."""
    blocks, current = [], None
    for line in text.splitlines():
        if current is None and line.strip() == "```sh":
            current = []
        elif current is not None and line.strip() == "```":
            blocks.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def commands(lines):
    """Logical commands: continuation lines (`\\`) and open quotes joined."""
    pending = []
    for line in lines:
        if not pending and (not line.strip() or line.strip().startswith("#")):
            continue
        pending.append(line)
        text = "\n".join(pending)
        if text.endswith("\\"):
            continue
        try:
            shlex.split(text, comments=True)
        except ValueError:  # a quote is still open: the command goes on
            continue
        yield text
        pending = []
    if pending:
        raise SystemExit(f"README: unterminated command: {' '.join(pending)}")


def is_curl(command):
    return re.search(r"(^|[\s(|;&])curl\s", command) is not None


def main():
    base, key = sys.argv[1].rstrip("/"), sys.argv[2]
    readme = sys.argv[3] if len(sys.argv) > 3 else "README.md"
    with open(readme, encoding="utf-8") as f:
        blocks = sh_blocks(f.read())

    run, skipped = [], []
    for block in blocks:
        for command in commands(block):
            if is_curl(command) or ASSIGNMENT.match(command):
                command = EDITOR_KEY.sub('"$TOUR_EDITOR_KEY"', command)
                run.append(command.replace(README_URL, base))
            else:
                skipped.append(command.splitlines()[0])
    curls = sum(is_curl(c) for c in run)
    if curls < 50:
        sys.exit(f"README: only {curls} curl commands found; is the parser broken?")

    with tempfile.TemporaryDirectory() as tmp:
        failed, out = os.path.join(tmp, "failed"), os.path.join(tmp, "out")
        script = [PRELUDE]
        for i, command in enumerate(run):
            expected = STATUS_COMMENT.search(command.splitlines()[-1])
            script.append(f': >"$TOUR_FAILED"\n{{\n{command}\n}} >"$TOUR_OUT" 2>&1')
            check = '[ -s "$TOUR_FAILED" ]'
            if expected:
                check += f' || ! grep -q " {expected.group(1)}" "$TOUR_OUT"'
            script.append(
                f"if {check}; then\n"
                f"    echo {shlex.quote(f'README command {i + 1} failed:')}\n"
                f"    echo {shlex.quote(command)}\n"
                '    echo "--- output:"; head -c 2000 "$TOUR_OUT"; echo\n'
                '    cat "$TOUR_FAILED"; exit 1\n'
                "fi"
            )
        env = dict(os.environ, TOUR_FAILED=failed, TOUR_OUT=out, TOUR_EDITOR_KEY=key)
        result = subprocess.run(["bash", "-c", "\n".join(script)], env=env, cwd=tmp)
    if result.returncode != 0:
        sys.exit(1)
    print(f"README: {len(run)} commands run ({curls} with curl), all answered")
    print(f"README: {len(skipped)} commands not run here (no curl):")
    for command in skipped:
        print(f"    {command}")


if __name__ == "__main__":
    main()
