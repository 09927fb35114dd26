#!/usr/bin/env bash
# The long fuzzing campaign: schemathesis' CLI, positive + negative data (--mode all), every
# default check, N examples per operation (default 200), against a served emulator on loopback.
# positive_data_acceptance is left out, as in tests/contract/test_full_contract.py, and GVP runs
# in its `mapped` status mode so negative_data_rejection applies to it too (see
# docs/reliability.md). Usage: bash bench/soak/fuzz_long.sh [examples] [report-dir]
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-200}"
OUT="${2:-bench/soak/results/fuzz}"
BIN="${VIRTUAL_ENV:-$PWD/.venv}/bin"
mkdir -p "$OUT"
WORK="$(mktemp -d)"
PORT="$("$BIN/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"

EMULATOR_GMODSTORE__RATE_LIMIT=100000000 EMULATOR_GVP__HTTP_STATUS_MODE=mapped \
EMULATOR_CLOCK_START=2026-01-01T00:00:00Z EMULATOR_LOG_FORMAT=json \
  "$BIN/purchase-emulator" serve --host 127.0.0.1 --port "$PORT" \
  --database-url "sqlite:///$WORK/fuzz.db" > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 300); do
  curl -sf "$BASE/__admin/health" > /dev/null && break
  sleep 0.1
done

GVP_SVC='^(LoginAnonymous|LoginUserPassword|Renew|GetTime|CreatePurchase|CreatePurchaseStb|CancelPurchase|CancelProduct|GetUserSubscriptions|CheckPin|ChangePin|EnablePin|DisablePin)(Form)?$'  # GET and form POST
run() {  # name, operation-id regex, extra args...
  local name="$1" regex="$2"; shift 2
  echo "== $name"
  "$BIN/schemathesis" run "$BASE/openapi.yaml" --mode all -n "$N" --seed 20261122 \
    --include-operation-id-regex "$regex" --exclude-checks positive_data_acceptance \
    --report junit,ndjson --report-junit-path "$OUT/$name.xml" \
    --report-ndjson-path "$OUT/$name.ndjson" "$@" 2>&1 | tee "$OUT/$name.txt" | tail -25 || true
}
run hlconnect '^(connector_|hlconnect_)' -H 'Authorization: Bearer hl-demo-token'
run gmodstore '^(create|list|get|update)_product_purchases?$' \
  -H 'Authorization: Bearer gms-demo-token'
run gvp "$GVP_SVC"
run gvp-payment '^(PaymentPage|PaymentDecision)$'
run admin '^admin_'
