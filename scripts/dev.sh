#!/usr/bin/env bash
# One entry point for developers and CI:
#   scripts/dev.sh run        set everything up, then serve the app with demo data at http://localhost:3000
#   scripts/dev.sh test       set everything up, then run the whole test suite
#   scripts/dev.sh e2e        set up and run only the browser tests (end2end/; FILES=sales.test.mjs for one file)
#   scripts/dev.sh api-contract    check the REST API against its OpenAPI document with generated requests
#   scripts/dev.sh bench      run every benchmark (figures go in docs/BENCHMARKS.md)
#   scripts/dev.sh bench-dashboard   only the admin dashboard under wrk (release build; ≥ 2,000 req/s)
#   scripts/dev.sh release-check   build the release site (wasm-opt) and check in Chromium that it hydrates
#   scripts/dev.sh sqlx-prepare    regenerate .sqlx/ (offline query data) after changing a query
#   scripts/dev.sh services   only start the throw-away PostgreSQL and Redis under .data/
#   scripts/dev.sh setup      only install the missing tools
#   scripts/dev.sh stop       stop the local services and a running dev server
# Every verb is idempotent. It installs only from Debian's packages, crates.io, npm and PyPI.
# Two checkouts can share one machine: DATABASE_URL/REDIS_URL point at running services, and
# APP_PORT, SIM_PORT, SCHEMA_DB, E2E_DB and CONTRACT_DB keep each checkout's server, simulator and
# databases apart.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DATA="$ROOT/.data"
PG_PORT="${PG_PORT:-55432}"
REDIS_PORT="${REDIS_PORT:-56379}"
# The site's port; another engineer's server on the same machine can keep 3000 while this one
# uses e.g. APP_PORT=3300 (cargo-leptos and the browser tests follow LEPTOS_SITE_ADDR).
APP_PORT="${APP_PORT:-3000}"
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:$APP_PORT}"
export LEPTOS_RELOAD_PORT="${LEPTOS_RELOAD_PORT:-$((APP_PORT + 1))}"
CARGO_LEPTOS_VERSION=0.3.10
SCHEMATHESIS_VERSION=4.32.5
BIN="$HOME/.cargo/bin"
# The scripts below run what cargo builds from ./target (the site, the server, the simulator): a
# target directory set elsewhere in the environment would leave them looking in the wrong place.
export CARGO_TARGET_DIR="$ROOT/target"
export PATH="$BIN:$ROOT/end2end/node_modules/.bin:$PATH:/usr/sbin:/sbin"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  log "installing Debian packages: $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" \
    || { as_root apt-get update && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"; }
}

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && echo "$dir"
}

# The wasm-bindgen CLI must match the library version in Cargo.lock exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[" ]/, "", $0); sub(/version=/, "", $0); print; exit }' Cargo.lock
}

