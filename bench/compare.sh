#!/usr/bin/env bash
# Times `changeos check` as whole commands beside its peers, and refreshes bench/RESULTS.md.
#
#   bash bench/compare.sh [--no-criterion]
#
# Installs what it needs into target/bench-tools (idempotent): check-jsonschema from PyPI in a
# venv, jsonschema-cli from crates.io, hyperfine (Debian package, or crates.io as a fallback)
# and GNU time. Builds `changeos` in release, writes the corpora into target/bench-corpus
# (bench/gen_corpus.py), checks that every tool rejects exactly the files with a mistake, then
# times with hyperfine:
#   (a) one small clean file, each tool run directly (hyperfine -N, no shell), and `cat`;
#   (b) 10,000 files in one invocation of each tool, 10% of them with a mistake, so every tool
#       exits 1: timed with hyperfine -i (the exit code is checked beforehand instead);
#   (c) peak RSS of each tool on those 10,000 files, with /usr/bin/time -v;
# then runs the in-process criterion bench (validator/benches/check.rs) unless --no-criterion,
# prints the ratios and writes bench/RESULTS.md, targets and verdicts included (bench/report.py).
# Raw exports land in target/bench-results (criterion's in target/bench-results/criterion,
# emptied first, so that no figure of an earlier run gets in).
#
# Environment (defaults in brackets): BENCH_FILES, the corpus size [10000]; BENCH_SLOW_RUNS,
# check-jsonschema's runs in (b) [3]; BENCH_CRITERION_WARMUP and BENCH_CRITERION_TIME,
# criterion's warm-up and measurement seconds per bench [1, 3]; CHANGEOS_BENCH_WORST_BYTES, the
# sizes of the worst shapes [1048576,8388608]. A quick check of the script itself:
#   BENCH_FILES=200 BENCH_SLOW_RUNS=1 BENCH_CRITERION_WARMUP=0.1 BENCH_CRITERION_TIME=0.2 \
#     CHANGEOS_BENCH_WORST_BYTES=65536,131072 bash bench/compare.sh
#
# Needs the Rust toolchain, Python 3 and network access to the registries; not run by CI
# (it takes several minutes, most of it building jsonschema-cli the first time).
set -euo pipefail
cd "$(dirname "$0")/.."

CHECK_JSONSCHEMA_VERSION=${CHECK_JSONSCHEMA_VERSION:-0.39.0}
JSONSCHEMA_CLI_VERSION=${JSONSCHEMA_CLI_VERSION:-0.60.2}
FILES=${BENCH_FILES:-10000}
SLOW_RUNS=${BENCH_SLOW_RUNS:-3}
CRITERION_WARMUP=${BENCH_CRITERION_WARMUP:-1}
CRITERION_TIME=${BENCH_CRITERION_TIME:-3}
RUN_CRITERION=1
for arg in "$@"; do
  case $arg in
    --no-criterion) RUN_CRITERION=0 ;;
    -h | --help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

TARGET=${CARGO_TARGET_DIR:-target}
TOOLS=target/bench-tools
CORPUS=target/bench-corpus
OUT=target/bench-results
# Criterion's figures of this run only, which report.py reads whole: an absolute path, as the
# bench runs in validator/.
export CRITERION_HOME=$PWD/$OUT/criterion
SCHEMA=generated/schema/ChangeServerOsWithCloudInit.request.json
export PATH="$PWD/$TOOLS/bin:$PATH"

