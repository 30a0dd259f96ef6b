#!/usr/bin/env bash
# Side by side with PostGraphile v5, in one line from the repository's root:
#   bash graph/loadtest/postgraphile/compare.sh [loadtest flags, e.g. -n 100 -rounds 3 -shapes nested,relay]
# Writes the issue-15 data (1,000 accounts) into PostgreSQL and SQLite when missing, starts our server on each
# and PostGraphile on the PostgreSQL one, runs `graph/loadtest -compare`, and stops all three.
# A database or file this run created is removed at the end unless KEEP=1; one that existed is never touched.
set -euo pipefail

root=$(cd "$(dirname "$0")/../../.." && pwd)
here="$root/graph/loadtest/postgraphile"
pg=${PG:-postgres://postgres@127.0.0.1:5432}
db=${BENCH_DB:-accountplan_bench}
sqlite=${SQLITE:-/tmp/accountplan_bench.db}
accounts=${ACCOUNTS:-1000}
ours_pg_port=${OURS_PG_PORT:-8091} ours_sqlite_port=${OURS_SQLITE_PORT:-8092} theirs_port=${THEIRS_PORT:-5678}
pgurl="$pg/$db?sslmode=disable"

tmp=$(mktemp -d)
pids=() created_db=0 created_file=0
stop() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	if [ "${KEEP:-0}" != 1 ]; then
		if [ "$created_db" = 1 ]; then psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $db" || true; fi
		if [ "$created_file" = 1 ]; then rm -f "$sqlite" "$sqlite-wal" "$sqlite-shm"; fi
	fi
	rm -rf "$tmp"
}
trap stop EXIT

cd "$root"
echo "building our server and the load tool"
go build -o "$tmp/server" .
go build -o "$tmp/loadtest" ./graph/loadtest
[ -d "$here/node_modules" ] || npm ci --prefix "$here" --no-audit --no-fund --loglevel=error

if [ -z "$(psql "$pg/postgres" -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
	psql "$pg/postgres" -qc "CREATE DATABASE $db"
	created_db=1
fi
if [ "$(psql "$pgurl" -Atc "SELECT to_regclass('accounts') IS NOT NULL")" != t ] ||
	[ "$(psql "$pgurl" -Atc "SELECT EXISTS (SELECT FROM accounts)")" != t ]; then
	echo "writing $accounts accounts into $db (about 10 minutes)"
	"$tmp/loadtest" -generate -db "$pgurl" -accounts "$accounts"
	psql "$pgurl" -qc ANALYZE
fi
if [ ! -s "$sqlite" ]; then
	created_file=1
	echo "writing $accounts accounts into $sqlite (about 4 minutes)"
	"$tmp/loadtest" -generate -db "$sqlite" -accounts "$accounts"
fi

# The abuse limits PostGraphile has no counterpart of are off: the rate, the caps per client, the cost (orgbig costs 635,402).
flags=(-rate-limit 0 -map-cache-mb 0 -max-in-flight-per-client 0 -max-in-flight-per-address 0 -max-cost 0 -timeout 60s)
"$tmp/server" -db "$pgurl" -addr "127.0.0.1:$ours_pg_port" "${flags[@]}" >"$tmp/ours-pg.log" 2>&1 &
pids+=($!)
"$tmp/server" -db "$sqlite" -addr "127.0.0.1:$ours_sqlite_port" "${flags[@]}" >"$tmp/ours-sqlite.log" 2>&1 &
pids+=($!)
# npm's Node 22 (PostGraphile 5.1 needs it), not the system's
PATH="$here/node_modules/.bin:$PATH" NODE_ENV=production DATABASE_URL="$pgurl" PORT="$theirs_port" \
	node "$here/node_modules/postgraphile/dist/cli-run.js" -C "$here/graphile.config.mjs" >"$tmp/postgraphile.log" 2>&1 &
pids+=($!)

for url in "http://127.0.0.1:$ours_pg_port/query" "http://127.0.0.1:$ours_sqlite_port/query" "http://127.0.0.1:$theirs_port/graphql"; do
	for i in $(seq 120); do
		curl -sf -o /dev/null -H 'Content-Type: application/json' -d '{"query":"{__typename}"}' "$url" && break
		[ "$i" = 120 ] && { echo "no answer from $url:"; tail -20 "$tmp"/*.log; exit 1; }
		sleep 0.5
	done
done

TOKEN= "$tmp/loadtest" -pg-db "$db" -compare "http://127.0.0.1:$theirs_port/graphql" \
	-url "ours-pg=http://127.0.0.1:$ours_pg_port/query,ours-sqlite=http://127.0.0.1:$ours_sqlite_port/query" "$@"
