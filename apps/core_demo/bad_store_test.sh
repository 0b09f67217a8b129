#!/usr/bin/env bash
# A corrupt or unwritable store path gives a clear error and a non-zero exit,
# never a crash, and the corrupt file is left as it was.
set -u
demo=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

head -c 65536 /dev/urandom > "$dir/corrupt.db"
before=$(sha256sum < "$dir/corrupt.db")
out=$("$demo" --store "sqlite:$dir/corrupt.db" --commands 10 2>&1); rc=$?
[[ $rc == 2 ]] || fail "corrupt store: exit $rc, want 2 ($out)"
[[ $out == *"corrupt.db"* && $out == *"not a usable sagad store"* ]] || fail "corrupt store: unclear message: $out"
[[ $(sha256sum < "$dir/corrupt.db") == "$before" ]] || fail "corrupt store file was modified"

out=$("$demo" --store "sqlite:$dir/no/such/dir/x.db" --commands 10 2>&1); rc=$?
[[ $rc == 2 ]] || fail "missing directory: exit $rc, want 2 ($out)"
[[ $out == *"no/such/dir"* ]] || fail "missing directory: unclear message: $out"

out=$("$demo" --store "postgres://nope" --commands 10 2>&1); rc=$?
[[ $rc == 2 && $out == *"unknown store URL"* ]] || fail "bad URL: exit $rc: $out"

out=$("$demo" --commands -5 2>&1); rc=$?
[[ $rc != 0 && $rc != 139 ]] || fail "bad flag accepted: exit $rc"
echo "PASS"