step() { printf '\n== %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
apt_install() {
  command -v apt-get >/dev/null || return 1
  as_root apt-get install -y -qq "$@" >/dev/null 2>&1 ||
    { as_root apt-get update -qq >/dev/null 2>&1 && as_root apt-get install -y -qq "$@" >/dev/null 2>&1; }
}

step "tools (cached in $TOOLS)"
mkdir -p "$TOOLS" "$OUT"
CJ=$TOOLS/venv/bin/check-jsonschema
if ! { [ -x "$CJ" ] && "$CJ" --version 2>/dev/null | grep -qF "$CHECK_JSONSCHEMA_VERSION"; }; then
  python3 -m venv "$TOOLS/venv"
  "$TOOLS/venv/bin/pip" install --quiet --disable-pip-version-check "check-jsonschema==$CHECK_JSONSCHEMA_VERSION"
fi
if ! { [ -x "$TOOLS/bin/jsonschema-cli" ] && "$TOOLS/bin/jsonschema-cli" --version 2>/dev/null | grep -qF "$JSONSCHEMA_CLI_VERSION"; }; then
  cargo install --quiet --locked --root "$TOOLS" --version "$JSONSCHEMA_CLI_VERSION" jsonschema-cli
fi
JCLI=$TOOLS/bin/jsonschema-cli
if ! command -v hyperfine >/dev/null; then
  apt_install hyperfine || cargo install --quiet --locked --root "$TOOLS" hyperfine
fi
# -N (no intermediate shell) needs hyperfine 1.13 or later.
if ! hyperfine --help | grep -q -- '--shell'; then
  cargo install --quiet --locked --root "$TOOLS" hyperfine
fi
[ -x /usr/bin/time ] || apt_install time || { echo "compare.sh: GNU time (/usr/bin/time) is needed" >&2; exit 1; }
echo "check-jsonschema $("$CJ" --version | grep -oE '[0-9]+(\.[0-9]+)+'), $("$JCLI" --version), $(hyperfine --version)"

step "changeos (release build)"
cargo build --quiet --release -p changeos
CHANGEOS=$TARGET/release/changeos

step "corpora ($CORPUS)"
python3 bench/gen_corpus.py . "$CORPUS" "$FILES" | tee "$OUT/corpus.log"
ONE=$CORPUS/one/payload.json
MANIFEST=$CORPUS/manifest.json

notes=()
# `changeos check DIR` walks a directory once the engine does; until then, a shell glob.
many_changeos="$CHANGEOS check $CORPUS/mixed/*.json"
variants=()
if "$CHANGEOS" check "$CORPUS/clean" 2>/dev/null | tail -n 1 | grep -q "^$FILES files checked"; then
  many_changeos="$CHANGEOS check $CORPUS/mixed"
  variants+=(-n changeos-glob "$CHANGEOS check $CORPUS/mixed/*.json")
  notes+=("\`changeos check\` is given the directory (\`changeos-glob\`: the same $FILES paths from the shell glob the peers and \`cat\` get; the glob itself costs a few ms).")
else
  notes+=("\`changeos check\` does not walk a directory yet: every tool gets the $FILES paths from the same shell glob (one invocation each, no xargs; the glob's cost is in every row, \`cat\` included).")
fi
many_cj="$CJ --schemafile $SCHEMA $CORPUS/mixed/*.json"
# Format checks on (the schema's `uuid`), as check-jsonschema does by default and the linter
# always does; only invalid files reported, as the other two do.
many_jcli="$JCLI validate $SCHEMA --assert-format --errors-only --instance $CORPUS/mixed/*.json"
jcli_one=("$JCLI" validate "$SCHEMA" --assert-format --errors-only --instance "$ONE")

step "sanity: exit codes, same files rejected, peak RSS"
# Each tool on the one file (exit 0), on the all-clean corpus (exit 0) and on the mixed corpus
# (exit 1, under /usr/bin/time -v for the peak RSS); the names of the files each tool rejects
# on the mixed corpus must be the manifest's.
expect_rc() { # WANT LABEL CMD...
  local want=$1 label=$2 rc=0
  shift 2
  "$@" >/dev/null 2>&1 || rc=$?
  if [ "$rc" != "$want" ]; then echo "compare.sh: $label exited $rc, expected $want" >&2; exit 1; fi
}
expect_rc 0 "changeos on one file" "$CHANGEOS" check "$ONE"
expect_rc 0 "check-jsonschema on one file" "$CJ" --schemafile "$SCHEMA" "$ONE"
expect_rc 0 "jsonschema-cli on one file" "${jcli_one[@]}"
expect_rc 0 "changeos on the clean corpus" sh -c "${many_changeos//mixed/clean}"
expect_rc 0 "check-jsonschema on the clean corpus" sh -c "${many_cj//mixed/clean}"
expect_rc 0 "jsonschema-cli on the clean corpus" sh -c "${many_jcli//mixed/clean}"
: >"$OUT/agreement.txt"
for tool in changeos check-jsonschema jsonschema-cli; do
  case $tool in
    changeos) cmd=$many_changeos ;;
    check-jsonschema) cmd=$many_cj ;;
    jsonschema-cli) cmd=$many_jcli ;;
  esac
  rc=0
  /usr/bin/time -v -o "$OUT/time-$tool.txt" sh -c "$cmd" >"$OUT/out-$tool.txt" 2>&1 || rc=$?
  if [ "$rc" != 1 ]; then echo "compare.sh: $tool exited $rc on the mixed corpus, expected 1" >&2; exit 1; fi
  python3 - "$MANIFEST" "$OUT/out-$tool.txt" "$tool" >>"$OUT/agreement.txt" <<'EOF'
