import base64, errno, json, os, re, sys

def die(msg):
    sys.stderr.write("dockwire: " + msg + "\n")
    sys.exit(2)

def canon(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

def render(obj):
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

def no_constant(name):
    raise ValueError("invalid JSON constant " + name)

def kind(v):
    if v is None: return "null"
    if isinstance(v, list): return "an array"
    if isinstance(v, bool): return "a boolean"
    if isinstance(v, (int, float)): return "a number"
    if isinstance(v, str): return "a string"
    return "an object"

def parse_text(text, path):
    if text.startswith("\ufeff"):
        text = text[1:]
    if text.strip() == "":
        return {}
    try:
        obj = json.loads(text, parse_constant=no_constant)
    except ValueError as e:
        die("%s is not valid JSON (%s): it was left unchanged; fix or remove it, then apply again." % (path, e))
    if not isinstance(obj, dict):
        die("%s holds %s, not a JSON object: it was left unchanged; fix or remove it, then apply again." % (path, kind(obj)))
    return obj

def read_file(path):
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except (IOError, OSError) as e:
        if e.errno == errno.ENOENT:
            return None
        die("cannot read %s (%s): nothing was changed." % (path, e.strerror))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        die("%s is not UTF-8 text (%s): it was left unchanged; fix or remove it, then apply again." % (path, e))

def as_record(v, where):
    if isinstance(v, dict) and isinstance(v.get("managed"), list) and isinstance(v.get("previous"), dict) \
            and all(isinstance(k, str) for k in v["managed"]):
        r = {"managed": sorted(v["managed"]), "previous": v["previous"]}
        if isinstance(v.get("bridge"), str):
            r["bridge"] = v["bridge"]
        return r
    die("%s is not a dockwire record {managed: [...], previous: {...}}: remove it or fix it, then run again." % where)

def read_record(path):
    text = read_file(path)
    if text is None:
        return None
    try:
        v = json.loads(text)
    except ValueError as e:
        die("%s is not valid JSON (%s): remove it or fix it, then run again." % (path, e))
    return as_record(v, path)

def record_from_env():
    out = os.environ.get("PULUMI_COMMAND_STDOUT", "")
    lines = [l for l in out.split("\n") if l.startswith("DOCKWIRE_PREVIOUS=")]
    if not lines:
        return None
    try:
        return as_record(json.loads(lines[-1][len("DOCKWIRE_PREVIOUS="):]), "the DOCKWIRE_PREVIOUS line of PULUMI_COMMAND_STDOUT")
    except ValueError:
        return None

def b64json(text, what):
    try:
        return json.loads(base64.b64decode(text.encode("ascii")).decode("utf-8"))
    except Exception as e:
        die("internal: cannot decode %s (%s)" % (what, e))

def write_atomic(path, data, like, suffix=".dockwire.new"):
    tmp = path + suffix
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    if like is not None:
        try:
            st = os.stat(like)
            os.chmod(tmp, st.st_mode & 0o7777)
            os.chown(tmp, st.st_uid, st.st_gid)
        except OSError:
            pass
    return tmp

def put(outdir, name, text):
    with open(os.path.join(outdir, name), "w") as f:
        f.write(text)

def bridge_address(name):
    # The IPv4 address with prefix that the bridge has now, or None.
    if not name:
        return None
    try:
        import subprocess
        out = subprocess.check_output(["ip", "-o", "-4", "addr", "show", "dev", name], stderr=subprocess.STDOUT)
    except Exception:
        return None
    m = re.search(r" inet ([0-9.]+/[0-9]+) ", out.decode("utf-8", "replace"))
    return m.group(1) if m else None

def plan(mode, config, record_path, managed_b64, previous_b64, outdir, bridge):
    text = read_file(config)
    before = {} if text is None else parse_text(text, config)
    after = dict(before)
    stage = None
    if mode == "apply":
        managed = b64json(managed_b64, "the managed keys")
        prior = read_record(record_path)
        prior_managed = prior["managed"] if prior else []
        prior_previous = prior["previous"] if prior else {}
        for k in prior_managed:
            if k in managed:
                continue
            if k in prior_previous:
                after[k] = prior_previous[k]
            else:
                after.pop(k, None)
        previous = {}
        for k in managed:
            after[k] = managed[k]
            if k in prior_managed:
                if k in prior_previous:
                    previous[k] = prior_previous[k]
            elif k in before:
                previous[k] = before[k]
        record = {"managed": sorted(managed), "previous": previous}
        # bip set where it was unset: remember the bridge's address, since dockerd keeps
        # the default bridge's last address in its network store once bip is unset again
        if "bip" in managed and "bip" not in previous:
            if prior and "bip" in prior_managed:
                if isinstance(prior.get("bridge"), str):
                    record["bridge"] = prior["bridge"]
            else:
                now = bridge_address(bridge)
                if now:
                    record["bridge"] = now
        keys = sorted(managed)
    else:
        if previous_b64:
            record = as_record(b64json(previous_b64, "the previous values"), "the previous values passed in")
        else:
            record = read_record(record_path) or record_from_env()
        if record is None:
            put(outdir, "norecord", "1")
            put(outdir, "changed", "0")
            return
        for k in record["managed"]:
            if k in record["previous"]:
                after[k] = record["previous"][k]
            else:
                after.pop(k, None)
        keys = record["managed"]
        br = record.get("bridge")
        if isinstance(br, str) and "bip" in record["managed"] and "bip" not in record["previous"] \
                and "bip" not in after and "bridge" not in after and before.get("bip") != br:
            stage = dict(after)
            stage["bip"] = br
    changed = canon(after) != canon(before)
    diff = []
    for k in sorted(set(before) | set(after)):
        x = canon(before[k]) if k in before else "(unset)"
        y = canon(after[k]) if k in after else "(unset)"
        if x != y:
            diff.append("%s: %s -> %s" % (k, x, y))
    put(outdir, "record", canon(record) + "\n")
    put(outdir, "diff", "".join(l + "\n" for l in diff))
    put(outdir, "keys", ", ".join(keys))
    put(outdir, "hosts", "1" if "hosts" in keys else "0")
    bip = after.get("bip")
    put(outdir, "bip", bip if changed and isinstance(bip, str) and bip != before.get("bip") else "")
    put(outdir, "bipgone", "1" if "bip" in before and "bip" not in after and stage is None else "0")
    put(outdir, "stagebip", stage["bip"] if stage is not None and changed else "")
    # an apply that sets bip where it was unset: how to roll the bridge back, if needed
    rb = record.get("bridge") if mode == "apply" and "bip" not in before and "bridge" not in before else None
    put(outdir, "rbbip", rb if rb and changed else "")
    put(outdir, "changed", "1" if changed else "0")
    if changed:
        like = config if text is not None else None
        write_atomic(config, render(after).encode("utf-8"), like)
        if stage is not None:
            write_atomic(config, render(stage).encode("utf-8"), like, ".dockwire.stage")
        if rb:
            rbstage = dict(before)
            rbstage["bip"] = rb
            write_atomic(config, render(rbstage).encode("utf-8"), like, ".dockwire.rbstage")

def dropin(show):
    blocks = re.findall(r"argv\[\]=(.*?) ; ignore_errors=", show)
    if len(blocks) != 1:
        die("cannot read the unit's ExecStart from systemctl show (%r): write the drop-in by hand." % show.strip()[:300])
    args = blocks[0].split()
    out = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-H", "--host"):
            i += 2
            continue
        if a.startswith("--host=") or (a.startswith("-H") and len(a) > 2):
            i += 1
            continue
        out.append(a)
        i += 1
    sys.stdout.write("# Written by dockwire: daemon.json sets \"hosts\", and dockerd refuses hosts given\n"
                     "# both as a -H flag and in daemon.json, so ExecStart is cleared and set again without -H.\n"
                     "[Service]\nExecStart=\nExecStart=" + " ".join(x.replace("%", "%%") for x in out) + "\n")

def main(argv):
    if len(argv) >= 1 and argv[0] == "plan" and len(argv) == 8:
        plan(*argv[1:])
    elif argv == ["render"]:
        sys.stdout.write(render(parse_text(sys.stdin.read(), "stdin")))
    elif argv == ["dropin"]:
        dropin(sys.stdin.read())
    else:
        die("internal: bad arguments %r" % (argv,))

main(sys.argv[1:])
