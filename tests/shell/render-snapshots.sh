#!/bin/sh
# Snapshot tests of payload files through `changeos render`, as a project whose tests are not
# in Rust writes them (the same loop fits pytest, jest or go test): render every payload,
# compare the output with its committed snapshot, fail on any difference.
#
#   tests/shell/render-snapshots.sh             check: exit 1 with a diff when a snapshot is stale
#   UPDATE=1 tests/shell/render-snapshots.sh    rewrite the snapshots (review them with git diff)
#
# CHANGEOS is the binary (default: changeos on PATH); PAYLOADS and SNAPSHOTS are the directories
# (default: payloads/ and snapshots/ beside this script). A payload named nocloudinit-*.json is
# a body of the v1 API. A snapshot never holds a password: render prints "[redacted]" instead,
# and keeps placeholders such as "$ADMIN_PASS" as written.
set -eu

changeos=${CHANGEOS:-changeos}
here=$(cd "$(dirname "$0")" && pwd)
payloads=${PAYLOADS:-$here/payloads}
snapshots=${SNAPSHOTS:-$here/snapshots}
actual=$(mktemp)
trap 'rm -f "$actual"' EXIT

checked=0
failed=0
for payload in "$payloads"/*.json; do
    if [ ! -e "$payload" ]; then
        echo "no payloads in $payloads" >&2
        exit 1
    fi
    name=$(basename "$payload" .json)
    case $name in
        nocloudinit-*) op=nocloudinit ;;
        *) op=cloudinit ;;
    esac
    snapshot=$snapshots/$name.json
    checked=$((checked + 1))
    if ! "$changeos" render --op "$op" "$payload" >"$actual"; then
        echo "FAIL $name: changeos render refused it" >&2
        failed=$((failed + 1))
    elif [ "${UPDATE:-}" = 1 ]; then
        cp "$actual" "$snapshot"
        echo "wrote $snapshot"
    elif [ ! -f "$snapshot" ]; then
        echo "FAIL $name: no snapshot $snapshot (UPDATE=1 writes it)" >&2
        failed=$((failed + 1))
    elif ! diff -u "$snapshot" "$actual" >&2; then
        echo "FAIL $name: the rendered payload differs from its snapshot (UPDATE=1 rewrites it)" >&2
        failed=$((failed + 1))
    fi
done

echo "$checked payloads rendered, $failed failed"
[ "$failed" -eq 0 ]