import json, re, sys
manifest, output, tool = json.load(open(sys.argv[1])), open(sys.argv[2]).read(), sys.argv[3]
expected = set(manifest["mistakes"])
named = set(re.findall(r"p\d{5}\.json", output))
extra, missed = sorted(named - expected), sorted(expected - named)
verdict = "the same files" if not extra and not missed else f"{len(extra)} extra, {len(missed)} missed: {(extra + missed)[:5]}"
print(f"- `{tool}` names {len(named)} of the {len(expected)} files with a mistake in its output: {verdict}.")
if extra or missed:
    sys.exit(1)
EOF
done
cat "$OUT/agreement.txt"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load average (1, 5, 15 min): $load_before"
step "(a) one small file, whole process (hyperfine -N --warmup 3)"
hyperfine -N --warmup 3 --style basic \
  --export-json "$OUT/one.json" --export-markdown "$OUT/one.md" \
  -n changeos "$CHANGEOS check $ONE" \
  -n check-jsonschema "$CJ --schemafile $SCHEMA $ONE" \
  -n jsonschema-cli "${jcli_one[*]}" \
  -n cat "cat $ONE"

step "(b) $FILES files in one invocation, 10% with a mistake (hyperfine -i)"
if command -v taskset >/dev/null && [ "$(nproc)" -gt 1 ]; then
  variants+=(-n changeos-1-core "taskset -c 0 $many_changeos")
  notes+=("\`changeos-1-core\` is the same command pinned to one core (\`taskset -c 0\`): what the worker threads gain or cost.")
  notes+=("jsonschema-cli checks on one thread: the target of 1.5× its speed on $(nproc) cores leaves room for the serial part (listing a directory, on one thread, before its files are checked on every core) and for a CPU time per file a little above its own (compare the CPU of \`changeos-1-core\` with jsonschema-cli's).")
fi
hyperfine -i --warmup 3 --style basic \
  --export-json "$OUT/many-fast.json" --export-markdown "$OUT/many-fast.md" \
  -n changeos "$many_changeos" \
  "${variants[@]}" \
  -n jsonschema-cli "$many_jcli" \
  -n cat "cat $CORPUS/mixed/*.json"
hyperfine -i --warmup 1 --runs "$SLOW_RUNS" --style basic \
  --export-json "$OUT/many-slow.json" --export-markdown "$OUT/many-slow.md" \
  -n check-jsonschema "$many_cj"

echo "$load_before / $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)" >"$OUT/load.txt"

