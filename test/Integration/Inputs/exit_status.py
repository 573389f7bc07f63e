"""exit_status.py STATUS CMD...: runs CMD and succeeds only if it exits with
STATUS (not killed by a signal) and writes exactly one line to stderr and
nothing to stdout, which it echoes for FileCheck."""
import subprocess
import sys

want = int(sys.argv[1])
p = subprocess.run(sys.argv[2:], capture_output=True, text=True)
lines = p.stderr.splitlines()
print(p.stderr, end="")
if p.returncode != want:
    sys.exit("exit status %d, expected %d" % (p.returncode, want))
if len(lines) != 1 or p.stdout:
    sys.exit("expected one line on stderr and nothing on stdout, got %r / %r"
             % (p.stderr, p.stdout))
