#!/usr/bin/env python3
"""Writes the benchmark corpora of bench/compare.sh (deterministic: same seed, same files).

    gen_corpus.py REPO_ROOT OUT_DIR [COUNT]

OUT_DIR/one/payload.json   the vendor's password example, unchanged (one small clean file)
OUT_DIR/clean/pNNNNN.json  COUNT payloads varied from the examples, all clean
OUT_DIR/mixed/pNNNNN.json  the same payloads, but 10% of them carry one mistake each
OUT_DIR/manifest.json      counts, and which mixed files have a mistake and which kind

Variations: fresh image, user and CMK UUIDs, key pair names, password placeholders
(`$NAME` and `${NAME}`, never a literal password), disk encryption, BYOL,
`mode`, `isAutoPay`, and user data (base64 cloud-init scripts of 0.1 to 12 KB decoded).
Every mistake is one that the exported JSON Schema can express too, so all tools under
comparison reject the same files.
"""

import base64
import json
import random
import shutil
import sys
import uuid
from pathlib import Path

SEED = 20240418


def rand_uuid(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def user_script(rng, size):
    lines = ["#!/bin/bash", "set -euo pipefail"]
    n = 0
    while sum(len(line) + 1 for line in lines) < size:
        lines.append(f"echo 'step {n}: {rng.choice(['install', 'configure', 'enable', 'verify'])} "
                     f"{rng.choice(['nginx', 'chrony', 'node-exporter', 'fail2ban'])}' >> /var/log/init.log")
        n += 1
    return ("\n".join(lines) + "\n").encode()


def clean_payload(rng):
    option = {}
    login = rng.choices(["password", "keypair", "user_data"], weights=[5, 4, 1])[0]
    if login == "password":
        # Placeholders only, as committed payloads should be (a literal one is a warning).
        option["adminpass"] = rng.choice(
            ["$ADMIN_PASS", "${ADMIN_PASS}", f"$PASS_{rng.randint(1, 99)}", f"${{ADMIN_PASS_{rng.randint(1, 99)}}}"])
    elif login == "keypair":
        option["keyname"] = f"KeyPair-{rng.getrandbits(16):04x}"
        option["userid"] = uuid.UUID(int=rng.getrandbits(128)).hex
    option["imageid"] = rand_uuid(rng)
    metadata = {}
    if rng.random() < 0.3:
        metadata["__system__encrypted"] = "1"
        metadata["__system__cmkid"] = rand_uuid(rng)
    # user data beside a password is a warning (the password is ignored on Linux): not here.
    if login == "user_data" or (login == "keypair" and rng.random() < 0.35):
        size = rng.choice([120, 400, 1500, 4000, 12000])
        metadata["user_data"] = base64.b64encode(user_script(rng, size)).decode()
    if rng.random() < 0.1:
        metadata["BYOL"] = "true"  # "false" is an error: the member is left out instead
    if metadata:
        option["metadata"] = metadata
    if rng.random() < 0.6:
        option["mode"] = "withStopServer"
    if rng.random() < 0.3:
        option["isAutoPay"] = rng.choice(["true", "false"])
    return {"os-change": option}


def break_payload(rng, payload):
    """One mistake that both the linter and a JSON Schema validator reject."""
    option = payload["os-change"]
    kind = rng.choice([
        "imageid-not-uuid", "imageid-case-typo", "isAutoPay-boolean", "mode-unknown",
        "password-and-keypair", "no-imageid", "encrypted-number", "unknown-top-level",
    ])
    if kind == "imageid-not-uuid":
        option["imageid"] = "img-" + uuid.UUID(int=rng.getrandbits(128)).hex[:12]
    elif kind == "imageid-case-typo":
        option["imageId"] = option.pop("imageid")
    elif kind == "isAutoPay-boolean":
        option["isAutoPay"] = True
    elif kind == "mode-unknown":
        option["mode"] = "stopServer"
    elif kind == "password-and-keypair":
        option["adminpass"] = "$ADMIN_PASS"
        option["keyname"] = "KeyPair-350b"
        option["userid"] = "7e25b1da389f4697a79df3a0e5bd494e"
    elif kind == "no-imageid":
        # Not "no login method": since the vendor pages allow one for some images, it is a
        # warning, which a JSON Schema cannot give.
        del option["imageid"]
    elif kind == "encrypted-number":
        option.setdefault("metadata", {})["__system__encrypted"] = 1
    elif kind == "unknown-top-level":
        payload["server_id"] = rand_uuid(rng)
    return kind


def write(path, payload):
    path.write_text(json.dumps(payload, indent=2) + "\n")


def main():
    root, out = Path(sys.argv[1]), Path(sys.argv[2])
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
    for sub in ("one", "clean", "mixed"):
        shutil.rmtree(out / sub, ignore_errors=True)
        (out / sub).mkdir(parents=True)
    shutil.copyfile(root / "examples" / "cloudinit-password.json", out / "one" / "payload.json")

    rng = random.Random(SEED)
    broken_at = set(rng.sample(range(count), count // 10))
    mistakes = {}
    total = {"clean": 0, "mixed": 0}
    for i in range(count):
        payload = clean_payload(rng)
        name = f"p{i:05}.json"
        write(out / "clean" / name, payload)
        if i in broken_at:
            mistakes[name] = break_payload(rng, payload)
        write(out / "mixed" / name, payload)
        total["clean"] += (out / "clean" / name).stat().st_size
        total["mixed"] += (out / "mixed" / name).stat().st_size
    manifest = {
        "seed": SEED,
        "files": count,
        "bytes": total,
        "broken": len(mistakes),
        "kinds": {k: sum(1 for v in mistakes.values() if v == k) for k in sorted(set(mistakes.values()))},
        "mistakes": mistakes,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"corpus: {count} files in {out}/clean ({total['clean']} bytes) and {out}/mixed "
          f"({len(mistakes)} with a mistake, {total['mixed']} bytes)")


if __name__ == "__main__":
    main()
