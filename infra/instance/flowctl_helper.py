# flowctl_helper.py — the one python3 process of a flowctl run (traffic-autopilot data plane).
#
# Not a command: flowctl (bash) imports it with `python3 -I -S -c 'import flowctl_helper'` and hands it its
# validated arguments. It takes the lock, talks to HAProxy's admin unix socket and status endpoint, writes
# the map file and prints one tab-separated result line that flowctl turns into its JSON line. A separate
# file rather than a here-document in flowctl: Python keeps an imported module's bytecode in __pycache__, so
# a run does not compile these ~400 lines again (about 10 ms of a ~50 ms change on 2 cores).
#
# Standard library only, and from it only what starts fast: _socket, not socket (socket.py pulls in enum
# and selectors) and no json (it pulls in re): together they would cost more start-up time than everything
# else this program does.
import _socket, fcntl, os, stat, sys, time

# flowctl and this file are installed together; a run that pairs two versions stops before it does anything.
PROTOCOL = "1"
if sys.argv[1:2] != [PROTOCOL]:
    print("8\tunknown\t0\tunknown\tfalse\tflowctl and %s are from different versions (protocol %r, this file "
          "speaks %s): install both from the same release; nothing changed" % (__file__, sys.argv[1:2], PROTOCOL))
    sys.exit(0)
del sys.argv[1]

(EX_OK, EX_INTERNAL, EX_USAGE, EX_BUSY, EX_INVALID, EX_APPLY, EX_VERIFY, EX_ROLLBACK, EX_SETUP,
 EX_UNREACHABLE) = range(10)
MAX_RATE = 10000

(action, want_flow, want_rate, admin_socket, map_file, status_host, status_port, status_path, lock_file,
 lock_wait, verify_timeout_ms, verify_interval_ms, haproxy_bin, haproxy_cfg) = sys.argv[1:15]
config_files = sys.argv[15:]
started = time.monotonic()


class Done(Exception):
    def __init__(self, code, message, mode="unknown", rate="0", served="unknown", changed=False):
        super().__init__(message)
        self.fields = (code, mode, rate, served, changed, message)


def known(flow, rate):
    """The only values flowctl writes: flow_control on|off and admit_rate a plain decimal 0..10000.
    'on 5' -> True; 'on 05', 'on 1e3', 'on 10001', 'on 5;x', 'yes 0', None -> False."""
    if flow not in ("on", "off") or not isinstance(rate, str) or not rate.isascii() or not rate.isdigit():
        return False
    return (rate == "0" or rate[0] != "0") and len(rate) <= 5 and int(rate) <= MAX_RATE


def mode_of(flow, rate):
    if not known(flow, rate):
        return "unknown"
    return "open" if flow == "off" else "closed" if rate == "0" else "admitting"


def first_entries(pairs):
    """HAProxy answers a map lookup with the FIRST entry of a key; later duplicates are dead weight that a
    naive dict would report instead. Returns ({key: first value}, [keys held more than once])."""
    first, count = {}, {}
    for key, value in pairs:
        first.setdefault(key, value)
        count[key] = count.get(key, 0) + 1
    return first, sorted(k for k, n in count.items() if n > 1 and k in ("flow_control", "admit_rate"))


def recv_all(s):
    chunks = []
    while True:
        d = s.recv(65536)
        if not d:
            return b"".join(chunks)
        chunks.append(d)


def cli(command):
    # Non-interactive CLI: one command per connection, HAProxy answers then closes.
    s = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        s.settimeout(2.0)
        s.connect(admin_socket)
        s.sendall(command.encode() + b"\n")
        return recv_all(s).decode("utf-8", "replace")
    finally:
        s.close()


REQUEST = ("GET %s HTTP/1.0\r\nHost: %s:%s\r\nUser-Agent: flowctl\r\n\r\n"
           % (status_path, status_host, status_port)).encode()


def status_fields(body):
    """The status endpoint's flat JSON object as written by haproxy.cfg, read without the json module:
    b'{"mode":"closed","flowControl":"on","admitRate":0,"pid":7}' -> {b'"mode"': b'"closed"', ...}."""
    body = body.strip()
    if not (body.startswith(b"{") and body.endswith(b"}")):
        return {}
    return dict(item.partition(b":")[::2] for item in body[1:-1].split(b","))


