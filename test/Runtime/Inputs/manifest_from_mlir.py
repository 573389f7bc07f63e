"""Builds netrewrite_model_manifest (as a C definition on stdout) from a training
module's signatures and their nr.param / nr.kind / nr.opt_state / nr.io /
nr.optimizer attributes -- a stand-in for what netrewrite-compile --train
emits, so the runtime can be tested against real generated train_step code.
"""
import json, re, sys

text = open(sys.argv[1]).read()

def split_top(s):
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch in "(<{[": depth += 1
        if ch in ")>}]": depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip()); cur = ""
        else:
            cur += ch
    if cur.strip(): out.append(cur.strip())
    return out

def balanced(s, i):
    depth = 0
    for j in range(i, len(s)):
        if s[j] == "(": depth += 1
        elif s[j] == ")":
            depth -= 1
            if depth == 0: return j
    raise ValueError

def spec(item):
    m = re.search(r"tensor<([0-9x]*)xf32>|tensor<f32>", item)
    shape = [int(d) for d in m.group(1).split("x")] if m and m.group(1) else []
    attrs = dict(re.findall(r'(nr\.\w+) = "([^"]*)"', item))
    d = {"shape": shape}
    if "nr.param" in attrs:
        d["name"] = attrs["nr.param"]; d["kind"] = attrs.get("nr.kind", "trainable")
    elif "nr.opt_state" in attrs:
        d["name"] = attrs["nr.opt_state"]; d["kind"] = "opt_state"
    elif "nr.io" in attrs:
        d["name"] = attrs["nr.io"]; d["kind"] = "input"
    else:
        d["kind"] = "input"
    return d

fns = {}
for m in re.finditer(r"func\.func @(\w+)\(", text):
    name = m.group(1)
    if name not in ("forward", "train_step", "init_params"): continue
    a0 = m.end() - 1; a1 = balanced(text, a0)
    args = split_top(text[a0 + 1:a1])
    rest = text[a1 + 1:]
    res = []
    r = re.match(r"\s*->\s*", rest)
    if r:
        rest = rest[r.end():]
        if rest.startswith("("):
            e = balanced(rest, 0); res = split_top(rest[1:e])
        else:
            res = [re.match(r"tensor<[^>]*>", rest).group(0)]
    ins = [spec(a) for a in args]
    outs = [{"shape": spec(x)["shape"]} for x in res]
    fns[name] = {"inputs": ins if name != "init_params" else [], "outputs": outs}
x = [i for i in fns["forward"]["inputs"] if i["kind"] == "input"][0]
man = {"functions": fns, "batch": x["shape"][0], "input_shape": x["shape"],
       "num_classes": fns["forward"]["outputs"][0]["shape"][1]}
om = re.search(r"nr\.optimizer = \"(\w+)\"", text)
if om: man["optimizer"] = om.group(1)
s = json.dumps(man)
print('const char netrewrite_model_manifest[] = ' + json.dumps(s) + ';')