crit=-
if [ "$RUN_CRITERION" = 1 ]; then
  step "in process: criterion (validator/benches/check.rs)"
  rm -rf "$CRITERION_HOME"
  echo "worst shapes at ${CHANGEOS_BENCH_WORST_BYTES:-1048576,8388608} bytes; warm-up ${CRITERION_WARMUP} s, measurement ${CRITERION_TIME} s per bench"
  if cargo bench --quiet -p changeos-validator --bench check -- \
    --warm-up-time "$CRITERION_WARMUP" --measurement-time "$CRITERION_TIME" >"$OUT/criterion.txt" 2>&1; then
    grep -E '^(payload|examples/|tests/|gen/)| diagnostics' "$OUT/criterion.txt" || true
    echo "(criterion's full output: $OUT/criterion.txt)"
  else
    tail -n 20 "$OUT/criterion.txt" >&2
    echo "compare.sh: the criterion bench failed (above); RESULTS.md leaves the in-process figures out" >&2
    RUN_CRITERION=0
  fi
fi
if [ "$RUN_CRITERION" = 1 ]; then
  crit=$CRITERION_HOME
  notes+=("Criterion: warm-up ${CRITERION_WARMUP} s and measurement ${CRITERION_TIME} s per bench; the large inputs (\`worst-shapes\`, \`million-members\`) take 10 samples of equal iteration counts (flat sampling), at least one iteration each, so a slow row runs longer than that.")
  notes+=("In process, the jsonschema crate does not decode \`user_data\` (\`contentEncoding\` is an annotation in 2020-12), while the linter decodes it to check the 32 KiB limit: that is most of the \`user-data-40k\` gap.")
fi

step "ratios (this run)"
bytes=$(python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(m['bytes']['mixed'])" "$MANIFEST")
echo "Corpus: $FILES files, $bytes bytes, $((FILES / 10)) with one mistake each (\`bench/gen_corpus.py\`, fixed seed); the one small file is \`examples/cloudinit-password.json\` ($(wc -c <"$ONE") bytes)." >"$OUT/corpus.txt"
notes+=(
  "jsonschema-cli runs with \`--assert-format\` (the schema's \`uuid\` format is checked, as check-jsonschema does by default and changeos always does) and \`--errors-only\` (like the others, it reports only invalid files)."
  "(a) runs each command directly (\`hyperfine -N\`, no shell); (b) runs through a shell for the glob, whose start-up hyperfine subtracts."
  "(b) times the mixed corpus, so every tool exits 1: hyperfine \`-i\` ignores the exit code, which the sanity step checked beforehand (exit 1 on it, 0 on the all-clean variant) together with the names of the rejected files."
  "check-jsonschema is timed with \`--warmup 1 --runs $SLOW_RUNS\` in (b); every other command with \`--warmup 3\` and hyperfine's default run count."
  "Output goes to /dev/null (hyperfine's default); peak RSS is one run of each tool on the mixed corpus, from \`/usr/bin/time -v\`."
  "$(nproc) cores, shared with whatever else runs on the machine: the figures are noisy, and every ratio comes from this one run."
)
if cat --version 2>/dev/null | grep -q 'GNU coreutils'; then
  notes+=("\`cat\` is $(cat --version | head -n 1), which maps and unmaps a 128 KiB buffer and calls fadvise for every file: on $FILES small files its system time is no lower bound for reading them.")
fi
printf '%s\n' "${notes[@]}" >"$OUT/notes.txt"
{
  echo "rustc: $(rustc --version)"
  echo "changeos: $("$CHANGEOS" --version) (release build of this checkout, $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- . ':!bench/RESULTS.md' 2>/dev/null || echo ' + uncommitted changes'))"
  echo "check-jsonschema: $("$CJ" --version | grep -oE '[0-9]+(\.[0-9]+)+') ($("$TOOLS/venv/bin/python" --version))"
  echo "jsonschema-cli: $("$JCLI" --version | grep -oE '[0-9]+(\.[0-9]+)+')"
  echo "hyperfine: $(hyperfine --version | grep -oE '[0-9]+(\.[0-9]+)+')"
  # In Cargo.lock's order, which is by name.
  echo "criterion / jsonc-parser / jsonschema crate: $(grep -A1 -E '^name = "(criterion|jsonc-parser|jsonschema)"$' Cargo.lock | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | paste -sd/ -)"
} >"$OUT/versions.txt"
python3 bench/report.py "$OUT" "$crit" bench/RESULTS.md