def served():
    # Plain HTTP/1.0 over a socket: no http.client import, and no http_proxy can divert a loopback check.
    s = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        s.settimeout(0.5)
        s.connect((status_host, int(status_port)))
        s.sendall(REQUEST)
        head, _, body = recv_all(s).partition(b"\r\n\r\n")
        if head.split(b" ", 2)[1] == b"200":
            doc = status_fields(body)
            mode, rate = doc.get(b'"mode"', b"").strip(b'"').decode(), doc.get(b'"admitRate"', b"")
            if mode in ("open", "closed", "admitting") and rate.isdigit():
                return mode, str(int(rate))
    except (OSError, ValueError, IndexError, UnicodeDecodeError):
        pass
    finally:
        s.close()
    return "unknown", "0"


def runtime_map():
    try:
        out = cli("show map " + map_file)
    except OSError as e:
        raise Done(EX_UNREACHABLE, "HAProxy admin socket %s not reachable (%s); nothing changed" % (admin_socket, e))
    if out.startswith("Unknown map"):
        raise Done(EX_INVALID, "HAProxy does not use map %s (check MAP_FILE / FC_STATE_DIR); nothing changed" % map_file)
    pairs = []
    for line in out.splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3 and parts[0].startswith("0x"):
            pairs.append((parts[1], parts[2]))
    return first_entries(pairs)