# cargo-leptos is installed with `no_downloads`, so it never fetches its own tools from the internet.
cargo_leptos_ok() {
  [ -x "$BIN/cargo-leptos" ] \
    && "$BIN/cargo-leptos" --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION" \
    && grep -q '"cargo-leptos '"$CARGO_LEPTOS_VERSION"'[^"]*":{[^}]*"features":\["no_downloads"\]' "$HOME/.cargo/.crates2.json" 2>/dev/null
}

setup() {
  local missing=()
  [ -n "$(pg_bin)" ] || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v node >/dev/null || missing+=(nodejs npm)
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

  rustup target list --installed | grep -q wasm32-unknown-unknown || {
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  }
  cargo_leptos_ok || {
    log "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 13 minutes on 2 cores, once)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads --force
  }
  local wbv
  wbv=$(wasm_bindgen_version)
  [ -n "$wbv" ] || die "wasm-bindgen is missing from Cargo.lock"
  if ! "$BIN/wasm-bindgen" --version 2>/dev/null | grep -q " $wbv\$"; then
    log "installing wasm-bindgen-cli $wbv to match Cargo.lock"
    # Not --locked: the CLI's own lock file pins a yanked crate.
    cargo install wasm-bindgen-cli --version "$wbv" --force
  fi
  if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    log "installing the end-to-end test packages (playwright-core, binaryen's wasm-opt)"
    (cd end2end && npm ci --no-audit --no-fund)
  fi
  if ! "$DATA/venv/bin/schemathesis" --version 2>/dev/null | grep -q " $SCHEMATHESIS_VERSION\$"; then
    log "installing schemathesis $SCHEMATHESIS_VERSION (PyPI) into .data/venv"
    python3 -c 'import ensurepip' 2>/dev/null || apt_install python3-venv
    python3 -m venv "$DATA/venv"
    "$DATA/venv/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
  fi
}

start_postgres() {
  local bin pgdata="$DATA/postgres" runas=()
  bin=$(pg_bin) || die "PostgreSQL is not installed"
  mkdir -p "$DATA"
  chmod 755 "$DATA"
  # PostgreSQL refuses to run as root: run the throw-away cluster as the postgres user.
  if [ "$(id -u)" = 0 ]; then runas=(runuser -u postgres --); fi
  if [ ! -s "$pgdata/PG_VERSION" ]; then
    log "creating a throw-away PostgreSQL cluster in $pgdata"
    rm -rf "$pgdata"
    mkdir -p "$pgdata"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$pgdata"
    "${runas[@]}" "$bin/initdb" -D "$pgdata" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    cat >> "$pgdata/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
  fi
  if ! "${runas[@]}" "$bin/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    rm -f "$pgdata/postmaster.pid"
    "${runas[@]}" "$bin/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w start >/dev/null
  fi
  local db
  for db in mikrotik_billing; do
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 \
      || psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE $db"
  done
}

start_redis() {
  mkdir -p "$DATA/redis"
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    log "starting Redis on 127.0.0.1:$REDIS_PORT"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
      --dir "$DATA/redis" --daemonize yes --pidfile "$DATA/redis/redis.pid" --logfile "$DATA/redis/redis.log"
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
}

services() {
  if [ -z "${DATABASE_URL:-}" ]; then
    start_postgres
    export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/mikrotik_billing"
  fi
  if [ -z "${REDIS_URL:-}" ]; then
    start_redis
    export REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
  fi
  export APP_DATABASE__URL="$DATABASE_URL" APP_REDIS__URL="$REDIS_URL"
  log "DATABASE_URL=$DATABASE_URL REDIS_URL=$REDIS_URL"
}

# sqlx checks every query at compile time against a database holding the schema. It gets one of
# its own, rebuilt from migrations/ on each run; the queries seen are written to target/sqlx-seen
# and compared with the committed .sqlx/ (which offline builds use) by check_sqlx_offline_data.
schema_db() {
  local base="${DATABASE_URL%/*}" db="${SCHEMA_DB:-mikrotik_billing_schema}"
  psql "$base/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  local f
  for f in migrations/*.sql; do
    psql "$base/$db" -q -v ON_ERROR_STOP=1 -f "$f" >/dev/null
  done
  # The app itself uses APP_DATABASE__URL; DATABASE_URL is for sqlx's macros and #[sqlx::test].
  export DATABASE_URL="$base/$db" SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$ROOT/target/sqlx-seen"
  # Start the record afresh and make the crate with the queries compile again, so that every
  # query is seen even when nothing else changed.
  rm -rf "$SQLX_OFFLINE_DIR"
  mkdir -p "$SQLX_OFFLINE_DIR"
  touch crates/billing/src/lib.rs
}

# Every query the build saw must be in .sqlx/ with the same description.
check_sqlx_offline_data() {
  local f stale=0
  ls "$ROOT"/target/sqlx-seen/query-*.json >/dev/null 2>&1 || die "no SQL query was compiled, so none was checked"
  for f in "$ROOT"/target/sqlx-seen/query-*.json; do
    [ -e "$f" ] || continue
    cmp -s "$f" ".sqlx/$(basename "$f")" || { echo "stale or missing: .sqlx/$(basename "$f")" >&2; stale=1; }
  done
  [ "$stale" = 0 ] || die ".sqlx/ is out of date: run 'scripts/dev.sh sqlx-prepare' and commit .sqlx/"
}

# Regenerates .sqlx/ from a clean compile of the crates that hold queries.
sqlx_prepare() {
  setup
  services
  schema_db
  rm -rf .sqlx
  mkdir -p .sqlx
  cargo check -p billing --tests
  cp "$SQLX_OFFLINE_DIR"/query-*.json .sqlx/
  log "wrote $(ls .sqlx | wc -l) query descriptions to .sqlx/"
}

# cargo-leptos adds `--cfg erase_components` to debug builds itself, after the RUSTFLAGS it finds.
# With the flag already in RUSTFLAGS (exported for the plain cargo commands, so that they build with
# the same flags as the site) the server would get it twice: flags unlike those of every other
# cargo command, and the whole dependency tree compiled a second time. So cargo-leptos gets none.
# The WASM of a development build has no debug names (profile wasm-dev); WASM_DEBUG=1 keeps them,
# for panics and profiles that name Rust functions.
# Every page is a lazy route (app/src/routes.rs): `--split` puts each page's code in a WASM file
# of its own; a build without it would not load.
leptos() {
  local verb="$1"
  shift
  if [ "${WASM_DEBUG:-}" = 1 ]; then
    env -u RUSTFLAGS CARGO_PROFILE_WASM_DEV_STRIP=none cargo leptos "$verb" --split "$@"
  else
    env -u RUSTFLAGS cargo leptos "$verb" --split "$@"
  fi
}

# A dev server left over from an earlier run holds the app's port: stop it rather than fail.
stop_stale_server() {
  local pids
  pids=$(ss -ltnpH "sport = :$APP_PORT" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u || true)
  if [ -n "$pids" ]; then
    log "stopping a stale server on port $APP_PORT (pid $pids)"
    kill $pids 2>/dev/null || true
    sleep 1
  fi
}

stop() {
  stop_stale_server
  [ -s "$DATA/routeros-sim.pid" ] && kill "$(cat "$DATA/routeros-sim.pid")" 2>/dev/null || true
  local bin
  bin=$(pg_bin) || true
  if [ -n "$bin" ] && [ -s "$DATA/postgres/PG_VERSION" ]; then
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$bin/pg_ctl" -D "$DATA/postgres" stop -m fast || true
    else "$bin/pg_ctl" -D "$DATA/postgres" stop -m fast || true; fi
  fi
  redis-cli -p "$REDIS_PORT" shutdown nosave 2>/dev/null || true
}

# The simulated MikroTik router of the demo: it speaks the RouterOS API on a local port.
SIM_PORT="${SIM_PORT:-18728}"
start_router_simulator() {
  local pidfile="$DATA/routeros-sim.pid"
  if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    kill "$(cat "$pidfile")" 2>/dev/null || true
    sleep 0.3
  fi
  ./target/debug/routeros-sim --listen "127.0.0.1:$SIM_PORT" --user admin --password demo-router \
    --demo-login-every "${DEMO_LOGIN_EVERY:-20}" --demo-comment-prefix 'mb:batch=' \
    --demo-ppp-comment-prefix 'mb:subscription=' \
    >"$DATA/routeros-sim.log" 2>&1 &
  echo $! >"$pidfile"
  log "simulated MikroTik router on 127.0.0.1:$SIM_PORT (API user admin / demo-router)"
}

# The demo operator printed on invoices and receipts (business.* in the configuration).
demo_business() {
  export APP_BUSINESS__NAME="${APP_BUSINESS__NAME:-RT/RW Net Sejahtera (demo)}"
  export APP_BUSINESS__ADDRESS="${APP_BUSINESS__ADDRESS:-Jl. Melati 7, Sleman, Yogyakarta}"
  export APP_BUSINESS__PHONE="${APP_BUSINESS__PHONE:-WhatsApp 0812-0000-0000}"
}

run() {
  setup
  services
  schema_db
  stop_stale_server
  demo_business
  export APP_MODE=development RUSTFLAGS="--cfg erase_components" LEPTOS_OUTPUT_NAME=mikrotik_billing
  log "building (the first build takes several minutes)"
  leptos build
  cargo build -p routeros --features sim --bin routeros-sim
  start_router_simulator
  ./target/debug/server migrate
  ./target/debug/server seed-demo --router "127.0.0.1:$SIM_PORT"
  log "serving at http://localhost:$APP_PORT  (Ctrl-C to stop; the logins are above)"
  if [ "${WASM_DEBUG:-}" = 1 ]; then export CARGO_PROFILE_WASM_DEV_STRIP=none; fi
  exec env -u RUSTFLAGS cargo leptos serve --split
}

test_all() {
  setup
  services
  schema_db
  stop_stale_server
  # cargo-leptos builds with this flag and output name; the tests use the same so that the
  # dependency tree compiles once.
  export APP_MODE=development RUSTFLAGS="--cfg erase_components" LEPTOS_OUTPUT_NAME=mikrotik_billing
  browser_test_database

  log "formatting"
  cargo fmt --all -- --check
  log "building the site"
  leptos build
  check_sqlx_offline_data
  log "unit, property, database and HTTP tests"
  # Not the frontend: built for the host together with the server, it would switch on the
  # hydrate features next to ssr for the whole test build.
  cargo nextest run --workspace --exclude frontend --no-fail-fast
  log "lints"
  cargo clippy --workspace --exclude frontend --all-targets -- -D warnings
  log "a third-party RouterOS client against the simulator"
  cargo build -p routeros --features sim --bin routeros-sim
  ROUTEROS_SIM_BIN="$ROOT/target/debug/routeros-sim" crates/routeros/interop/run.sh
  api_contract_tests
  browser_tests
}

# Schemathesis sends requests generated from /api/v2/openapi.json to a seeded server, as an admin,
# and checks every answer against the document: a documented status, its content type and its
# schema, never a 5xx that is not documented. The stateful phase follows the document's links
# (create a router, then read, change and delete it). Deterministic generation and one worker, so
# a failure comes back on the next run. Its own database (CONTRACT_DB), server and simulated router
# (on APP_PORT and SIM_PORT, stopped before the browser tests use them).
api_contract_tests() {
  log "the REST API against its OpenAPI document (schemathesis)"
  local base="${APP_DATABASE__URL%/*}" db="${CONTRACT_DB:-mikrotik_billing_contract}"
  local port="$APP_PORT" sim_port="$SIM_PORT"
  psql "$base/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  cargo build -p server
  cargo build -p routeros --features sim --bin routeros-sim
  local log_dir="$DATA/api-contract" pids=() status=0
  rm -rf "$log_dir"
  mkdir -p "$log_dir"
  ./target/debug/routeros-sim --listen "127.0.0.1:$sim_port" --user admin --password demo-router \
    >"$log_dir/routeros-sim.log" 2>&1 &
  pids+=($!)
  (
    export APP_DATABASE__URL="$base/$db" APP_REDIS__KEY_PREFIX="contract:$(date +%s):"
    export LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_OUTPUT_NAME=mikrotik_billing
    ./target/debug/server migrate >/dev/null
    ./target/debug/server seed-demo --router "127.0.0.1:$sim_port" >/dev/null
    exec ./target/debug/server >"$log_dir/server.log" 2>&1
  ) &
  pids+=($!)
  local url="http://127.0.0.1:$port"
  for _ in $(seq 150); do curl -sf "$url/health" >/dev/null && break; sleep 0.2; done
  local token
  token=$(curl -sf "$url/api/v2/auth/login" -H 'Content-Type: application/json' \
    -d '{"username": "admin", "password": "admin12345"}' \
    | "$DATA/venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["token"])') || token=""
  if [ -z "$token" ]; then
    kill "${pids[@]}" 2>/dev/null || true
    die "the contract test server did not start: see $log_dir/server.log"
  fi
  local started=$SECONDS
  # Logging out would end the run's own session, and so would a change to its admin or the end of
  # its sessions (the routes of one staff user, tested in server/tests/integration/security.rs); the server
  # functions (/rpc) are the web UI's.
  # Run in the log directory, emptied above: schemathesis keeps a cache of earlier failures where
  # it runs, which would make one run depend on the last.
  (cd "$log_dir" && "$DATA/venv/bin/schemathesis" --config-file "$ROOT/scripts/api-contract.toml" \
    run "$url/api/v2/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing,stateful \
    --exclude-path /api/v2/auth/logout \
    --exclude-path-regex '^/rpc/|^/api/v2/admin/staff/\{id\}' \
    --max-examples "${CONTRACT_MAX_EXAMPLES:-25}" --generation-deterministic \
    --request-timeout 30 --workers 1 --no-color --report junit --report-dir "$log_dir") || status=$?
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  log "the API contract run took $((SECONDS - started)) s (server log: $log_dir/server.log)"
  return "$status"
}

# The browser tests get a database of their own, fresh on every run, and their own Redis keys.
browser_test_database() {
  local base="${APP_DATABASE__URL%/*}" db="${E2E_DB:-mikrotik_billing_e2e}"
  psql "$base/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  export APP_DATABASE__URL="$base/$db" APP_REDIS__KEY_PREFIX="e2e:$(date +%s):"
}

# The end-to-end tests in headless Chromium against a built site (cargo-leptos serves it for the
# length of the run). FILES narrows the run to some files of end2end/.
browser_tests() {
  log "end-to-end tests in headless Chromium"
  demo_business
  mkdir -p "$DATA"
  cargo build -p routeros --features sim --bin routeros-sim
  # Time runs faster for the browser tests: the simulated customers log in every 2 s and the
  # activation monitor looks every 5 s, so a voucher's whole life fits in a test.
  DEMO_LOGIN_EVERY=2 start_router_simulator
  export APP_JOBS__ACTIVATION_INTERVAL_SECONDS=5 ROUTEROS_SIM_PORT="$SIM_PORT"
  ./target/debug/server seed-demo >/dev/null
  if [ -n "${FILES:-}" ]; then
    export LEPTOS_END2END_CMD="node --test --test-concurrency=1 $FILES"
  fi
  # The server's output is kept: a panic in a request fails the run even when the page looked right.
  local started=$SECONDS status=0 output="$DATA/end-to-end.log"
  leptos end-to-end 2>&1 | tee "$output" || status=$?
  log "the browser tests took $((SECONDS - started)) s"
  if grep -n 'panicked at' "$output" >&2; then
    log "the server panicked during the browser tests (the lines above, all output in $output)"
    status=1
  fi
  return "$status"
}

# Only the browser tests: a fresh database, the site built (incrementally), the simulator, the
# demo accounts, then end2end/. Much faster than `test` while working on the browser tests.
e2e() {
  setup
  services
  stop_stale_server
  # The queries are checked against the committed .sqlx/ (the `test` verb checks those are current).
  export APP_MODE=development RUSTFLAGS="--cfg erase_components" LEPTOS_OUTPUT_NAME=mikrotik_billing
  export SQLX_OFFLINE="${SQLX_OFFLINE:-true}"
  browser_test_database
  log "building the site"
  leptos build
  browser_tests
}

# Only the API contract run: faster than `test` while working on the REST API or its document.
api_contract() {
  setup
  services
  stop_stale_server
  export APP_MODE=development RUSTFLAGS="--cfg erase_components" LEPTOS_OUTPUT_NAME=mikrotik_billing
  export SQLX_OFFLINE="${SQLX_OFFLINE:-true}"
  api_contract_tests
}

# Every benchmark; the provisioning bench needs the local services and makes its own database.
bench() {
  setup
  services
  schema_db
  cargo bench -p routeros --bench pipeline --bench decode_print
  cargo bench -p server --bench provisioning --bench sales --bench money --bench subscriptions --bench invoice_run
  bench_dashboard
}

# In the caller's subshell: the release site as it is deployed, in a site directory of its own
# (the debug site of `make run` and the browser tests stays as it is), the demo data in database
# $1, a release simulator on port $3 and the server on port $2, both stopped when the subshell
# ends; $4 names the Redis keys and the logs. (errexit does not reach into a subshell whose status
# is tested: each step says so itself.)
serve_release_demo() {
  local db="$1" port="$2" sim_port="$3" name="$4"
  export APP_MODE=development LEPTOS_OUTPUT_NAME=mikrotik_billing SQLX_OFFLINE=true
  export APP_DATABASE__URL="${APP_DATABASE__URL%/*}/$db" APP_REDIS__KEY_PREFIX="$name:$(date +%s):"
  export LEPTOS_SITE_ROOT=target/site-release
  unset RUSTFLAGS
  log "building the release site and simulator"
  cargo leptos build --release --precompress --split || return 1
  cargo build --release -p routeros --features sim --bin routeros-sim || return 1
  ./target/release/routeros-sim --listen "127.0.0.1:$sim_port" --user admin \
    --password demo-router >"$DATA/$name-sim.log" 2>&1 &
  local sim=$!
  trap "kill $sim 2>/dev/null || true" EXIT
  ./target/release/server migrate >/dev/null || return 1
  ./target/release/server seed-demo --router "127.0.0.1:$sim_port" >/dev/null || return 1
  LEPTOS_SITE_ADDR="127.0.0.1:$port" ./target/release/server >"$DATA/$name-server.log" 2>&1 &
  trap "kill $! $sim 2>/dev/null || true" EXIT
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && return 0; sleep 0.2; done
  log "the release server did not answer /health (log: $DATA/$name-server.log)"
  return 1
}

# The admin dashboard under load: wrk with 32 connections for 20 s against the release build,
# logged in as the demo admin, with the demo data and a simulated router. Fails under 2,000
# requests a second, or when any answer is not the dashboard itself.
bench_dashboard() {
  command -v wrk >/dev/null || apt_install wrk
  local base="${APP_DATABASE__URL%/*}" db="${BENCH_DB:-mikrotik_billing_bench}"
  local port="${BENCH_PORT:-3200}" sim_port="${BENCH_SIM_PORT:-18729}" url status=0
  psql "$base/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  (
    serve_release_demo "$db" "$port" "$sim_port" bench || exit 1
    url="http://127.0.0.1:$port"
    local cookie
    cookie=$(curl -s -D - -o /dev/null -H 'content-type: application/json' \
      -d '{"username":"admin","password":"admin12345"}' "$url/api/v2/auth/login" \
      | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(mb_session=[^;]*\).*/\1/p')
    [ -n "$cookie" ] || die "cannot log in as the demo admin"
    curl -s -H "Cookie: $cookie" "$url/admin" | grep -q 'data-stat="customers"' \
      || die "GET /admin with the admin's cookie is not the dashboard"
    log "GET /admin: wrk, 2 threads, 32 connections, 20 s (after 5 s of warm-up)"
    wrk -t2 -c32 -d5s -H "Cookie: $cookie" "$url/admin" >/dev/null
    local out
    out=$(wrk -t2 -c32 -d20s --latency -H "Cookie: $cookie" "$url/admin")
    echo "$out"
    if echo "$out" | grep -q 'Non-2xx'; then die "some answers were not 200"; fi
    local rate
    rate=$(echo "$out" | awk '/^Requests\/sec:/ { print int($2) }')
    [ "${rate:-0}" -ge 2000 ] || die "the dashboard served $rate requests a second; the target is 2,000"
    log "dashboard: $rate requests a second (target 2,000)"
  ) || status=$?
  return "$status"
}