def disk_map():
    try:
        with open(map_file, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        return None, {}, []
    pairs = []
    for line in raw.decode("utf-8", "replace").splitlines():
        parts = line.split(None, 2)
        if parts and not parts[0].startswith("#"):
            pairs.append((parts[0], parts[1] if len(parts) > 1 else ""))
    first, dupes = first_entries(pairs)
    return raw, first, dupes


def take_lock():
    lock_dir = os.path.dirname(lock_file)
    try:
        os.mkdir(lock_dir, 0o700)
    except FileExistsError:
        pass
    except OSError as e:
        raise Done(EX_SETUP, "cannot create the lock directory %s: %s" % (lock_dir, e))
    st = os.lstat(lock_dir)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o022:
        raise Done(EX_SETUP, "lock directory %s must be a real directory owned by uid %d that no one else can "
                   "write (it is uid %d, mode %o): in a shared one like /run/lock any local user could hold "
                   "the lock and block every change; nothing changed"
                   % (lock_dir, os.geteuid(), st.st_uid, stat.S_IMODE(st.st_mode)))
    try:
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as e:
        raise Done(EX_SETUP, "cannot open the lock file %s: %s" % (lock_file, e))
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid():
        raise Done(EX_SETUP, "lock file %s is not a regular file owned by uid %d" % (lock_file, os.geteuid()))
    deadline = time.monotonic() + float(lock_wait)
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd  # held until this process exits
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise Done(EX_BUSY, "another flowctl holds %s (waited %ss); nothing changed" % (lock_file, lock_wait))
            time.sleep(0.01)


def config_fingerprint():
    """What `haproxy -c` depends on besides the map: the files and the FC_* environment."""
    parts = []
    for path in config_files:
        try:
            st = os.stat(path)
            parts.append("%s %d %d %d %d" % (path, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns))
        except OSError:
            parts.append(path + " missing")
    parts.extend(sorted("%s=%s" % kv for kv in os.environ.items() if kv[0].startswith("FC_")))
    return "\n".join(parts) + "\n"


STAMP = os.path.join(os.path.dirname(lock_file), "config-checked")


def config_checked(fingerprint):
    try:
        with open(STAMP, encoding="utf-8") as f:
            return f.read() == fingerprint
    except OSError:
        return False


def haproxy_check(state_dir, fingerprint):
    """`haproxy -c` with FC_STATE_DIR pointed at state_dir (so it reads that flow-control.map). On success the
    fingerprint taken BEFORE the check is recorded: a file edited during the check is checked again."""
    import subprocess
    env = dict(os.environ, FC_STATE_DIR=state_dir)
    r = subprocess.run([haproxy_bin, "-c", "-f", haproxy_cfg], env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
    if r.returncode != 0:
        text = r.stdout.decode("utf-8", "replace")
        sys.stderr.write(text)
        first = next((l.strip() for l in text.splitlines() if "ALERT" in l or "error" in l), "see stderr")
        return first
    tmp = "%s.%d" % (STAMP, os.getpid())
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(fingerprint)
    os.replace(tmp, STAMP)
    return None


MAP_DIR = os.path.dirname(map_file) or "."
WORK_DIR = os.path.join(MAP_DIR, ".flowctl.%d" % os.getpid())


def stage_map(content, owner):
    """Writes content as WORK_DIR/flow-control.map (same filesystem as the map file: the rename is atomic)."""
    try:
        os.mkdir(WORK_DIR, 0o700)
    except FileExistsError:
        pass  # left by a crashed run with our pid: its file is overwritten below
    candidate = os.path.join(WORK_DIR, "flow-control.map")
    fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    try:
        os.write(fd, content)
        os.fchmod(fd, 0o644)
        if owner is not None and os.geteuid() == 0:
            os.fchown(fd, owner[0], owner[1])
    finally:
        os.close(fd)
    return candidate


def cleanup():
    for path in (os.path.join(WORK_DIR, "flow-control.map"), WORK_DIR):
        try:
            (os.rmdir if path == WORK_DIR else os.unlink)(path)
        except OSError:
            pass


def render(flow, rate):
    if not known(flow, rate):  # the second gate: nothing but a known value is ever written
        raise Done(EX_USAGE, "refusing to write flow_control=%r admit_rate=%r: not a value flowctl writes" % (flow, rate))
    return ("# Managed by flowctl (traffic-autopilot): '%s' at %s.\n"
            "# HAProxy serves this at runtime via 'set map'; this copy is what a reload or restart loads.\n"
            "flow_control %s\nadmit_rate %s\n"
            % (action, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), flow, rate)).encode()


def set_and_verify(flow, rate):
    """set map, then poll the status endpoint. Returns (rc, served_mode, ms from the first set map):
    rc 0 served, 1 set map failed or value refused, 2 not served in time. The writes are ordered so that no
    intermediate state is stricter than both ends: turning on, the rate goes first (ignored while off);
    turning off, the gate opens first."""
    if not known(flow, rate):
        print("refusing to send flow_control=%r admit_rate=%r to HAProxy: not a value flowctl writes"
              % (flow, rate), file=sys.stderr)
        return 1, "unknown", 0
    order = [("admit_rate", rate), ("flow_control", flow)] if flow == "on" else [("flow_control", flow), ("admit_rate", rate)]
    t0 = time.monotonic()
    for key, value in order:
        try:
            out = cli("set map %s %s %s" % (map_file, key, value)).strip()
            if out == "entry not found.":
                out = cli("add map %s %s %s" % (map_file, key, value)).strip()
        except OSError as e:
            out = str(e)
        if out:
            print("set map %s %s %s: %s" % (map_file, key, value, out), file=sys.stderr)
            return 1, "unknown", 0
    want = mode_of(flow, rate)
    deadline = t0 + int(verify_timeout_ms) / 1000.0
    while True:
        mode, served_rate = served()
        ms = round((time.monotonic() - t0) * 1000)
        if mode == want and (served_rate == rate or want == "open"):
            return 0, mode, ms
        if time.monotonic() >= deadline:
            return 2, mode, ms
        time.sleep(int(verify_interval_ms) / 1000.0)


def describe(flow, rate):
    mode = mode_of(flow, rate)
    return mode if mode != "unknown" else "unknown (flow_control=%r admit_rate=%r)" % (flow, rate)


def status():
    (rt, rt_dupes) = runtime_map()
    rt_flow, rt_rate = rt.get("flow_control"), rt.get("admit_rate")
    mode, rate = mode_of(rt_flow, rt_rate), rt_rate or "0"
    srv, srv_rate = served()
    if mode == "unknown":
        mode, rate = srv, srv_rate
    if srv == "unknown":
        raise Done(EX_UNREACHABLE, "status endpoint did not answer with a mode", mode, rate)
    note = "serving " + srv + (" at %s new users/s" % srv_rate if srv == "admitting" else "")
    _, disk, disk_dupes = disk_map()
    if rt_dupes:
        note += "; WARNING the runtime map holds %s more than once: HAProxy uses the first entry" % ", ".join(rt_dupes)
    if disk_dupes:
        note += ("; WARNING map file %s holds %s more than once: a reload uses the first entry, the next change "
                 "rewrites the file" % (map_file, ", ".join(disk_dupes)))
    d_flow, d_rate = disk.get("flow_control"), disk.get("admit_rate")
    if (d_flow, d_rate) != (rt_flow, rt_rate):
        note += "; WARNING map file %s says %s: a reload would serve that" % (map_file, describe(d_flow, d_rate))
    raise Done(EX_OK, note, mode, rate, srv)


def check():
    take_lock()
    fingerprint = config_fingerprint()
    _, disk, _ = disk_map()
    mode, rate = mode_of(disk.get("flow_control"), disk.get("admit_rate")), disk.get("admit_rate") or "0"
    problem = haproxy_check(MAP_DIR, fingerprint)
    if problem:
        raise Done(EX_INVALID, "haproxy -c refused %s with map %s (%s)" % (haproxy_cfg, map_file, problem), mode, rate)
    raise Done(EX_OK, "haproxy -c accepted %s with map %s; recorded as checked" % (haproxy_cfg, map_file),
               mode, rate, served()[0])


def change():
    want_mode = mode_of(want_flow, want_rate)
    content = render(want_flow, want_rate)  # refuses an unknown value before anything else happens
    take_lock()
    (rt, rt_dupes) = runtime_map()
    rt_flow, rt_rate = rt.get("flow_control"), rt.get("admit_rate")
    rt_mode = mode_of(rt_flow, rt_rate)
    out_rate = rt_rate if rt_mode != "unknown" else "0"
    srv, srv_rate = served()
    if srv == "unknown":
        raise Done(EX_UNREACHABLE, "status endpoint did not answer with a mode; refusing a change that cannot be "
                   "verified", rt_mode, out_rate)
    previous, disk, disk_dupes = disk_map()
    if ((rt_flow, rt_rate) == (want_flow, want_rate) and (disk.get("flow_control"), disk.get("admit_rate")) ==
            (want_flow, want_rate) and not disk_dupes and srv == want_mode and srv_rate == want_rate):
        # Idempotent: all three views agree, so a drifted map file is repaired by re-sending the same command.
        raise Done(EX_OK, "already %s; nothing changed" % want_mode, want_mode, want_rate, srv)

    owner = None
    try:
        st = os.stat(map_file)
        owner = (st.st_uid, st.st_gid)
    except FileNotFoundError:
        pass
    try:
        candidate = stage_map(content, owner)
    except OSError as e:
        raise Done(EX_APPLY, "cannot write a new map next to %s: %s; nothing changed" % (map_file, e), rt_mode, out_rate, srv)
    fingerprint = config_fingerprint()
    if not config_checked(fingerprint):
        # The configuration itself changed since it last passed: check it with the new map, as a reload would.
        problem = haproxy_check(WORK_DIR, fingerprint)
        if problem:
            raise Done(EX_INVALID, "haproxy -c refused %s with the new map (%s); nothing changed, still %s"
                       % (haproxy_cfg, problem, rt_mode), rt_mode, out_rate, srv)

    def rollback(code, message):
        failed = []
        if previous is not None:
            try:
                os.replace(stage_map(previous, owner), map_file)
            except OSError:
                failed.append("map-file")
        if not known(rt_flow, rt_rate):
            failed.append("runtime(previous values %s are not values flowctl writes)" % describe(rt_flow, rt_rate))
            mode = srv
        else:
            rc, mode, _ = set_and_verify(rt_flow, rt_rate)
            if rc == 1:
                failed.append("runtime")
            elif rc == 2:
                failed.append("verify(serving '%s')" % mode)
        if failed:
            raise Done(EX_ROLLBACK, "%s; ROLLBACK FAILED (%s): mode unknown, run 'flowctl status'"
                       % (message, " ".join(failed)), "unknown", "0", mode)
        raise Done(code, "%s; rolled back to %s" % (message, rt_mode), rt_mode, rt_rate, mode)

    try:
        os.replace(candidate, map_file)
    except OSError as e:
        raise Done(EX_APPLY, "writing %s failed: %s; nothing changed, still %s" % (map_file, e, rt_mode), rt_mode, out_rate, srv)
    rc, mode, ms = set_and_verify(want_flow, want_rate)
    if rc == 1:
        rollback(EX_APPLY, "set map on %s failed" % admin_socket)
    if rc == 2:
        rollback(EX_VERIFY, "status endpoint served '%s' instead of %s within %sms" % (mode, want_mode, verify_timeout_ms))
    raise Done(EX_OK, "%s -> %s, served %dms after set map" % (rt_mode, want_mode, ms), want_mode, want_rate, mode, True)


try:
    {"status": status, "check": check}.get(action, change)()
    raise Done(EX_INTERNAL, "no result")
except Done as done:
    result = done.fields
except Exception as e:  # still one answer line: bash turns it into the JSON contract
    result = (EX_INTERNAL, "unknown", "0", "unknown", False, "flowctl internal error: %r" % (e,))
finally:
    cleanup()
code, mode, rate, srv, changed, message = result
print("%d\t%s\t%s\t%s\t%s\t%s" % (code, mode, rate, srv, "true" if changed else "false",
                                  " ".join(str(message).split())))