# Builds the release site as it is deployed (wasm-release profile, wasm-opt, hashed and
# precompressed files), proves in Chromium that it hydrates, and measures what a phone on 4G
# transfers and how soon the sales screen sells (end2end/perf-4g.mjs; figures in
# docs/BENCHMARKS.md). Its own database and simulated router, like the dashboard bench.
release_check() {
  setup
  services
  schema_db
  stop_stale_server
  local base="${APP_DATABASE__URL%/*}" db="${RELEASE_DB:-mikrotik_billing_release}"
  local port="${RELEASE_PORT:-3100}" sim_port="${RELEASE_SIM_PORT:-18730}" status=0
  psql "$base/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  (
    serve_release_demo "$db" "$port" "$sim_port" release || exit 1
    ls -l target/site-release/pkg/ | grep -v chunk_
    cd end2end && BASE_URL="http://127.0.0.1:$port" node --test --test-concurrency=1 release-check.mjs perf-4g.mjs
  ) || status=$?
  return "$status"
}

case "${1:-}" in
  run) run ;;
  test) test_all ;;
  e2e) e2e ;;
  api-contract) api_contract ;;
  release-check) release_check ;;
  bench) bench ;;
  bench-dashboard) setup; services; bench_dashboard ;;
  sqlx-prepare) sqlx_prepare ;;
  services) setup; services ;;
  setup) setup ;;
  stop) stop ;;
  *) die "usage: scripts/dev.sh run|test|e2e|api-contract|bench|bench-dashboard|release-check|sqlx-prepare|services|setup|stop" ;;
esac
